import { z } from 'zod';
import { pageOfWhole } from '../../../core/paging.js';
import { cursorParam, limitParam, pageOutput } from '../../../core/params.js';
import { defineAttheneTool, rememberSession, sessionSummary, summariseSession } from '../support.js';

const NAME = 'atthene_list_sessions';

export default defineAttheneTool({
  name: NAME,
  title: 'List Atthene sessions',
  description: 'Lists sessions with their status and agent.',
  platform: 'atthene',
  input: { limit: limitParam(100), cursor: cursorParam() },
  output: {
    sessions: z.array(sessionSummary).describe('Sessions on this page.'),
    total: z.number().describe('Sessions in all.'),
    ...pageOutput,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['agent_name'],
  paginate: { items: 'sessions' },
  async run(_input, ctx) {
    const all = await ctx.client.listSessions(ctx.signal);
    const { items, next } = pageOfWhole(all, ctx.page);
    for (const s of items) rememberSession(ctx.recent, s.session_id);
    return { sessions: items.map(summariseSession), total: all.length, next };
  },
});
