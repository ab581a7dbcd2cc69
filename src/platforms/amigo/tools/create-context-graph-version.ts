import { z } from 'zod';
import { ToolInputError } from '../../../core/input-error.js';
import { contextGraphIdParam, defineAmigoTool, NOT_FOUND } from '../support.js';
import { changesParam, createVersion, merged, versionOutput } from '../versioning.js';

const OPERATION = 'create-context_graph-version';
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `changes.states` as {name: fields | null}: states are unique by name (exit conditions name the
 * next state, ExitCondition.next_state), so one state can change without resending the others.
 */
function mergeStates(current: unknown, byName: Json): Json[] {
  const states = (Array.isArray(current) ? current : []) as Json[];
  const out = states
    .filter((s) => byName[String(s.name)] !== null)
    .map((s) => {
      const change = byName[String(s.name)];
      return isObject(change) ? { ...s, ...change } : s;
    });
  for (const [name, change] of Object.entries(byName)) {
    if (states.some((s) => s.name === name) || change === null) continue;
    if (!isObject(change)) throw new ToolInputError(`changes.states.${name} must be an object (or null).`);
    out.push({ name, ...change });
  }
  return out;
}

export default defineAmigoTool({
  name: 'amigo_create_context_graph_version',
  title: 'Create Amigo context graph version',
  description:
    'As amigo_create_agent_version; changes.states may be {state name: fields, or null to remove}.',
  platform: 'amigo',
  input: { context_graph_id: contextGraphIdParam, changes: changesParam(OPERATION) },
  output: {
    context_graph_id: z.string().describe('Context graph id.'),
    ...versionOutput,
  },
  // Versions are added, never overwritten: the previous one stays readable (and pinnable).
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  untrusted: ['changes'],
  notFoundHint: NOT_FOUND.contextGraph,
  async run(input, ctx) {
    const id = input.context_graph_id;
    const version = await createVersion(ctx, {
      operation: OPERATION,
      params: { context_graph_id: id },
      changes: input.changes,
      latest: async () => (await ctx.client.getContextGraph(id, ctx.signal)).latest_version ?? undefined,
      read: (n) => ctx.client.getContextGraphVersion(id, n, ctx.signal),
      merge: (before, changes) => {
        const { states, ...rest } = changes;
        if (!isObject(states)) return merged(before, changes);
        return { ...merged(before, rest), states: mergeStates(before.states, states) };
      },
      create: (body) => ctx.client.createContextGraphVersion(id, body, ctx.signal),
    });
    return { context_graph_id: id, ...version };
  },
});
