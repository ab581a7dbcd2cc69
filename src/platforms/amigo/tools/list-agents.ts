import { z } from 'zod';
import { cursorParam, limitParam, pageOutput } from '../../../core/params.js';
import { AMIGO_LIMITS } from '../client.js';
import { cursorAt, defineAmigoTool, offsetFrom } from '../support.js';

const NAME = 'amigo_list_agents';

export default defineAmigoTool({
  name: NAME,
  title: 'List Amigo agents',
  description:
    "Lists the agents (versioned personas) of the workspace, optionally filtered by a name search. See one agent's identity and behaviours with amigo_get_agent; agents are deployed through services (amigo_list_services).",
  platform: 'amigo',
  input: {
    search: z.string().min(1).max(200).optional().describe('Text to search in agent names.'),
    limit: limitParam(AMIGO_LIMITS.tokenPage),
    cursor: cursorParam(NAME),
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
  paginate: {
    items: 'agents',
    resume: (input, _out, kept) =>
      cursorAt(NAME, offsetFrom(NAME, input.cursor, input.search) + kept, input.search),
  },
  async run(input, ctx) {
    const offset = offsetFrom(NAME, input.cursor, input.search);
    const page = await ctx.client.listAgents(
      { search: input.search, limit: input.limit, continuation_token: offset },
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
      ...(page.has_more
        ? { next_cursor: cursorAt(NAME, page.continuation_token ?? offset + page.items.length, input.search) }
        : {}),
    };
  },
});
