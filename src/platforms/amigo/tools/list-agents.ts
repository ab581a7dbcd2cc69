import { z } from 'zod';
import { cursorParam, limitParam, pageOutput } from '../../../core/params.js';
import { AMIGO_LIMITS } from '../client.js';
import { defineAmigoTool, nextState } from '../support.js';

const NAME = 'amigo_list_agents';

export default defineAmigoTool({
  name: NAME,
  title: 'List Amigo agents',
  description: "Lists the workspace's agents.",
  platform: 'amigo',
  input: {
    search: z.string().min(1).max(200).optional().describe('Part of a name.'),
    limit: limitParam(AMIGO_LIMITS.tokenPage),
    cursor: cursorParam(),
  },
  output: {
    agents: z
      .array(
        z.object({
          id: z.string().describe('Agent id.'),
          name: z.string().describe('Agent name.'),
          description: z.string().optional().describe('What the agent is for.'),
          latest_version: z.number().optional().describe('Newest version number.'),
          updated_at: z.string().optional().describe('Last change (ISO time).'),
        }),
      )
      .describe('Agents on this page.'),
    total: z.number().optional().describe('Agents matching, in all.'),
    ...pageOutput,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['name', 'description'],
  paginate: { items: 'agents', scope: ['search'] },
  async run(input, ctx) {
    const offset = ctx.page.state ?? 0;
    const page = await ctx.client.listAgents(
      { search: input.search, limit: ctx.page.limit, continuation_token: offset },
      ctx.signal,
    );
    return {
      agents: page.items.map((a) => ({
        id: a.id,
        name: a.name,
        description: a.description,
        latest_version: a.latest_version,
        updated_at: a.updated_at,
      })),
      total: page.total ?? undefined,
      next: nextState(page.has_more, page.continuation_token ?? offset + page.items.length),
    };
  },
});
