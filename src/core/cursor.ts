import { createHash } from 'node:crypto';
import { ToolInputError } from './input-error.js';

// Cursors are opaque to the model but not secret: they hold the platform's own paging state
// (an offset, a thread_seq) and a checksum, so an edited or truncated cursor is caught before it
// turns into a confusing platform error. No per-process key, so a cursor stays valid across
// restarts and across replicas behind a load balancer.

function checksum(scope: string, payload: string): string {
  return createHash('sha256').update(scope).update('\0').update(payload).digest('base64url').slice(0, 12);
}

/** Encodes paging state for the tool or resource named `scope`. */
export function encodeCursor(scope: string, state: Record<string, string | number | boolean>): string {
  const payload = Buffer.from(JSON.stringify(state)).toString('base64url');
  return `${payload}.${checksum(scope, payload)}`;
}

/** Decodes a cursor made by encodeCursor for the same scope, or throws a ToolInputError a model can act on. */
export function decodeCursor(scope: string, cursor: string): Record<string, string | number | boolean> {
  const invalid = () =>
    new ToolInputError(
      `cursor is not valid for ${scope}: pass next_cursor exactly as ${scope} returned it, or omit cursor to start from the beginning.`,
    );
  const [payload, sum, extra] = cursor.split('.');
  if (!payload || !sum || extra !== undefined || checksum(scope, payload) !== sum) throw invalid();
  try {
    const state: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (state === null || typeof state !== 'object' || Array.isArray(state)) throw invalid();
    return state as Record<string, string | number | boolean>;
  } catch {
    throw invalid();
  }
}
