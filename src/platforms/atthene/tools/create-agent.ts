import { agentSummary, configParam, defineAttheneTool, summariseAgent } from '../support.js';

export default defineAttheneTool({
  name: 'atthene_create_agent',
  title: 'Create Atthene saved agent',
  description: 'Saves a new agent configuration; returns its id and agent_key.',
  platform: 'atthene',
  input: { system_config: configParam.describe('Shaped as atthene_validate_agent config.') },
  output: { agent: agentSummary.describe('The saved agent.') },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  untrusted: ['name'],
  async run(input, ctx) {
    return { agent: summariseAgent(await ctx.client.createAgent(input.system_config, ctx.signal)) };
  },
});
