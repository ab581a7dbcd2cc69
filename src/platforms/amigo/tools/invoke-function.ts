import { z } from 'zod';
import { defineAmigoTool, NOT_FOUND } from '../support.js';

export default defineAmigoTool({
  name: 'amigo_invoke_function',
  title: 'Invoke an Amigo function',
  description:
    'Runs a read-only data function (amigo_list_functions) with input matching its input_schema; returns the rows.',
  platform: 'amigo',
  input: {
    function_name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]{0,127}$/, 'function_name must be a name from amigo_list_functions')
      .describe('Function name from amigo_list_functions.'),
    input: z.record(z.string(), z.unknown()).default({}).describe('As its input_schema says.'),
    alias: z
      .enum(['latest', 'staging', 'production'])
      .default('latest')
      .describe('Which deployed version to run.'),
  },
  output: {
    result: z.unknown().describe('What the function returned (usually rows).'),
    row_count: z.number().optional().describe('Rows returned.'),
    version: z.number().optional().describe('Version that ran.'),
    duration_ms: z.number().optional().describe('Run time.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['result'],
  notFoundHint: NOT_FOUND.function,
  async run(input, ctx) {
    return ctx.client.invokeFunction(
      input.function_name,
      { input: input.input, alias: input.alias },
      ctx.signal,
    );
  },
});
