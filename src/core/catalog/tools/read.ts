import { z } from 'zod';
import { defineTool } from '../../registry.js';
import { callOperation } from '../call.js';
import { hasCatalog } from '../context.js';

/** Input shared by api_read and api_write. */
export const callInput = {
  platform: z.string().describe('Platform name, e.g. amigo.'),
  operation_id: z.string().max(200).describe('From api_search_operations.'),
  params: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Path, query and header params (workspace ids are filled in).'),
  body: z.unknown().optional().describe('Request body.'),
};

export const callOutput = {
  status: z.number().describe('HTTP status.'),
  data: z.unknown().optional().describe("The platform's answer."),
};

export default defineTool({
  name: 'api_read',
  title: 'Call a read-only API operation',
  description:
    'Calls an API operation that changes nothing (GET, or a search). Input is validated first; a wrong one is refused, with the operation described.',
  platform: 'core',
  available: hasCatalog,
  input: callInput,
  output: callOutput,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['data'],
  run: (input, ctx) => callOperation(input, ctx, true),
});
