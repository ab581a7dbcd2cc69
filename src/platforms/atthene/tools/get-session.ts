import { z } from 'zod';
import {
  defineAttheneTool,
  rememberSession,
  SESSION_NOT_FOUND,
  sessionIdParam,
  sessionSummary,
  summariseSession,
} from '../support.js';

export default defineAttheneTool({
  name: 'atthene_get_session',
  title: 'Get Atthene session',
  description: 'Returns a session: status, creation time, the configuration it runs.',
  platform: 'atthene',
  input: { session_id: sessionIdParam },
  output: {
    session: sessionSummary
      .extend({
        config_hash: z.string().optional().describe('Hash of the configuration.'),
        agent_config: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('The configuration the session runs.'),
      })
      .describe('The session.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['agent_name', 'agent_config'],
  notFoundHint: SESSION_NOT_FOUND,
  async run(input, ctx) {
    const session = await ctx.client.getSession(input.session_id, ctx.signal);
    rememberSession(ctx.recent, session.session_id);
    return {
      session: Object.assign(summariseSession(session), {
        config_hash: session.config_hash,
        agent_config: session.agent_config,
      }),
    };
  },
});
