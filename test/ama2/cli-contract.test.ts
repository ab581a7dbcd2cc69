import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AMA2_SANDBOX_TOKEN } from '../../src/platforms/ama2/emulator/credentials.js';
import { SANDBOX_USERS } from '../../src/platforms/ama2/emulator/state.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { type CliProcess, startCli, startHttpCli } from '../helpers/cli.js';
import { startClosingStub } from './stub.js';

// Issue #12 C through the built CLI: the reconnect rate, the /api/v1 base URL, an idempotent
// create_thread, and requests the strict sandbox emulator refuses.

const ADA = SANDBOX_USERS[0]!;
/** apis/ama2.md §2 "Rate limits": 300/min per key for polling and streaming together. */
const DOCUMENTED_EVENTS_PER_MINUTE = 300;

let sandbox: Sandbox;
let proc: CliProcess | undefined;
beforeAll(async () => {
  sandbox = await startSandbox({ ama2ReplyDelayMs: 50 });
});
afterAll(async () => {
  await sandbox?.close();
});
afterEach(() => {
  proc?.kill();
  proc = undefined;
});

async function callTool(cli: CliProcess, name: string, args: Record<string, unknown>) {
  const answer = await cli.rpc('tools/call', { name, arguments: args });
  return answer.result as CallToolResult;
}

const text = (result: CallToolResult) =>
  result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('ama2_wait_for_events when the server ends every stream at once', () => {
  it('reconnects with backoff: a 5 s wait stays well under the documented 300 requests a minute', async () => {
    const stub = await startClosingStub();
    try {
      proc = await startCli([], { AMA2_TOKEN: AMA2_SANDBOX_TOKEN, AMA2_BASE_URL: stub.url });
      const started = Date.now();
      const result = await callTool(proc, 'ama2_wait_for_events', {
        thread_id: 'thread-1',
        after_seq: 0,
        timeout_seconds: 5,
      });
      const seconds = (Date.now() - started) / 1000;
      expect(result.structuredContent).toMatchObject({ timed_out: true, events: [] });
      const count = stub.requests.filter((p) => p.includes('/events')).length;
      // The documented rate allows 25 requests in 5 s; the old fixed 250 ms pause made 39.
      const allowed = (DOCUMENTED_EVENTS_PER_MINUTE / 60) * seconds;
      expect(count).toBeGreaterThanOrEqual(3);
      expect(count).toBeLessThan(allowed / 2);
    } finally {
      await stub.close();
    }
  }, 20_000);
});

