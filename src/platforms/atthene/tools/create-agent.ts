import { agentSummary, configParam, defineAttheneTool, summariseAgent } from '../support.js';

export default defineAttheneTool({
  name: 'atthene_create_agent',
  title: 'Create Atthene saved agent',
  description:
    'Saves a new agent configuration to the account (system_config.name is required) and returns its id and agent_key. Validate it first with atthene_validate_agent; then start a session on it with atthene_create_session.',
  platform: 'atthene',
  input: { system_config: configParam },
  output: { agent: agentSummary.describe('The saved agent.') },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  untrusted: ['name'],
  async run(input, ctx) {
    return { agent: summariseAgent(await ctx.client.createAgent(input.system_config, ctx.signal)) };
  },
});
