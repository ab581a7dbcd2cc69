import { z } from 'zod';
import { cursorParam, limitParam, pageOutput } from '../../../core/params.js';
import { AMIGO_LIMITS } from '../client.js';
import { defineAmigoTool, entitySummary, nextState, summariseEntity } from '../support.js';

const NAME = 'amigo_list_entities';

export default defineAmigoTool({
  name: NAME,
  title: 'List Amigo world entities',
  description:
    'Lists world entities (patients, appointments, ...) by type, tags, text or meaning. Personal data.',
  platform: 'amigo',
  input: {
    entity_types: z
      .array(z.string().min(1).max(100))
      .max(20)
      .optional()
      .describe('e.g. ["patient"] (amigo_list_entity_types).'),
    q: z.string().min(1).max(200).optional().describe('Name, canonical id, phone or id.'),
    semantic: z.string().min(1).max(500).optional().describe('Semantic query.'),
    tags: z.array(z.string().min(1).max(100)).max(20).optional().describe('Any of these tags.'),
    limit: limitParam(AMIGO_LIMITS.offsetPage),
    cursor: cursorParam(),
  },
  output: {
    entities: z.array(entitySummary).describe('Entities on this page.'),
    total: z.number().describe('Entities matching, in all.'),
    ...pageOutput,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['display_name', 'tags'],
  paginate: { items: 'entities', scope: ['entity_types', 'q', 'semantic', 'tags'] },
  async run(input, ctx) {
    const offset = ctx.page.state ?? 0;
    const page = await ctx.client.listEntities(
      {
        entity_type: input.entity_types,
        q: input.q,
        semantic: input.semantic,
        tags: input.tags,
        limit: ctx.page.limit,
        offset,
      },
      ctx.signal,
    );
    return {
      entities: page.entities.map(summariseEntity),
      total: page.total ?? page.entities.length,
      next: nextState(page.has_more, page.next_offset ?? offset + page.entities.length),
    };
  },
});
