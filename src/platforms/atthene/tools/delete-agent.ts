import { z } from 'zod';
import { AGENT_NOT_FOUND, agentIdParam, defineAttheneTool } from '../support.js';

export default defineAttheneTool({
  name: 'atthene_delete_agent',
  title: 'Delete Atthene saved agent',
  description: 'Deletes a saved agent for good; its sessions keep their copy.',
  platform: 'atthene',
  input: { agent_id: agentIdParam },
  output: {
    agent_id: z.string().describe('The deleted agent.'),
    deleted: z.boolean().describe('True once deleted.'),
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  notFoundHint: AGENT_NOT_FOUND,
  async run(input, ctx) {
    await ctx.client.deleteAgent(input.agent_id, ctx.signal);
    return { agent_id: input.agent_id, deleted: true };
  },
});
