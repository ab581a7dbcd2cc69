import { z } from 'zod';
import { agentIdParam, defineAmigoTool, NOT_FOUND } from '../support.js';

export default defineAmigoTool({
  name: 'amigo_get_agent',
  title: 'Get Amigo agent',
  description: 'Returns an agent with its latest version: identity, background, behaviours, communication.',
  platform: 'amigo',
  input: { agent_id: agentIdParam },
  output: {
    id: z.string().describe('Agent id.'),
    name: z.string().describe('Agent name.'),
    description: z.string().optional().describe('What the agent is for.'),
    version: z.number().describe('Version shown (the latest).'),
    identity: z
      .object({
        name: z.string(),
        role: z.string(),
        developed_by: z.string(),
        default_spoken_language: z.string(),
      })
      .partial()
      .describe('Who the agent presents itself as.'),
    background: z.string().optional().describe('Background the agent works from.'),
    behaviors: z.array(z.string()).describe('Behaviours it follows.'),
    communication_patterns: z.array(z.string()).describe('How it speaks.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['name', 'description', 'identity', 'background', 'behaviors', 'communication_patterns'],
  notFoundHint: NOT_FOUND.agent,
  async run(input, ctx) {
    const client = ctx.client;
    const [agent, version] = await Promise.all([
      client.getAgent(input.agent_id, ctx.signal),
      client.getAgentVersion(input.agent_id, 'latest', ctx.signal),
    ]);
    const { name, role, developed_by: developedBy, default_spoken_language: language } = version.identity;
    return {
      id: agent.id,
      name: agent.name,
      description: agent.description,
      version: version.version,
      identity: { name, role, developed_by: developedBy, default_spoken_language: language },
      background: version.background,
      behaviors: version.behaviors,
      communication_patterns: version.communication_patterns,
    };
  },
});
