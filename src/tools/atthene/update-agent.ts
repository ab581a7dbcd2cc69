import { z } from 'zod';
import { defineTool } from '../registry.js';
import { AGENT_NOT_FOUND, agentIdParam, agentSummary, atthene, summariseAgent } from './support.js';

export default defineTool({
  name: 'atthene_update_agent',
  title: 'Update Atthene saved agent',
  description:
    'Changes a saved agent: the given system_config fields replace the saved ones, others stay. Returns the new version. Sessions already running keep their old configuration; create a new session to use the change.',
  platform: 'atthene',
  input: {
    agent_id: agentIdParam,
    system_config: z
      .record(z.string(), z.unknown())
      .describe('The system_config fields to change, e.g. {"system_prompt": "..."}.'),
  },
  output: { agent: agentSummary.describe('The updated agent.') },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['name'],
  notFoundHint: AGENT_NOT_FOUND,
  async run(input, ctx) {
    return {
      agent: summariseAgent(
        await atthene(ctx.clients).updateAgent(input.agent_id, input.system_config, ctx.signal),
      ),
    };
  },
});
