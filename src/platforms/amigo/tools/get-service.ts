import { z } from 'zod';
import { defineAmigoTool, NOT_FOUND, serviceIdParam, serviceSummary } from '../support.js';

export default defineAmigoTool({
  name: 'amigo_get_service',
  title: 'Get Amigo service',
  description: 'Returns a service: agent, context graph, channel, environment, tags, key terms.',
  platform: 'amigo',
  input: { service_id: serviceIdParam },
  output: {
    service: serviceSummary
      .extend({
        description: z.string().optional().describe('What the service does.'),
        context_graph_name: z.string().optional().describe('Conversation flow it follows.'),
        tags: z.array(z.string()).optional().describe('Tags as key or key=value.'),
        keyterms: z.array(z.string()).optional().describe('Terms the agent listens for.'),
      })
      .describe('The service.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['name', 'agent_name', 'description', 'context_graph_name', 'tags', 'keyterms'],
  notFoundHint: NOT_FOUND.service,
  async run(input, ctx) {
    const s = await ctx.client.getService(input.service_id, ctx.signal);
    return {
      service: {
        id: s.id,
        name: s.name,
        description: s.description,
        channel_type: s.channel_type,
        environment: s.environment,
        is_active: s.is_active,
        agent_id: s.agent_id,
        agent_name: s.agent_name ?? undefined,
        context_graph_name: typeof s.context_graph_name === 'string' ? s.context_graph_name : undefined,
        tags: s.tags?.map((t) => (t.value ? `${t.key}=${t.value}` : t.key)),
        keyterms: Array.isArray(s.keyterms) ? (s.keyterms as string[]) : undefined,
      },
    };
  },
});
