import { z } from 'zod';
import { cursorParam, limitParam, pageOutput } from '../../../core/params.js';
import { conversationIdParam, conversationUri, defineAmigoTool, NOT_FOUND, remember } from '../support.js';

const NAME = 'amigo_get_conversation';

export default defineAmigoTool({
  name: NAME,
  title: 'Get Amigo conversation',
  description:
    "Returns a conversation's turns, newest page first. Also amigo://conversations/{conversation_id}.",
  platform: 'amigo',
  input: {
    conversation_id: conversationIdParam,
    limit: limitParam(200, 50),
    cursor: cursorParam().describe('From next_cursor (older turns).'),
  },
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
      .describe('Turns on this page, oldest first.'),
    ...pageOutput,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  notFoundHint: NOT_FOUND.conversation,
  untrusted: ['text'],
  // Read from the newest turn back: a cut leaves out the oldest turns of the page, and next_cursor reads them.
  paginate: { items: 'turns', scope: ['conversation_id'], backward: true },
  links: (out) => [
    { uri: conversationUri(out.id), name: `Amigo conversation ${out.id}`, mimeType: 'text/markdown' },
  ],
  async run(input, ctx) {
    // apis/amigo.md "Conversations": no list-messages route, GET returns every turn. The state is
    // the index after the last turn of the page, so turns added meanwhile do not shift the pages.
    const c = await ctx.client.getConversation(input.conversation_id, ctx.signal);
    remember(ctx.recent, conversationUri(c.id), `Amigo conversation ${c.id}`);
    const all = c.turns ?? [];
    const end = Math.min(ctx.page.state ?? all.length, all.length);
    const start = Math.max(0, end - ctx.page.limit);
    return {
      id: c.id,
      status: c.status,
      channel_kind: c.channel_kind,
      service_id: c.service_id ?? undefined,
      turn_count: c.turn_count,
      turns: all.slice(start, end).map((t) => ({
        role: t.role,
        text: t.text,
        timestamp: t.timestamp ?? undefined,
      })),
      next: start > 0 ? start : undefined,
      from: end,
    };
  },
});
