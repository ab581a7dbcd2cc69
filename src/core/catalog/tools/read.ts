import { z } from 'zod';
import { defineTool } from '../../registry.js';
import { callOperation } from '../call.js';
import { hasCatalog } from '../context.js';

/** Input shared by api_read and api_write. */
export const callInput = {
  platform: z.string().describe('e.g. amigo.'),
  operation_id: z.string().max(200).describe('From api_search_operations.'),
  params: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Path, query, header params; workspace ids are filled in.'),
  body: z.unknown().optional().describe('Request body.'),
};

export const callOutput = {
  status: z.number().describe('HTTP status.'),
  data: z.unknown().optional().describe("The platform's answer."),
};

/** A list answer (a bare array, or an object with one array) split so the registry can page it. */
function split(result: { status: number; data?: unknown }) {
  const { data } = result;
  if (Array.isArray(data)) return { status: result.status, items: data };
  if (data === null || typeof data !== 'object') return result;
  const lists = Object.entries(data).filter(([, v]) => Array.isArray(v));
  const [key, list] = lists.length === 1 ? (lists[0] as [string, unknown[]]) : [];
  if (!key || !list) return result;
  const { [key]: _list, ...rest } = data as Record<string, unknown>;
  return { status: result.status, data: { ...rest, items_field: key }, items: list };
}

export default defineTool({
  name: 'api_read',
  title: 'Call a read-only API operation',
  description:
    'Calls an operation that changes nothing (a GET or a search); invalid input is refused before sending.',
  platform: 'core',
  available: hasCatalog,
  input: { ...callInput, cursor: z.string().optional().describe('A next_cursor.') },
  output: {
    ...callOutput,
    items: z.array(z.unknown()).optional().describe('A list answer, paged.'),
    next_cursor: z.string().optional().describe('More items.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['data', 'items'],
  // The platform's own paging stays in params; a cursor only resumes a list cut at the size budget.
  paginate: { items: 'items', scope: ['platform', 'operation_id', 'params', 'body'] },
  run: async ({ cursor: _cursor, ...input }, ctx) => split(await callOperation(input, ctx, true)),
});
