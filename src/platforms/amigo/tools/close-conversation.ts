import { z } from 'zod';
import { conversationIdParam, defineAmigoTool, NOT_FOUND } from '../support.js';

export default defineAmigoTool({
  name: 'amigo_close_conversation',
  title: 'Close Amigo conversation',
  description: 'Finishes a conversation: no more messages; its history stays readable.',
  platform: 'amigo',
  input: { conversation_id: conversationIdParam },
  output: {
    conversation_id: z.string().describe('The conversation.'),
    closed: z.boolean().describe('True once closed.'),
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  notFoundHint: NOT_FOUND.conversation,
  async run(input, ctx) {
    await ctx.client.closeConversation(input.conversation_id, ctx.signal);
    return { conversation_id: input.conversation_id, closed: true };
  },
});
