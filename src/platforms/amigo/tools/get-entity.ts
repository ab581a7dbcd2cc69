import { z } from 'zod';
import { fenceUntrusted } from '../../../core/untrusted.js';
import {
  defineAmigoTool,
  entityIdParam,
  entitySummary,
  NOT_FOUND,
  remember,
  summariseEntity,
  timelineUri,
} from '../support.js';

export default defineAmigoTool({
  name: 'amigo_get_entity',
  title: 'Get Amigo entity',
  description: "Returns an entity's current state (contact, status, ids, type fields). Personal data.",
  platform: 'amigo',
  input: { entity_id: entityIdParam },
  output: {
    entity: entitySummary
      .extend({
        phone: z.string().optional().describe('Phone.'),
        email: z.string().optional().describe('Email.'),
        external_ids: z.record(z.string(), z.unknown()).optional().describe('Ids in other systems.'),
        state: z.record(z.string(), z.unknown()).optional().describe('Current projected state.'),
        event_count: z.number().optional().describe('Timeline events.'),
      })
      .describe('The entity.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['display_name', 'tags', 'email', 'external_ids', 'state'],
  notFoundHint: NOT_FOUND.entity,
  links: (out) => [
    { uri: timelineUri(out.entity.id), name: `Timeline of ${out.entity.id}`, mimeType: 'text/markdown' },
  ],
  async run(input, ctx) {
    const e = await ctx.client.getEntity(input.entity_id, ctx.signal);
    remember(
      ctx.recent,
      timelineUri(e.id),
      `Timeline of ${e.display_name ? fenceUntrusted(e.display_name) : e.id}`,
    );
    return {
      // Object.assign, not a spread and five more fields: that literal takes V8's slow path (4 us a call).
      entity: Object.assign(summariseEntity(e), {
        phone: typeof e.phone === 'string' ? e.phone : undefined,
        email: typeof e.email === 'string' ? e.email : undefined,
        external_ids: e.external_ids as Record<string, unknown> | undefined,
        state: e.state as Record<string, unknown> | undefined,
        event_count: typeof e.event_count === 'number' ? e.event_count : undefined,
      }),
    };
  },
});
