import { z } from 'zod';
import { defineAmigoTool } from '../support.js';

export default defineAmigoTool({
  name: 'amigo_list_functions',
  title: 'List Amigo functions',
  description: 'Lists the data functions: what each returns, when to use it, its input schema.',
  platform: 'amigo',
  input: {},
  output: {
    functions: z
      .array(
        z.object({
          name: z.string().describe('Name for amigo_invoke_function.'),
          version: z.number().describe('Deployed version.'),
          description: z.string().optional().describe('What it returns.'),
          when_to_use: z.string().optional().describe('When it is the right one.'),
          input_schema: z.record(z.string(), z.unknown()).optional().describe('JSON Schema of its input.'),
        }),
      )
      .describe('Registered functions.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['description', 'when_to_use', 'input_schema'],
  async run(_input, ctx) {
    const { items } = await ctx.client.listFunctions(ctx.signal);
    return {
      functions: items.map((f) => ({
        name: String(f.name),
        version: Number(f.version),
        description: f.description as string | undefined,
        when_to_use: f.when_to_use as string | undefined,
        input_schema: f.input_schema as Record<string, unknown> | undefined,
      })),
    };
  },
});
