import { defineResource } from '../../core/resources/define.js';
import { historyContents, newestWithin, renderTranscript } from '../../core/resources/transcript.js';
import type { Ama2Client, Ama2Event } from './client.js';
import { slim } from './support.js';

// A thread holds at most this many events in a read; longer histories keep the newest.
const MAX_PAGES = 50;
const PAGE = 100;

/** The thread's events page by page from the start, at most MAX_PAGES pages. */
async function* pages(
  client: Ama2Client,
  threadId: string,
  signal: AbortSignal,
): AsyncGenerator<Ama2Event[]> {
  let last = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await client.pollEvents(threadId, { lastThreadSeq: last, limit: PAGE }, signal);
    yield result.events;
    last = result.events.at(-1)?.thread_seq ?? last;
    if (!result.has_more || result.events.length === 0) return;
  }
}

export default defineResource<Ama2Client>({
  name: 'ama2_thread',
  title: 'AMA2 thread history',
  description:
    'The whole history of an AMA2 thread: a markdown transcript (one line per message: time, sender, text) and the same events as JSON. Subscribe to be notified of each new event.',
  platform: 'ama2',
  uriTemplate: 'ama2://threads/{thread_id}',
  mimeType: 'text/markdown',
  async read(uri, { thread_id: threadId = '' }, ctx) {
    const client = ctx.client;
    const events: Ama2Event[] = [];
    for await (const page of pages(client, threadId, ctx.signal)) {
      events.push(...page);
      // Older events are dropped as newer pages arrive, so memory stays bounded.
      if (events.length > PAGE * 10) events.splice(0, events.length - PAGE * 10);
    }
    const messages = events.filter((e) => typeof e.content === 'string');
    const budget = Math.floor(ctx.maxResultChars / 2);
    const { markdown } = renderTranscript(
      `AMA2 thread ${threadId}`,
      messages.map((e) => ({ time: e.created_at, speaker: e.sender_id ?? 'unknown', text: e.content ?? '' })),
      budget,
      'read them with ama2_poll_events',
    );
    return historyContents(
      uri,
      markdown,
      {
        thread_id: threadId,
        events: newestWithin(events.map(slim), budget),
      },
      ['content', 'metadata'],
    );
  },
  async watch({ thread_id: threadId = '' }, ctx, { signal, changed }) {
    const client = ctx.client;
    // Skip the existing history: notify only of events after the newest one there now.
    let after = 0;
    for await (const page of pages(client, threadId, signal)) after = page.at(-1)?.thread_seq ?? after;
    // This session's loops take one turn together in the key's budget (event-loop.ts).
    for await (const _event of client.streamEvents(threadId, { afterSeq: after, signal, caller: ctx.recent }))
      changed();
  },
});
