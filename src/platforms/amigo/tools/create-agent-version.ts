import { z } from 'zod';
import { agentIdParam, defineAmigoTool, NOT_FOUND } from '../support.js';
import { changesParam, createVersion, versionOutput } from '../versioning.js';

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
    const id = input.agent_id;
    const version = await createVersion(ctx, {
      operation: OPERATION,
      params: { agent_id: id },
      changes: input.changes,
      latest: async () => (await ctx.client.getAgent(id, ctx.signal)).latest_version ?? undefined,
      read: (n) => ctx.client.getAgentVersion(id, n, ctx.signal),
      create: (body) => ctx.client.createAgentVersion(id, body, ctx.signal),
    });
    return { agent_id: id, ...version };
  },
});
