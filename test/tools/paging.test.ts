import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { PageRequest } from '../../src/core/paging.js';
import { cursorParam, pageOutput } from '../../src/core/params.js';
import { type CallContext, defineTool, runTool } from '../../src/core/registry.js';
import { resultText } from '../helpers/mcp.js';

// The registry owns paging (issue #13): these fake list tools only read ctx.page and return one
// platform page with `next`; every cursor, limit and budget cut is the registry's.

type Item = { id: string; text: string };
const itemsOf = (sizes: readonly number[]): Item[] =>
  sizes.map((size, i) => ({ id: `i-${i}`, text: 'y'.repeat(size) }));

/** A continuation token that is not an offset, so resuming by arithmetic on it would go wrong. */
const TOKEN_BASE = 1000;

function listTool(all: readonly Item[], seen: PageRequest[] = [], backward = false) {
  return defineTool({
    name: 'ama2_list_fakes',
    title: 'List fakes',
    description: 'Lists fakes for a test.',
    platform: 'core',
    input: {
      search: z.string().optional().describe('search'),
      limit: z.number().describe('limit'),
      cursor: cursorParam(),
    },
    output: {
      things: z.array(z.object({ id: z.string(), text: z.string() })).describe('things'),
      ...pageOutput,
    },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    untrusted: ['text'],
    paginate: { items: 'things', scope: ['search'], backward },
    async run(_input, ctx) {
      seen.push(ctx.page);
      if (backward) {
        // A history read from its end: the state is the index after the page's last item.
        const end = ctx.page.state ?? all.length;
        const start = Math.max(0, end - ctx.page.limit);
        return { things: all.slice(start, end), next: start > 0 ? start : undefined, from: end };
      }
      const offset = ctx.page.state === undefined ? 0 : ctx.page.state - TOKEN_BASE;
      const end = offset + ctx.page.limit;
      return { things: all.slice(offset, end), next: end < all.length ? TOKEN_BASE + end : undefined };
    },
  });
}

function ctx(maxResultChars: number): CallContext {
  return {
    clients: {},
    platforms: [],
    log: { debug() {}, info() {}, warn() {}, error() {} } as unknown as CallContext['log'],
    signal: new AbortController().signal,
    progress: async () => {},
    recent: undefined as unknown as CallContext['recent'],
    maxResultChars,
  };
}

type Page = { things: Item[]; next_cursor?: string; truncated?: boolean };
const pageOf = (result: CallToolResult) => result.structuredContent as Page;

/** Follows next_cursor to the end (bounded); returns the pages, or the first error result. */
async function follow(
  tool: ReturnType<typeof listTool>,
  budget: number,
  limits: readonly number[],
  maxCalls: number,
): Promise<{ pages: Page[]; error?: string }> {
  const pages: Page[] = [];
  let cursor: string | undefined;
  for (let call = 0; call < maxCalls; call++) {
    const limit = limits[call % limits.length]!;
    const result = await runTool(tool, { limit, ...(cursor ? { cursor } : {}) }, ctx(budget));
    if (result.isError) return { pages, error: resultText(result) };
    expect(resultText(result).length).toBeLessThanOrEqual(budget);
    const page = pageOf(result);
    expect(page.things.length).toBeLessThanOrEqual(limit);
    pages.push(page);
    cursor = page.next_cursor;
    if (!cursor) return { pages };
  }
  return { pages, error: `still paging after ${maxCalls} calls` };
}

const ids = (pages: readonly Page[]) => pages.flatMap((p) => p.things.map((t) => t.id));

