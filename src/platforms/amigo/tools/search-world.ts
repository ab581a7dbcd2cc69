import { z } from 'zod';
import { limitParam } from '../../../core/params.js';
import { defineAmigoTool } from '../support.js';

export default defineAmigoTool({
  name: 'amigo_search_world',
  title: 'Search the Amigo world model',
  description: 'Ranked full-text search across all world entities, passed through as the platform answers.',
  platform: 'amigo',
  input: {
    q: z.string().min(1, 'q must not be empty').max(500).describe('What to search for.'),
    entity_type: z.string().min(1).max(100).optional().describe('e.g. patient.'),
    limit: limitParam(100),
  },
  output: { result: z.record(z.string(), z.unknown()).describe("The platform's search answer.") },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['result'],
  async run(input, ctx) {
    return {
      result: await ctx.client.searchWorld(
        { q: input.q, entity_type: input.entity_type, limit: input.limit },
        ctx.signal,
      ),
    };
  },
});
