import { z } from 'zod';
import { cursorParam, limitParam, pageOutput } from '../../../core/params.js';
import {
  defineAma2Tool,
  POLL_LIMIT_MAX,
  rememberThread,
  seqParam,
  slim,
  slimEvent,
  threadIdParam,
} from '../support.js';

const NAME = 'ama2_poll_events';

export default defineAma2Tool({
  name: NAME,
  title: 'Read AMA2 thread events',
  description:
    "Reads a thread's events after after_seq, in order, paged. To wait for new ones: ama2_wait_for_events.",
  platform: 'ama2',
  input: {
    thread_id: threadIdParam,
    after_seq: seqParam('after_seq').optional().describe('Events after this thread_seq (default 0).'),
    cursor: cursorParam(),
    limit: limitParam(POLL_LIMIT_MAX),
  },
  output: {
    thread_id: z.string().describe('The thread.'),
    events: z.array(slimEvent).describe('Events in thread_seq order.'),
    has_more: z.boolean().describe('Whether more events follow this page.'),
    latest_seq: z
      .number()
      .describe('Highest thread_seq returned (or the starting seq); pass as after_seq later.'),
    ...pageOutput,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  notFoundHint: 'Check thread_id: ama2_create_thread returns it (or ama2_list_threads with a user token).',
  untrusted: ['content', 'metadata'],
  paginate: {
    items: 'events',
    scope: ['thread_id'],
    // The state is a thread_seq; what the page shows, once cut or resumed, is what these describe.
    shown: (out, { more }) => ({
      latest_seq: out.events.at(-1)?.thread_seq ?? out.latest_seq,
      has_more: more,
    }),
  },
  async run(input, ctx) {
    // A cursor wins over after_seq.
    const from = ctx.page.state ?? input.after_seq ?? 0;
    const page = await ctx.client.pollEvents(
      input.thread_id,
      { lastThreadSeq: from, limit: ctx.page.limit },
      ctx.signal,
    );
    rememberThread(ctx.recent, input.thread_id);
    const events = page.events.map(slim);
    const latest = events.at(-1)?.thread_seq ?? from;
    return {
      thread_id: input.thread_id,
      events,
      has_more: page.has_more,
      latest_seq: latest,
      next: page.has_more ? latest : undefined,
      from,
    };
  },
});
