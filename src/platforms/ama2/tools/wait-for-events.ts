import { z } from 'zod';
import { deadline } from '../../../core/abort.js';
import { limitParam } from '../../../core/params.js';
import {
  defineAma2Tool,
  POLL_LIMIT_MAX,
  rememberThread,
  seqParam,
  slim,
  slimEvent,
  threadIdParam,
  WAIT_MAX_SECONDS,
} from '../support.js';

const PROGRESS_EVERY_MS = 1000;

export default defineAma2Tool({
  name: 'ama2_wait_for_events',
  title: 'Wait for AMA2 thread events',
  description:
    'Waits for events after after_seq (e.g. replies) and returns them, or timed_out; call again with latest_seq.',
  platform: 'ama2',
  input: {
    thread_id: threadIdParam,
    after_seq: seqParam('after_seq'),
    timeout_seconds: z
      .number()
      .int()
      .min(1, `timeout_seconds must be from 1 to ${WAIT_MAX_SECONDS}`)
      .max(WAIT_MAX_SECONDS, `timeout_seconds must be from 1 to ${WAIT_MAX_SECONDS}`)
      .default(25)
      .describe('Seconds to wait.'),
    limit: limitParam(POLL_LIMIT_MAX),
  },
  output: {
    thread_id: z.string().describe('The thread.'),
    events: z.array(slimEvent).describe('New events in thread_seq order; empty when timed out.'),
    timed_out: z.boolean().describe('True when nothing arrived in time; call again to keep waiting.'),
    has_more: z
      .boolean()
      .describe('Whether more new events follow; read them with ama2_poll_events from latest_seq.'),
    latest_seq: z.number().describe('Highest thread_seq seen; the after_seq of the next call.'),
    waited_ms: z.number().describe('How long the call waited.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  notFoundHint: 'Check thread_id: ama2_create_thread returns it (or ama2_list_threads with a user token).',
  untrusted: ['content', 'metadata'],
  async run(input, ctx) {
    const client = ctx.client;
    const started = Date.now();
    const read = () =>
      client.pollEvents(input.thread_id, { lastThreadSeq: input.after_seq, limit: input.limit }, ctx.signal);
    let page = await read();
    rememberThread(ctx.recent, input.thread_id);
    if (page.events.length === 0) {
      const wait = deadline(ctx.signal, input.timeout_seconds * 1000);
      const waitSignal = wait.signal;
      const ticker = setInterval(() => {
        const elapsed = Math.round((Date.now() - started) / 1000);
        void ctx.progress(
          elapsed,
          input.timeout_seconds,
          `waiting for events after thread_seq ${input.after_seq}`,
        );
      }, PROGRESS_EVERY_MS);
      try {
        // The first live event is enough: the read below collects the whole batch.
        for await (const _event of client.streamEvents(input.thread_id, {
          afterSeq: input.after_seq,
          signal: waitSignal,
          // This session's loops take one turn together in the key's budget (event-loop.ts).
          caller: ctx.recent,
        }))
          break;
      } finally {
        clearInterval(ticker);
        wait.dispose();
      }
      ctx.signal.throwIfAborted();
      if (!waitSignal.aborted) page = await read();
    }
    const events = page.events.map(slim);
    return {
      thread_id: input.thread_id,
      events,
      timed_out: events.length === 0,
      has_more: page.has_more,
      latest_seq: events.at(-1)?.thread_seq ?? input.after_seq,
      waited_ms: Date.now() - started,
    };
  },
});
