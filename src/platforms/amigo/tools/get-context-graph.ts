import { z } from 'zod';
import type { AmigoGraphState } from '../client.js';
import { contextGraphIdParam, defineAmigoTool, NOT_FOUND } from '../support.js';

const MAX_STATES = 40;
const cut = (text: string | undefined, max: number) =>
  text === undefined || text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** Where a state leads (ContextGraphState-Output: exits, or an annotation's next state, or on_complete). */
function exitsOf(state: AmigoGraphState): string[] {
  const exits = (state.exit_conditions ?? []).map((e) => `${e.next_state}: ${cut(e.description, 100)}`);
  if (typeof state.next_state === 'string') exits.push(state.next_state);
  if (typeof state.on_complete === 'string') exits.push(`${state.on_complete}: on complete`);
  return exits;
}

export default defineAmigoTool({
  name: 'amigo_get_context_graph',
  title: 'Get Amigo context graph',
  description:
    "A context graph (a service's conversation states): each state's type, objective and exits, long text cut.",
  platform: 'amigo',
  input: {
    context_graph_id: contextGraphIdParam,
    version: z.number().int().min(1).optional().describe('Default: latest.'),
  },
  output: {
    id: z.string().describe('Context graph id.'),
    name: z.string().describe('Name.'),
    description: z.string().optional().describe('What it is for.'),
    latest_version: z.number().describe('Latest version.'),
    version: z.number().optional().describe('Version shown.'),
    initial_state: z.string().optional().describe('State a new user starts in.'),
    terminal_state: z.string().optional().describe('State that ends the conversation.'),
    states: z
      .array(
        z.object({
          name: z.string(),
          type: z.enum(['action', 'decision', 'annotation', 'data_collection']),
          objective: z.string().optional(),
          exits: z.array(z.string()).describe('`next state: when`.'),
        }),
      )
      .describe(`States (first ${MAX_STATES}).`),
    states_total: z.number().describe('How many states in all.'),
    full_text: z.string().describe('How to read the version uncut.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['name', 'description', 'initial_state', 'terminal_state', 'objective', 'exits'],
  notFoundHint: NOT_FOUND.contextGraph,
  async run(input, ctx) {
    const graph = await ctx.client.getContextGraph(input.context_graph_id, ctx.signal);
    const latest = graph.latest_version ?? 0;
    const wanted = input.version ?? latest;
    const shown =
      wanted > 0
        ? await ctx.client.getContextGraphVersion(input.context_graph_id, wanted, ctx.signal)
        : undefined;
    const states = shown?.states ?? [];
    return {
      id: graph.id,
      name: graph.name,
      description: cut(graph.description, 300),
      latest_version: latest,
      version: shown?.version,
      initial_state: shown?.new_user_initial_state,
      terminal_state: shown?.terminal_state,
      states: states.slice(0, MAX_STATES).map((s) => ({
        name: s.name,
        type: s.type,
        objective: cut(s.objective, 160),
        exits: exitsOf(s),
      })),
      states_total: states.length,
      full_text: `api_read amigo get-context_graph-version with params {"context_graph_id":"${graph.id}","version":${wanted}}`,
    };
  },
});
