import { z } from 'zod';
import { defineTool } from '../../registry.js';
import { streamHandler } from '../call.js';
import { hasCatalog, operationOf, targetOf } from '../context.js';
import { describe } from '../describe.js';

export default defineTool({
  name: 'api_describe_operation',
  title: 'Describe an API operation',
  description:
    "An operation's params and body (JSON Schema, with examples), its answer's fields, and which tool calls it (api_read or api_write).",
  platform: 'core',
  available: hasCatalog,
  input: {
    platform: z.string().describe('e.g. amigo.'),
    operation_id: z.string().max(200).describe('From api_search_operations.'),
  },
  output: {
    operation_id: z.string().describe('Id.'),
    method: z.string().describe('HTTP method.'),
    path: z.string().describe('Path.'),
    summary: z.string().describe('Summary.'),
    description: z.string().optional().describe('Details.'),
    call_with: z.string().describe('Tool to call.'),
    changes_data: z.boolean().describe('Writes.'),
    params: z.record(z.string(), z.unknown()).optional().describe('JSON Schema of params.'),
    body: z.record(z.string(), z.unknown()).optional().describe('Body schema.'),
    response: z.record(z.string(), z.unknown()).optional().describe('Success fields.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(input, ctx) {
    const target = await targetOf(ctx, input.platform);
    const op = operationOf(target, input.operation_id);
    const described = describe(target.catalog, op, target.client.credentials);
    return op.streaming
      ? { ...described, call_with: `none (event stream): use ${streamHandler(target, op)}` }
      : described;
  },
});
