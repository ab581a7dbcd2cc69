import { z } from 'zod';
import { defineAttheneTool, SESSION_NOT_FOUND, sessionIdParam } from '../support.js';

export default defineAttheneTool({
  name: 'atthene_delete_session',
  title: 'Delete Atthene session',
  description: 'Deletes a session and its history for good.',
  platform: 'atthene',
  input: { session_id: sessionIdParam },
  output: {
    session_id: z.string().describe('The deleted session.'),
    deleted: z.boolean().describe('True once deleted.'),
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  notFoundHint: SESSION_NOT_FOUND,
  async run(input, ctx) {
    await ctx.client.deleteSession(input.session_id, ctx.signal);
    return { session_id: input.session_id, deleted: true };
  },
});
