import { z } from 'zod';
import { defineAttheneTool, SESSION_NOT_FOUND, sessionIdParam } from '../support.js';

export default defineAttheneTool({
  name: 'atthene_get_status',
  title: 'Get Atthene session status',
  description:
    'Returns whether a session is active, processing, idle or in error, with message count and last activity.',
  platform: 'atthene',
  input: { session_id: sessionIdParam },
  output: {
    session_id: z.string().describe('The session.'),
    status: z.string().describe('active, processing, idle or error.'),
    message_count: z.number().optional().describe('Messages in the history.'),
    last_activity: z.string().optional().describe('ISO time of the last activity.'),
    health: z.string().optional().describe('Platform health of the session.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  notFoundHint: SESSION_NOT_FOUND,
  async run(input, ctx) {
    const s = await ctx.client.getStatus(input.session_id, ctx.signal);
    return {
      session_id: s.session_id ?? input.session_id,
      status: s.status,
      message_count: s.message_count,
      last_activity: s.last_activity,
      health: s.health,
    };
  },
});
