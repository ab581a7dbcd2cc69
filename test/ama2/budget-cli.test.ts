import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { AMA2_SANDBOX_TOKEN } from '../../src/core/emulator/credentials.js';
import { EVENT_LOOP_REQUESTS_PER_MINUTE } from '../../src/platforms/ama2/event-loop.js';
import { type CliProcess, startHttpCli } from '../helpers/cli.js';
import { type Ama2Stub, startClosingStub } from './stub.js';

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

async function session(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'budget-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { 'X-AMA2-Token': token } },
    }),
  );
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
