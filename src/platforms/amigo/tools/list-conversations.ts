import { z } from 'zod';
import { cursorParam, limitParam, pageOutput } from '../../../core/params.js';
import { AMIGO_LIMITS } from '../client.js';
import { conversationUri, defineAmigoTool, nextState, remember } from '../support.js';

const NAME = 'amigo_list_conversations';
const STATUSES = ['active', 'frozen', 'closed', 'completed', 'in-progress', 'failed'] as const;
const CHANNELS = ['voice', 'sms', 'whatsapp', 'web', 'email'] as const;

export default defineAmigoTool({
  name: NAME,
  title: 'List Amigo conversations',
  description: 'Lists conversations (text and voice), newest first.',
  platform: 'amigo',
  input: {
    status: z.enum(STATUSES).optional(),
    channel_kind: z.enum(CHANNELS).optional(),
    limit: limitParam(AMIGO_LIMITS.offsetPage),
    cursor: cursorParam(),
  },
  output: {
    conversations: z
      .array(
        z.object({
          id: z.string().describe('Conversation id.'),
          status: z.string().describe('Status.'),
          channel_kind: z.string().describe('Channel.'),
          service_id: z.string().optional().describe('Service it runs on.'),
          turn_count: z.number().optional().describe('Turns so far.'),
          updated_at: z.string().describe('Last activity (ISO time).'),
        }),
      )
      .describe('Conversations on this page.'),
    total: z.number().describe('Conversations matching, in all.'),
    ...pageOutput,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  paginate: { items: 'conversations', scope: ['status', 'channel_kind'] },
  async run(input, ctx) {
    const offset = ctx.page.state ?? 0;
    const page = await ctx.client.listConversations(
      { status: input.status, channel_kind: input.channel_kind, limit: ctx.page.limit, offset },
      ctx.signal,
    );
    for (const c of page.items) remember(ctx.recent, conversationUri(c.id), `Amigo conversation ${c.id}`);
    return {
      conversations: page.items.map((c) => ({
        id: c.id,
        status: c.status,
        channel_kind: c.channel_kind,
        service_id: c.service_id ?? undefined,
        turn_count: c.turn_count,
        updated_at: c.updated_at,
      })),
      total: page.total,
      // This operation has no next_offset: the next page starts after the items returned.
      next: nextState(page.has_more, offset + page.items.length),
    };
  },
});