describe('AMA2_BASE_URL as the API reference shows it (…/api/v1)', () => {
  it.each(['/api/v1', '/api/v1/'])(
    'a base URL ending in %s works: requests go to /api/v1/chat/…, not /api/v1/api/v1',
    async (suffix) => {
      proc = await startCli([], {
        AMA2_TOKEN: sandbox.ama2.token,
        AMA2_BASE_URL: `${sandbox.ama2.baseUrl}${suffix}`,
      });
      sandbox.emulators.ama2.clearRequests();
      const created = await callTool(proc, 'ama2_create_thread', { target_user_ids: [ADA.id] });
      expect(created.isError).toBeFalsy();
      const threadId = (created.structuredContent as { thread_id: string }).thread_id;
      const polled = await callTool(proc, 'ama2_poll_events', { thread_id: threadId });
      expect(polled.isError).toBeFalsy();
      const status = await callTool(proc, 'platforms_status', {});
      const { platforms } = status.structuredContent as { platforms: Array<Record<string, unknown>> };
      expect(platforms.find((p) => p.platform === 'ama2')).toMatchObject({
        reachable: true,
        authenticated: true,
        base_url: sandbox.ama2.baseUrl,
      });
      const paths = sandbox.emulators.ama2.requests.map((r) => r.path);
      expect(paths).toContain('/api/v1/chat/threads');
      expect(paths).toContain(`/api/v1/chat/threads/${threadId}/events`);
      expect(paths.filter((p) => p.includes('/api/v1/api/v1'))).toEqual([]);
      // The strict emulator refused (400) none of the CLI's requests. (platforms_status probes a
      // nil thread id on purpose: its 404 proves the token works.)
      expect(sandbox.emulators.ama2.requests.filter((r) => r.response?.status === 400)).toEqual([]);
    },
    20_000,
  );

  it('a session bringing its own token over HTTP uses the server base URL, /api/v1 stripped too', async () => {
    const http = await startHttpCli([], {
      AMA2_TOKEN: sandbox.ama2.token,
      AMA2_BASE_URL: `${sandbox.ama2.baseUrl}/api/v1/`,
    });
    proc = http;
    const client = new Client({ name: 'base-url-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(http.url), {
        requestInit: { headers: { 'X-AMA2-Token': AMA2_SANDBOX_TOKEN } },
      }),
    );
    try {
      sandbox.emulators.ama2.clearRequests();
      const created = (await client.callTool({
        name: 'ama2_create_thread',
        arguments: { target_user_ids: [ADA.id] },
      })) as CallToolResult;
      expect(created.isError).toBeFalsy();
      expect(sandbox.emulators.ama2.requests.map((r) => r.path)).toEqual(['/api/v1/chat/threads']);
    } finally {
      await client.close();
    }
  }, 20_000);

  it('a 404 on any AMA2 route says the base URL may be wrong, besides the id hint', async () => {
    // A base URL with a wrong path prefix: every route answers 404.
    proc = await startCli([], {
      AMA2_TOKEN: sandbox.ama2.token,
      AMA2_BASE_URL: `${sandbox.ama2.baseUrl}/v2`,
    });
    const calls: Array<[string, Record<string, unknown>]> = [
      ['ama2_create_thread', { target_user_ids: [ADA.id] }],
      ['ama2_send_message', { thread_id: 'thread-1', content: 'hi' }],
      ['ama2_poll_events', { thread_id: 'thread-1' }],
      ['ama2_wait_for_events', { thread_id: 'thread-1', after_seq: 0, timeout_seconds: 1 }],
      ['ama2_set_participation_mode', { thread_id: 'thread-1', participation_mode: 'open' }],
      ['ama2_register_webhook', { thread_id: 'thread-1', callback_url: 'https://hooks.example.com/x' }],
      ['ama2_remove_webhook', { thread_id: 'thread-1', subscription_id: 'sub-1' }],
    ];
    for (const [name, args] of calls) {
      const result = await callTool(proc, name, args);
      expect(result.isError, name).toBe(true);
      expect(text(result), name).toMatch(/404 not_found/);
      expect(text(result), name).toMatch(/AMA2_BASE_URL may be wrong/);
    }
    const read = await proc.rpc('resources/read', { uri: 'ama2://threads/thread-1' });
    expect(JSON.stringify(read.error)).toMatch(/AMA2_BASE_URL may be wrong/);
  }, 30_000);
});

describe('ama2_create_thread with initial_message is idempotent', () => {
  it('two calls with the same input leave one message in the thread', async () => {
    proc = await startCli([], { AMA2_TOKEN: sandbox.ama2.token, AMA2_BASE_URL: sandbox.ama2.baseUrl });
    const input = { target_user_ids: [SANDBOX_USERS[1]!.id], initial_message: 'Kick-off: agenda for Monday' };
    const first = await callTool(proc, 'ama2_create_thread', input);
    const second = await callTool(proc, 'ama2_create_thread', input);
    const a = first.structuredContent as { thread_id: string; initial_message_id: string };
    const b = second.structuredContent as { thread_id: string; initial_message_id: string };
    expect(b.thread_id).toBe(a.thread_id);
    expect(b.initial_message_id).toBe(a.initial_message_id);
    const posted = sandbox.worlds.ama2.threads
      .get(a.thread_id)!
      .events.filter((e) => e.sender_id.startsWith('agent:'));
    expect(posted.map((e) => e.content)).toEqual(['Kick-off: agenda for Monday']);
  }, 20_000);
});
