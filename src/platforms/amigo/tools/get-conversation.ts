import { z } from 'zod';
import { newestWithin } from '../../../core/resources/transcript.js';
import { conversationIdParam, conversationUri, defineAmigoTool, NOT_FOUND, remember } from '../support.js';

export default defineAmigoTool({
  name: 'amigo_get_conversation',
  title: 'Get Amigo conversation',
  description:
    'Returns a conversation with its turns (who said what, when), newest turns kept when it is long. The same history is the resource amigo://conversations/{conversation_id}; continue an active conversation with amigo_send_message.',
  platform: 'amigo',
  input: { conversation_id: conversationIdParam },
  output: {
    id: z.string().describe('Conversation id.'),
    status: z.string().describe('active, closed, completed, ...'),
    channel_kind: z.string().describe('Channel.'),
    service_id: z.string().optional().describe('Service it runs on.'),
    turn_count: z.number().optional().describe('Turns in all.'),
    turns: z
      .array(
        z.object({
          role: z.string().describe('agent, user or system.'),
          text: z.string().describe('What was said.'),
          timestamp: z.string().optional().describe('ISO time.'),
        }),
      )
      .describe('Turns, oldest first.'),
    truncated: z
      .boolean()
      .optional()
      .describe('True when older turns were left out to fit; the resource has them all.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  notFoundHint: NOT_FOUND.conversation,
  untrusted: ['text'],
  links: (out) => [
    { uri: conversationUri(out.id), name: `Amigo conversation ${out.id}`, mimeType: 'text/markdown' },
  ],
  async run(input, ctx) {
    const c = await ctx.client.getConversation(input.conversation_id, ctx.signal);
    remember(ctx.recent, conversationUri(c.id), `Amigo conversation ${c.id}`);
    const turns = (c.turns ?? []).map((t) => ({
      role: t.role,
      text: t.text,
      timestamp: t.timestamp ?? undefined,
    }));
    // Keep the newest turns that fit; the resource has them all.
    const kept = newestWithin(turns, ctx.maxResultChars * 0.8);
    return {
      id: c.id,
      status: c.status,
      channel_kind: c.channel_kind,
      service_id: c.service_id ?? undefined,
      turn_count: c.turn_count,
      turns: kept,
      ...(kept.length < turns.length ? { truncated: true } : {}),
    };
  },
});
