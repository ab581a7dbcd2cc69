import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { AMA2_SANDBOX_TOKEN } from '../../src/platforms/ama2/emulator/credentials.js';
import { EVENT_LOOP_REQUESTS_PER_MINUTE } from '../../src/platforms/ama2/event-loop.js';
import { type CliProcess, startHttpCli } from '../helpers/cli.js';
import { type Ama2Stub, startClosingStub, stubEvent } from './stub.js';

// The event-loop budget is per key for the whole server (apis/ama2.md §2 "Rate limits": 300/min
// per key): two HTTP sessions sending the same key in headers share it.

const WAITS_PER_SESSION = 15;
const SERVER_TOKEN = `ama_eat_${'b'.repeat(64)}`;

let proc: CliProcess | undefined;
let stub: Ama2Stub | undefined;
const sessions: Client[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((c) => c.close().catch(() => {})));
  proc?.kill();
  await stub?.close();
  proc = stub = undefined;
});

async function session(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'budget-test', version: '1.0.0' });
  const headers: Record<string, string> = token ? { 'X-AMA2-Token': token } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  sessions.push(client);
  return client;
}

function waits(client: Client, prefix: string): Array<Promise<CallToolResult>> {
  return Array.from(
    { length: WAITS_PER_SESSION },
    (_, i) =>
      client.callTool({
        name: 'ama2_wait_for_events',
        arguments: { thread_id: `${prefix}-${i}`, after_seq: 0, timeout_seconds: 8 },
      }) as Promise<CallToolResult>,
  );
}

describe('two HTTP sessions sending the same AMA2 key', () => {
  it('share one event budget: their waits together stay within it (plus the waits own first reads)', async () => {
    stub = await startClosingStub();
    const http = await startHttpCli([], { AMA2_TOKEN: SERVER_TOKEN, AMA2_BASE_URL: stub.url });
    proc = http;
    const [a, b] = [await session(http.url, AMA2_SANDBOX_TOKEN), await session(http.url, AMA2_SANDBOX_TOKEN)];
    const results = await Promise.all([...waits(a, 'a'), ...waits(b, 'b')]);
    expect(results.map((r) => (r.structuredContent as { timed_out: boolean }).timed_out)).toEqual(
      results.map(() => true),
    );
    // Each wait asks ~10 times in 8 s (reconnects, then a poll every 2 s): 300 asked for.
    // Before, each session's client had its own 150 a minute: about 300 went out.
    const firstReads = 2 * WAITS_PER_SESSION;
    expect(stub.requests.length).toBeGreaterThan(EVENT_LOOP_REQUESTS_PER_MINUTE / 2);
    expect(stub.requests.length).toBeLessThanOrEqual(EVENT_LOOP_REQUESTS_PER_MINUTE + firstReads);
    expect(await Promise.race([http.exit, new Promise((r) => setTimeout(() => r('alive'), 100))])).toBe(
      'alive',
    );
  }, 40_000);
});

describe("one session's 20 watchers and another session's wait on the server's key", () => {
  it('the wait still reads its reply: the watchers cannot take the whole budget', async () => {
    let replyFrom = Number.POSITIVE_INFINITY;
    stub = await startClosingStub(undefined, (_n, ms, path) => ({
      events: path.includes('/thread-b/') && ms >= replyFrom ? [stubEvent('thread-b', 11, 'reply')] : [],
      has_more: false,
    }));
    const http = await startHttpCli([], { AMA2_TOKEN: AMA2_SANDBOX_TOKEN, AMA2_BASE_URL: stub.url });
    proc = http;
    const watcher = await session(http.url);
    for (let i = 0; i < 20; i++) await watcher.subscribeResource({ uri: `ama2://threads/watched-${i}` });
    // Let the watchers use what they may (streams ending at once, then polls).
    const until = Date.now() + 10_000;
    while (stub.requests.length < 115 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const used = stub.requests.length;
    const waiter = await session(http.url);
    replyFrom = stub.times.at(-1)! + 1500;
    const result = (await waiter.callTool({
      name: 'ama2_wait_for_events',
      arguments: { thread_id: 'thread-b', after_seq: 10, timeout_seconds: 8 },
    })) as CallToolResult;
    // Before, the watchers filled the key's 150 and the wait queued behind them until it timed out.
    expect(used).toBeGreaterThanOrEqual(100);
    expect(result.structuredContent).toMatchObject({ timed_out: false, latest_seq: 11 });
  }, 40_000);
});
