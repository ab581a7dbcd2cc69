import { z } from 'zod';
import { cursorParam, limitParam, pageOutput } from '../../../core/params.js';
import { AMIGO_LIMITS } from '../client.js';
import { defineAmigoTool, nextState, serviceSummary } from '../support.js';

const NAME = 'amigo_list_services';

export default defineAmigoTool({
  name: NAME,
  title: 'List Amigo services',
  description: 'Lists services (an agent on a text, voice or scribe channel).',
  platform: 'amigo',
  input: {
    search: z.string().min(1).max(200).optional().describe('Part of a name.'),
    is_active: z.boolean().optional(),
    limit: limitParam(AMIGO_LIMITS.tokenPage),
    cursor: cursorParam(),
  },
  output: {
    services: z.array(serviceSummary).describe('Services on this page.'),
    total: z.number().optional().describe('Services matching, in all.'),
    ...pageOutput,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['name', 'agent_name'],
  paginate: { items: 'services', scope: ['search', 'is_active'] },
  async run(input, ctx) {
    const offset = ctx.page.state ?? 0;
    const page = await ctx.client.listServices(
      { search: input.search, is_active: input.is_active, limit: ctx.page.limit, continuation_token: offset },
      ctx.signal,
    );
    return {
      services: page.items.map((s) => ({
        id: s.id,
        name: s.name,
        channel_type: s.channel_type,
        environment: s.environment,
        is_active: s.is_active,
        agent_id: s.agent_id,
        agent_name: s.agent_name ?? undefined,
      })),
      total: page.total ?? undefined,
      next: nextState(page.has_more, page.continuation_token ?? offset + page.items.length),
    };
  },
});
