import { z } from 'zod';
import { defineAmigoTool, NOT_FOUND, serviceIdParam, serviceSummary } from '../support.js';

type Pins = { agent_version_number?: number; context_graph_version_number?: number };

/** Each version set's pins (VersionSet), without its LLM preferences. */
function versionPins(sets: unknown): Record<string, Pins> | undefined {
  if (typeof sets !== 'object' || sets === null) return undefined;
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  return Object.fromEntries(
    Object.entries(sets as Record<string, Pins>).map(([name, set]) => [
      name,
      {
        agent_version_number: num(set.agent_version_number),
        context_graph_version_number: num(set.context_graph_version_number),
      },
    ]),
  );
}

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
        context_graph_id: z.string().optional().describe('For amigo_get_context_graph.'),
        context_graph_name: z.string().optional().describe('Conversation flow it follows.'),
        version_sets: z
          .record(
            z.string(),
            z
              .object({ agent_version_number: z.number(), context_graph_version_number: z.number() })
              .partial(),
          )
          .optional()
          .describe('Named version pins.'),
        tags: z.array(z.string()).optional().describe('Tags as key or key=value.'),
        keyterms: z.array(z.string()).optional().describe('Terms the agent listens for.'),
      })
      .describe('The service.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['name', 'agent_name', 'description', 'context_graph_name', 'tags', 'keyterms', 'version_sets'],
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
        context_graph_id: typeof s.context_graph_id === 'string' ? s.context_graph_id : undefined,
        version_sets: versionPins(s.version_sets),
        context_graph_name: typeof s.context_graph_name === 'string' ? s.context_graph_name : undefined,
        tags: s.tags?.map((t) => (t.value ? `${t.key}=${t.value}` : t.key)),
        keyterms: Array.isArray(s.keyterms) ? (s.keyterms as string[]) : undefined,
      },
    };
  },
});
