import { z } from 'zod';
import { pageOfWhole } from '../../../core/paging.js';
import { cursorParam, limitParam, pageOutput } from '../../../core/params.js';
import { defineAma2Tool, rememberThread } from '../support.js';

const NAME = 'ama2_list_threads';

export default defineAma2Tool({
  name: NAME,
  title: 'List AMA2 threads',
  description: 'Lists the threads of the user whose token is set (AMA2_USER_TOKEN), newest first.',
  platform: 'ama2',
  available: (client) => client.hasUserToken,
  input: {
    limit: limitParam(100),
    cursor: cursorParam(),
  },
  output: {
    threads: z
      .array(
        z.object({
          thread_id: z.string().describe('Thread id.'),
          participants: z
            .array(z.string())
            .optional()
            .describe('display_name (or sender_id) of each participant.'),
          last_message_at: z.string().optional().describe('RFC 3339 time of the last message.'),
          last_message_preview: z
            .string()
            .optional()
            .describe('Start of the last message (written by a participant).'),
          unread_count: z.number().optional().describe('Unread messages for the user.'),
          is_archived: z.boolean().optional().describe('Whether the thread is archived.'),
        }),
      )
      .describe('Threads on this page.'),
    total: z.number().describe('Threads in all.'),
    ...pageOutput,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['last_message_preview', 'participants'],
  paginate: { items: 'threads' },
  async run(_input, ctx) {
    // The platform documents no paging for this list, so it is paged here.
    const all = await ctx.client.listThreads(ctx.signal);
    const { items, next } = pageOfWhole(all, ctx.page);
    for (const thread of items) rememberThread(ctx.recent, thread.thread_id);
    return {
      threads: items.map((t) => ({
        thread_id: t.thread_id,
        participants: t.participants?.map((p) => p.display_name ?? p.sender_id),
        last_message_at: t.last_message_at ?? undefined,
        last_message_preview: t.last_message_preview ?? undefined,
        unread_count: t.unread_count,
        is_archived: t.is_archived,
      })),
      total: all.length,
      next,
    };
  },
});
