import { z } from 'zod';
import { ToolInputError } from '../../../core/input-error.js';
import { contextGraphIdParam, defineAmigoTool, NOT_FOUND } from '../support.js';
import {
  changeOf,
  changesParam,
  checkBody,
  diffResult,
  merged,
  pick,
  refuseUnknown,
  versionOutput,
} from '../versioning.js';

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
    const fields = await refuseUnknown(ctx, OPERATION, input.changes);
    const graph = await ctx.client.getContextGraph(input.context_graph_id, ctx.signal);
    const previous = graph.latest_version ?? 0;
    const latest =
      previous > 0
        ? await ctx.client.getContextGraphVersion(input.context_graph_id, previous, ctx.signal)
        : {};
    const before = pick(latest, fields);
    const { states, ...rest } = input.changes;
    const body = merged(before, isObject(states) ? rest : input.changes);
    if (isObject(states)) body.states = mergeStates(before.states, states);
    const found = changeOf(before, body, `version ${previous}`);
    await checkBody(ctx, OPERATION, { context_graph_id: input.context_graph_id }, body);
    const created = await ctx.client.createContextGraphVersion(input.context_graph_id, body, ctx.signal);
    return {
      context_graph_id: input.context_graph_id,
      version: created.version,
      previous_version: previous,
      ...diffResult(found),
    };
  },
});
