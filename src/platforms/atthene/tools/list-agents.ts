import { z } from 'zod';
import { pageOfWhole } from '../../../core/paging.js';
import { cursorParam, limitParam, pageOutput } from '../../../core/params.js';
import { agentSummary, defineAttheneTool, summariseAgent } from '../support.js';

const NAME = 'atthene_list_agents';

export default defineAttheneTool({
  name: NAME,
  title: 'List Atthene saved agents',
  description: 'Lists saved agents.',
  platform: 'atthene',
  input: { limit: limitParam(100), cursor: cursorParam() },
  output: {
    agents: z.array(agentSummary).describe('Saved agents on this page.'),
    total: z.number().describe('Saved agents in all.'),
    ...pageOutput,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['name'],
  paginate: { items: 'agents' },
  async run(_input, ctx) {
    // The platform returns every agent at once (no paging documented); pages are cut here.
    const all = await ctx.client.listAgents(ctx.signal);
    const { items, next } = pageOfWhole(all, ctx.page);
    return { agents: items.map(summariseAgent), total: all.length, next };
  },
});
