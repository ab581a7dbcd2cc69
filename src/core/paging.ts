import { createHash } from 'node:crypto';
import { decodeCursor, encodeCursor } from './cursor.js';
import { ToolInputError } from './input-error.js';
import { DEFAULT_LIMIT } from './params.js';

// The registry owns paging (issue #13): a list tool reads `ctx.page`, fetches one platform page
// and returns its items with the platform's next state; the registry decodes and encodes cursors,
// shows at most `limit` items, cuts at the size budget and resumes a cut page itself by skipping
// the items already shown. No tool writes cursor code.

/** A platform's own paging state: an offset, an integer continuation token, a thread_seq. */
export type PageState = number;

/** What a list tool is asked for: the state to read from (none: the start) and how many items. */
export interface PageRequest {
  state?: PageState;
  limit: number;
}

/** What a list tool returns besides its output fields (a type, not an interface, so results keep their implicit index signature). */
export type PageResult = {
  /** The platform's state for the page after this one; absent on the last page. */
  next?: PageState;
  /** The state this page was read from when the tool chose it without a cursor (e.g. the newest page). */
  from?: PageState;
};

export interface Paginate<O extends object = Record<string, unknown>> {
  /** The output key holding the list. */
  items: string;
  /** Input fields a cursor is bound to (e.g. a search term): a cursor of another query is refused. */
  scope?: readonly string[];
  /**
   * The list is shown oldest first but read from its end (a history): the newest items come first,
   * a cut leaves out the oldest, and next_cursor goes back in time.
   */
  backward?: boolean;
  /** Output fields that describe the items shown, recomputed after the registry skipped or cut some. */
  shown?(output: O, page: { skipped: number; more: boolean }): Partial<O>;
}

interface PagedTool {
  name: string;
  paginate?: Paginate;
}

/** Where a cursor points: a platform state, the items of that page already shown, the limit it was read with. */
interface Position {
  state?: PageState;
  skip: number;
  limit?: number;
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && Number(value) >= 0;

function scopeOf(paginate: Paginate, input: Record<string, unknown>): string {
  const fields = paginate.scope ?? [];
  if (fields.length === 0) return '';
  const values = JSON.stringify(fields.map((field) => input[field] ?? null));
  return createHash('sha256').update(values).digest('base64url').slice(0, 10);
}

function requestedLimit(input: Record<string, unknown>): number | undefined {
  return typeof input.limit === 'number' ? input.limit : undefined;
}

/** The position `input.cursor` points at, or a ToolInputError a model can act on. */
function positionOf(tool: PagedTool, paginate: Paginate, input: Record<string, unknown>): Position {
  if (typeof input.cursor !== 'string' || input.cursor === '') return { skip: 0 };
  const { s, k = 0, l, q = '' } = decodeCursor(tool.name, input.cursor);
  if (q !== scopeOf(paginate, input)) {
    const fields = (paginate.scope ?? []).join(', ');
    throw new ToolInputError(
      `cursor belongs to another ${tool.name} query (different ${fields}): pass the same ${fields} as the call that returned it, or omit cursor to start again.`,
    );
  }
  if ((s !== undefined && !isCount(s)) || !isCount(k) || (l !== undefined && !isCount(l))) {
    throw new ToolInputError(
      `cursor is not valid for ${tool.name}: pass next_cursor exactly as ${tool.name} returned it, or omit cursor to start from the beginning.`,
    );
  }
  return { state: s, skip: k, limit: l };
}

/** The page a list tool is asked for (`ctx.page`); throws on a cursor of another tool or query. */
export function pageRequest(tool: PagedTool, input: Record<string, unknown>): PageRequest {
  const at = tool.paginate ? positionOf(tool, tool.paginate, input) : { skip: 0 };
  const limit = at.limit ?? requestedLimit(input) ?? DEFAULT_LIMIT;
  return at.state === undefined ? { limit } : { state: at.state, limit };
}

/**
 * One page of a list the platform returns whole (no paging documented): `limit` items from the
 * offset in `page.state`, and the offset of the next page when there is one.
 */
export function pageOfWhole<T>(all: readonly T[], page: PageRequest): { items: T[]; next?: PageState } {
  const offset = page.state ?? 0;
  const end = offset + page.limit;
  return { items: all.slice(offset, end), ...(end < all.length ? { next: end } : {}) };
}

/** A list tool's output as the registry shows it: `candidate(n)` shows the first n items not yet shown. */
export interface PageView {
  /** How many items this call may show (those not shown yet, at most `limit`). */
  take: number;
  candidate(n: number): Record<string, unknown>;
}

/** Splits a list tool's result into the part to show and the cursors that continue after it. */
export function pageView(
  tool: PagedTool,
  input: Record<string, unknown>,
  result: Record<string, unknown>,
): PageView | undefined {
  const paginate = tool.paginate;
  if (!paginate || !Array.isArray(result[paginate.items])) return undefined;
  const { next, from, next_cursor: _n, truncated: _t, ...output } = result;
  const list = output[paginate.items] as unknown[];
  const at = positionOf(tool, paginate, input);
  const ordered = paginate.backward ? [...list].reverse() : list;
  const window = ordered.slice(at.skip);
  const take = Math.min(window.length, requestedLimit(input) ?? window.length);
  const scope = scopeOf(paginate, input);
  const cursorAfter = (n: number): string | undefined => {
    const state = isCount(from) ? from : at.state;
    if (n < window.length) {
      const limit = at.limit ?? requestedLimit(input) ?? DEFAULT_LIMIT;
      return cursorOf(tool.name, { s: state, k: at.skip + n, l: limit, q: scope });
    }
    return isCount(next) ? cursorOf(tool.name, { s: next, q: scope }) : undefined;
  };
  return {
    take,
    candidate(n) {
      const shown = window.slice(0, n);
      const page: Record<string, unknown> = {
        ...output,
        [paginate.items]: paginate.backward ? shown.reverse() : shown,
      };
      const cursor = cursorAfter(n);
      Object.assign(page, paginate.shown?.(page, { skipped: at.skip, more: cursor !== undefined }));
      return {
        ...page,
        ...(cursor ? { next_cursor: cursor } : {}),
        ...(n < take ? { truncated: true } : {}),
      };
    },
  };
}

function cursorOf(tool: string, state: { s?: number; k?: number; l?: number; q: string }): string {
  // A skip of 0 and an empty scope are the defaults; a state of 0 is kept (it is not "no state").
  const fields = Object.entries(state).filter(
    ([key, value]) => value !== undefined && value !== '' && !(key === 'k' && value === 0),
  );
  return encodeCursor(tool, Object.fromEntries(fields) as Record<string, number | string>);
}
