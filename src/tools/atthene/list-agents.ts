import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { cursorParam, limitParam, pageOutput } from '../params.js';
import { defineTool } from '../registry.js';
import { agentSummary, atthene, summariseAgent } from './support.js';

const NAME = 'atthene_list_agents';
const offsetOf = (cursor?: string) => (cursor ? Number(decodeCursor(NAME, cursor).offset) || 0 : 0);

export default defineTool({
  name: NAME,
  title: 'List Atthene saved agents',
  description:
    'Lists the saved agent configurations of the account: id, agent_key, name, architecture and version. Start a conversation with one through atthene_create_session (agent_id or agent_key); see its full configuration with atthene_get_agent.',
  platform: 'atthene',
  input: { limit: limitParam(100), cursor: cursorParam(NAME) },
  output: {
    agents: z.array(agentSummary).describe('Saved agents on this page.'),
    total: z.number().describe('Saved agents in all.'),
    ...pageOutput,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  paginate: {
    items: 'agents',
    resume: (input, _out, kept) => encodeCursor(NAME, { offset: offsetOf(input.cursor) + kept }),
  },
  async run(input, ctx) {
    // The platform returns every agent at once (no paging documented); pages are cut here.
    const all = await atthene(ctx.clients).listAgents(ctx.signal);
    const offset = offsetOf(input.cursor);
    const end = offset + input.limit;
    return {
      agents: all.slice(offset, end).map(summariseAgent),
      total: all.length,
      ...(end < all.length ? { next_cursor: encodeCursor(NAME, { offset: end }) } : {}),
    };
  },
});
