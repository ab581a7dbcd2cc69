import { z } from 'zod';
import { defineAmigoTool } from '../support.js';

export default defineAmigoTool({
  name: 'amigo_list_entity_types',
  title: 'List Amigo entity types',
  description: "Lists the world model's entity types with their counts.",
  platform: 'amigo',
  input: {},
  output: {
    entity_types: z
      .array(
        z.object({
          entity_type: z.string().describe('Type name.'),
          count: z.number().describe('Entities of it.'),
          last_updated: z.string().optional().describe('ISO time.'),
        }),
      )
      .describe('Types.'),
    total_entities: z.number().describe('Entities in all.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run(_input, ctx) {
    const types = await ctx.client.listEntityTypes(ctx.signal);
    return {
      entity_types: types.entity_types.map((t) => ({
        entity_type: t.entity_type,
        count: t.count,
        last_updated: t.last_updated ?? undefined,
      })),
      total_entities: types.total_entities,
    };
  },
});
