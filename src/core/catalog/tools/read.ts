import { z } from 'zod';
import { defineTool } from '../../registry.js';
import { callOperation } from '../call.js';

/** Input shared by api_read and api_write. */
export const callInput = {
  platform: z.string().describe('Platform name, e.g. amigo.'),
  operation_id: z.string().max(200).describe('From api_search_operations.'),
  params: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Path, query and header parameters by name (the server fills workspace ids).'),
  body: z.unknown().optional().describe('The request body, as api_describe_operation shows it.'),
};

export const callOutput = {
  status: z.number().describe('HTTP status.'),
  data: z.unknown().optional().describe("The platform's answer."),
};

export default defineTool({
  name: 'api_read',
  title: 'Call a read-only API operation',
  description:
    'Calls an operation that changes nothing (GET, or a search) with validated params; a wrong input is refused before sending, with the operation described.',
  platform: 'core',
  input: callInput,
  output: callOutput,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['data'],
  run: (input, ctx) => callOperation(input, ctx, true),
});
