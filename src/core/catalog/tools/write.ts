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
    'Calls an operation that changes data, input validated first; a destructive one needs confirm_destructive.',
  platform: 'core',
  available: hasCatalog,
  input: {
    ...callInput,
    confirm_destructive: z.boolean().optional().describe('True for a destructive call.'),
  },
  output: callOutput,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  untrusted: ['data'],
  async run(input, ctx) {
    const { confirm_destructive: confirmed, ...call } = input;
    return callOperation(call, ctx, false, (op) => {
      if (op.destructive && confirmed !== true)
        throw new ToolInputError(
          `${op.id} ${op.method === 'DELETE' ? 'deletes data' : 'cannot be undone'}: call again with confirm_destructive: true.`,
        );
    });
  },
});
