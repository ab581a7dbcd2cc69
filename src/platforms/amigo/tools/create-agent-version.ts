import { z } from 'zod';
import { agentIdParam, defineAmigoTool, NOT_FOUND } from '../support.js';
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

const OPERATION = 'create-agent-version';

export default defineAmigoTool({
  name: 'amigo_create_agent_version',
  title: 'Create Amigo agent version',
  description:
    "Creates an agent's next version: its latest with `changes` merged and validated. Returns the number and a diff.",
  platform: 'amigo',
  input: { agent_id: agentIdParam, changes: changesParam(OPERATION) },
  output: {
    agent_id: z.string().describe('Agent id.'),
    ...versionOutput,
  },
  // Versions are added, never overwritten: the previous one stays readable (and pinnable).
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  untrusted: ['changes'],
  notFoundHint: NOT_FOUND.agent,
  async run(input, ctx) {
    const fields = await refuseUnknown(ctx, OPERATION, input.changes);
    const agent = await ctx.client.getAgent(input.agent_id, ctx.signal);
    // An agent with no version yet gets its first from the changes alone.
    const previous = agent.latest_version ?? 0;
    const latest = previous > 0 ? await ctx.client.getAgentVersion(input.agent_id, previous, ctx.signal) : {};
    const before = pick(latest, fields);
    const body = merged(before, input.changes);
    const found = changeOf(before, body, `version ${previous}`);
    await checkBody(ctx, OPERATION, { agent_id: input.agent_id }, body);
    const created = await ctx.client.createAgentVersion(input.agent_id, body, ctx.signal);
    return {
      agent_id: input.agent_id,
      version: created.version,
      previous_version: previous,
      ...diffResult(found),
    };
  },
});
