import { z } from 'zod';
import { cursorParam, limitParam, pageOutput } from '../../../core/params.js';
import { AMIGO_LIMITS } from '../client.js';
import { defineAmigoTool, entityIdParam, NOT_FOUND, nextState, remember, timelineUri } from '../support.js';

const NAME = 'amigo_get_entity_timeline';

export default defineAmigoTool({
  name: NAME,
  title: 'Get Amigo entity timeline',
  description: "Returns an entity's history (calls, appointments, messages, notes), paged.",
  platform: 'amigo',
  input: {
    entity_id: entityIdParam,
    domain: z.string().min(1).max(100).optional().describe('e.g. clinical.'),
    limit: limitParam(AMIGO_LIMITS.timeline),
    cursor: cursorParam(),
  },
  output: {
    entity_id: z.string().describe('The entity.'),
    events: z
      .array(
        z.object({
          id: z.string().describe('Event id.'),
          domain: z.string().describe('Domain.'),
          event_type: z.string().describe('What happened.'),
          effective_at: z.string().optional().describe('When (ISO time).'),
          data: z.record(z.string(), z.unknown()).optional().describe('Event details.'),
        }),
      )
      .describe('Events on this page.'),
    total: z.number().describe('Events in all.'),
    ...pageOutput,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['data'],
  notFoundHint: NOT_FOUND.entity,
  paginate: { items: 'events', scope: ['entity_id', 'domain'] },
  async run(input, ctx) {
    const offset = ctx.page.state ?? 0;
    const page = await ctx.client.getEntityTimeline(
      input.entity_id,
      { domain: input.domain, limit: ctx.page.limit, offset },
      ctx.signal,
    );
    remember(ctx.recent, timelineUri(input.entity_id), `Timeline of ${input.entity_id}`);
    return {
      entity_id: input.entity_id,
      events: page.events.map((e) => ({
        id: e.id,
        domain: e.domain,
        event_type: e.event_type,
        effective_at: e.effective_at ?? undefined,
        data: e.data,
      })),
      total: page.total ?? page.events.length,
      next: nextState(page.has_more, page.next_offset ?? offset + page.events.length),
    };
  },
});
