import type { StreamingResponse } from '../../../core/emulator/emulator.js';
import { type Ama2Routes, noQuery, threadNotFound } from './routes.js';
import type { Ama2World, Thread, ThreadEvent } from './state.js';
import { AMA2_SHAPES, checkQuery } from './validate.js';

// A thread's events: polled after a sequence number, or streamed as SSE (apis/ama2.md §2).

/** Only `data:` frames, no `id:` or `event:` (apis/ama2.md §2 "SSE stream"); new events only. */
function eventStream(world: Ama2World, thread: Thread): StreamingResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
    stream: (write, signal) =>
      new Promise<void>((resolve) => {
        let frames = 0;
        const keepAlive = setInterval(() => write(': keep-alive\n\n'), 15_000);
        const end = () => {
          clearInterval(keepAlive);
          thread.listeners.delete(listener);
          resolve();
        };
        const listener = (event: ThreadEvent) => {
          write(`data: ${JSON.stringify(event)}\n\n`);
          if (world.streamFrameLimit > 0 && ++frames >= world.streamFrameLimit) end();
        };
        thread.listeners.add(listener);
        write(': connected\n\n');
        signal.addEventListener('abort', end);
      }),
  };
}

export function registerEvents({ route, world, rateLimit, threadFor }: Ama2Routes): void {
  route('GET', '/api/v1/chat/threads/:thread_id/events', (req) => {
    const limited = rateLimit(req, 'read');
    if (limited) return limited;
    const query = checkQuery(req, AMA2_SHAPES.pollQuery);
    if ('error' in query) return query.error;
    // Defaults as documented: last_thread_seq 0 (everything), limit 50.
    const { last_thread_seq: after = 0, limit = 50 } = query.data;
    const thread = threadFor(req);
    if (!thread) return threadNotFound();
    const newer = thread.events.filter((e) => e.thread_seq > after);
    return { status: 200, json: { events: newer.slice(0, limit), has_more: newer.length > limit } };
  });

  route('GET', '/api/v1/chat/threads/:thread_id/events/stream', (req) => {
    const limited = rateLimit(req, 'read');
    if (limited) return limited;
    const refused = noQuery(req);
    if (refused) return refused;
    const thread = threadFor(req);
    if (!thread) return threadNotFound();
    return eventStream(world, thread);
  });
}
