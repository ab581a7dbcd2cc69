import { z } from 'zod';
import {
  AGENT_NOT_FOUND,
  agentIdParam,
  agentSummary,
  defineAttheneTool,
  summariseAgent,
} from '../support.js';

export default defineAttheneTool({
  name: 'atthene_get_agent',
  title: 'Get Atthene saved agent',
  description: 'Returns a saved agent with its full system_config.',
  platform: 'atthene',
  input: { agent_id: agentIdParam },
  output: {
    agent: agentSummary
      .extend({
        entry_point: z.string().optional().describe('First agent of a workflow.'),
        config_hash: z.string().optional().describe('Hash of the current configuration.'),
        system_config: z.record(z.string(), z.unknown()).optional().describe('The saved configuration.'),
      })
      .describe('The saved agent.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['name', 'entry_point', 'system_config'],
  notFoundHint: AGENT_NOT_FOUND,
  async run(input, ctx) {
    const agent = await ctx.client.getAgent(input.agent_id, ctx.signal);
    return {
      agent: Object.assign(summariseAgent(agent), {
        entry_point: agent.entry_point ?? undefined,
        config_hash: agent.config_hash,
        system_config: agent.system_config,
      }),
    };
  },
});
