import { z } from 'zod';
import { ToolInputError } from '../../input-error.js';
import { defineTool } from '../../registry.js';
import { callOperation } from '../call.js';
import { hasCatalog } from '../context.js';
import { callInput, callOutput } from './read.js';

export default defineTool({
  name: 'api_write',
  title: 'Call an API operation that changes data',
  description:
    'Calls an operation that creates, updates or deletes, after validating params and body. A DELETE needs confirm_destructive.',
  platform: 'core',
  available: hasCatalog,
  input: {
    ...callInput,
    confirm_destructive: z.boolean().optional().describe('Must be true for a DELETE.'),
  },
  output: callOutput,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  untrusted: ['data'],
  async run(input, ctx) {
    const { confirm_destructive: confirmed, ...call } = input;
    return callOperation(call, ctx, false, (op) => {
      if (op.method === 'DELETE' && confirmed !== true)
        throw new ToolInputError(`${op.id} deletes data: call again with confirm_destructive: true.`);
    });
  },
});
