import { z } from 'zod';
import { pageOfWhole } from '../../paging.js';
import { limitParam } from '../../params.js';
import { defineTool } from '../../registry.js';
import { hasCatalog, targetOf } from '../context.js';
import type { CatalogOperation } from '../document.js';

const matches = (op: CatalogOperation, words: string[], tag?: string) => {
  if (tag && !op.tags.some((t) => t.toLowerCase() === tag.toLowerCase())) return false;
  const text = [op.id, op.path, op.summary, ...op.tags].join(' ').toLowerCase();
  return words.every((w) => text.includes(w));
};

export default defineTool({
  name: 'api_search_operations',
  title: 'Search API operations',
  description:
    "Finds operations of a platform's OpenAPI document by words in id, path, summary or tag (no query: all). Then api_describe_operation.",
  platform: 'core',
  available: hasCatalog,
  input: {
    platform: z.string().describe('Platform name, e.g. amigo.'),
    query: z.string().max(200).default('').describe('Words that must all match.'),
    tag: z.string().optional().describe('Only this tag.'),
    limit: limitParam(200),
    cursor: z.string().optional().describe('A next_cursor.'),
  },
  output: {
    operations: z
      .array(
        z.object({ operation_id: z.string(), method: z.string(), path: z.string(), summary: z.string() }),
      )
      .describe('Matching operations.'),
    total: z.number().describe('Count.'),
    next_cursor: z.string().optional().describe('Pass as cursor for more.'),
    truncated: z.boolean().optional().describe('Page cut to fit.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  paginate: { items: 'operations', scope: ['platform', 'query', 'tag'] },
  async run(input, ctx) {
    const { catalog } = await targetOf(ctx, input.platform);
    const words = input.query.toLowerCase().split(/\s+/).filter(Boolean);
    const found = catalog.operations.filter((op) => matches(op, words, input.tag));
    const { items, next } = pageOfWhole(found, ctx.page);
    const operations = items.map((op) => ({
      operation_id: op.id,
      method: op.method,
      path: op.path,
      summary: op.summary,
    }));
    return { operations, total: found.length, ...(next === undefined ? {} : { next }) };
  },
});
