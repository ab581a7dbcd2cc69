import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryShape } from '../../src/platforms/atthene/emulator/state.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { type CliConnection, connectCli, textOf } from './cli.js';

// History paging against every history shape the sandbox serves (apis/atthene.md §3.2 and the
// quick-start's bare list), through the BUILT CLI: whether or not the platform applied the limit
// and offset sent, each message is read exactly once, with a bounded number of requests.

const COUNT = 130; // more than the session resource reads per page (100)
const PAGE_SIZE = 25; // the server's page size for 'paginated' (max_limit) and 'page-number'
const LIMIT = 7; // small, and a divisor of neither
const EXPECTED = Array.from({ length: COUNT }, (_, i) => `msg ${String(i).padStart(3, '0')}`);

let sandbox: Sandbox;
let cli: CliConnection;
let sessionId: string;

beforeAll(async () => {
  sandbox = await startSandbox({ attheneExecuteDelayMs: 20 });
  cli = await connectCli(sandbox.atthene.baseUrl, sandbox.atthene.apiKey, {
    MCP_MAX_RESULT_CHARS: '200000',
  });
  const created = await cli.call('atthene_create_session', { agent_key: 'support_agent' });
  expect(created.isError, textOf(created)).toBeFalsy();
  sessionId = (created.structuredContent as { session_id: string }).session_id;
  const session = sandbox.worlds.atthene.sessions.get(sessionId)!;
  session.messages = EXPECTED.map((content, i) => ({
    id: randomUUID(),
    role: i % 2 === 0 ? 'user' : 'assistant',
    content,
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  }));
}, 20_000);
afterAll(async () => {
  await cli?.close();
  await sandbox?.close();
});

const emulator = () => sandbox.emulators.atthene;
const historyRequests = () => emulator().requests.filter((r) => r.path.endsWith('/messages/')).length;
const words = (text: string) => text.match(/msg \d{3}/g) ?? [];

/** Pages atthene_get_messages with a small limit until no next_cursor (bounded); every text seen. */
async function pageThrough(): Promise<{ seen: string[]; calls: number }> {
  const seen: string[] = [];
  let cursor: string | undefined;
  let calls = 0;
  while (calls < 40) {
    calls++;
    const result = await cli.call('atthene_get_messages', {
      session_id: sessionId,
      limit: LIMIT,
      ...(cursor ? { cursor } : {}),
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    const out = result.structuredContent as { messages: Array<{ content: string }>; next_cursor?: string };
    seen.push(...out.messages.flatMap((m) => words(m.content)));
    cursor = out.next_cursor;
    if (!cursor) break;
  }
  return { seen, calls };
}

const SHAPES: Array<[HistoryShape, string]> = [
  ['messages', 'the documented {messages, total, has_more}'],
  ['array', 'a bare array that ignores limit and offset'],
  ['array-paged', 'a bare array that applies limit and offset'],
  ['paginated', 'Django REST limit/offset pages {count, next, previous, results}'],
  ['page-number', 'Django REST page-number pages that ignore offset (follow next)'],
];

function serve(shape: HistoryShape) {
  sandbox.worlds.atthene.historyShape = shape;
  sandbox.worlds.atthene.historyMaxPage = PAGE_SIZE;
  emulator().clearRequests();
}

describe('history paging reads every message exactly once, whatever paging the platform applies', () => {
  it.each(SHAPES)('%s (%s): atthene_get_messages with limit 7 and cursors', async (shape) => {
    serve(shape);
    const { seen, calls } = await pageThrough();
    expect(seen).toEqual(EXPECTED);
    expect(calls).toBeLessThanOrEqual(Math.ceil(COUNT / LIMIT) + 1);
    // At most one walk over the server's pages per call.
    expect(historyRequests()).toBeLessThanOrEqual(calls * (Math.ceil(COUNT / PAGE_SIZE) + 1));
  });

  it.each(SHAPES)('%s (%s): the atthene://sessions/{id} resource', async (shape) => {
    serve(shape);
    const read = await cli.client.readResource({ uri: `atthene://sessions/${sessionId}` });
    const text = (mime: string) => (read.contents.find((c) => c.mimeType === mime) as { text: string }).text;
    expect(words(text('text/markdown'))).toEqual(EXPECTED);
    expect(words(text('application/json'))).toEqual(EXPECTED);
    expect(historyRequests()).toBeLessThanOrEqual(2 * Math.ceil(COUNT / PAGE_SIZE));
  });
});

describe('a history the client cannot read whole is an error, never a short history', () => {
  it('page-number pages deeper than one read follows: the call past them names the offset', async () => {
    serve('page-number');
    sandbox.worlds.atthene.historyMaxPage = 2; // 20 pages of 2 reach offset 40 of 130
    let cursor: string | undefined;
    const seen: string[] = [];
    let failure = '';
    for (let calls = 0; calls < 20 && !failure; calls++) {
      const result = await cli.call('atthene_get_messages', {
        session_id: sessionId,
        limit: LIMIT,
        ...(cursor ? { cursor } : {}),
      });
      if (result.isError) failure = textOf(result);
      const out = result.structuredContent as { messages?: Array<{ content: string }>; next_cursor?: string };
      seen.push(...(out?.messages ?? []).flatMap((m) => words(m.content)));
      cursor = out?.next_cursor;
      if (!result.isError && !cursor) break;
    }
    expect(seen).toEqual(EXPECTED.slice(0, 40));
    expect(failure).toMatch(/pages by page number and offset 4\d lies beyond the 20 pages/);
  });
});