describe('the registry pages a list tool', () => {
  it('cuts a page at the budget and resumes it from the same platform state, skipping what was shown', async () => {
    const all = itemsOf(Array.from({ length: 25 }, () => 150));
    const seen: PageRequest[] = [];
    const { pages, error } = await follow(listTool(all, seen), 1_000, [10], 30);
    expect(error).toBeUndefined();
    expect(ids(pages)).toEqual(all.map((i) => i.id));
    // The first page of 10 did not fit: cut with truncated and a cursor.
    expect(pages[0]!.things.length).toBeLessThan(10);
    expect(pages[0]!.truncated).toBe(true);
    // The tool only ever saw the start or a state it returned itself, read with the same limit.
    const states = new Set(seen.map((page) => page.state));
    expect([...states]).toEqual([undefined, TOKEN_BASE + 10, TOKEN_BASE + 20]);
    expect(seen.every((page) => page.limit === 10)).toBe(true);
  });

  it('shows at most limit items, even when a cut page is resumed with a smaller limit', async () => {
    const all = itemsOf(Array.from({ length: 30 }, () => 100));
    const { pages, error } = await follow(listTool(all), 2_000, [20, 3], 40);
    expect(error).toBeUndefined();
    expect(ids(pages)).toEqual(all.map((i) => i.id));
  });

  it('refuses a cursor of another query with a message naming the field, before the tool runs', async () => {
    const seen: PageRequest[] = [];
    const tool = listTool(itemsOf([10, 10, 10]), seen);
    const first = pageOf(await runTool(tool, { search: 'a', limit: 1 }, ctx(5_000)));
    const other = await runTool(tool, { search: 'b', limit: 1, cursor: first.next_cursor }, ctx(5_000));
    expect(other.isError).toBe(true);
    expect(resultText(other)).toBe(
      'Invalid input for ama2_list_fakes: cursor belongs to another ama2_list_fakes query (different search): pass the same search as the call that returned it, or omit cursor to start again.',
    );
    expect(seen).toHaveLength(1);
    const same = await runTool(tool, { search: 'a', limit: 1, cursor: first.next_cursor }, ctx(5_000));
    expect(pageOf(same).things.map((t) => t.id)).toEqual(['i-1']);
  });

  it('reports an item larger than the budget instead of an empty page that resumes where it started', async () => {
    const result = await runTool(listTool(itemsOf([50, 5_000, 50])), { limit: 3 }, ctx(1_000));
    const page = pageOf(result);
    expect(page.things.map((t) => t.id)).toEqual(['i-0']);
    const next = await runTool(
      listTool(itemsOf([50, 5_000, 50])),
      { limit: 3, cursor: page.next_cursor },
      ctx(1_000),
    );
    expect(next.isError).toBe(true);
    expect(resultText(next)).toMatch(/over the 1000-character budget\. Ask for less/);
  });

  it('reads a history from its end: newest page first, a cut leaves out the oldest, the cursor reaches the first item', async () => {
    const all = itemsOf(Array.from({ length: 23 }, () => 120));
    const { pages, error } = await follow(listTool(all, [], true), 1_200, [8], 30);
    expect(error).toBeUndefined();
    expect(pages[0]!.things.at(-1)?.id).toBe('i-22');
    expect(pages[0]!.truncated).toBe(true);
    expect(pages.at(-1)!.things[0]?.id).toBe('i-0');
    expect([...pages].reverse().flatMap((p) => p.things.map((t) => t.id))).toEqual(all.map((i) => i.id));
  });
});

describe('property: following next_cursor visits every item exactly once, in order', () => {
  it('for random list sizes, item sizes, limits and budgets, forward and backward', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 800 }), { maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 500, max: 5_000 }),
        fc.boolean(),
        async (sizes, limits, budget, backward) => {
          const all = itemsOf(sizes);
          const { pages, error } = await follow(
            listTool(all, [], backward),
            budget,
            limits,
            3 * sizes.length + 5,
          );
          const visited = backward
            ? [...pages].reverse().flatMap((p) => p.things.map((t) => t.id))
            : ids(pages);
          if (error !== undefined) {
            // Only an item that cannot fit on its own (with the fences and a cursor, under 400
            // characters) stops the paging, with a clear error.
            expect(error).toMatch(/over the \d+-character budget/);
            const stuck = backward ? all[all.length - 1 - visited.length] : all[visited.length];
            expect(stuck!.text.length + 400).toBeGreaterThan(budget);
            return;
          }
          expect(visited).toEqual(all.map((i) => i.id));
        },
      ),
      { numRuns: 150 },
    );
  });
});
