import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/core/emulator/faults.js';
import { SANDBOX_USERS } from '../../src/platforms/ama2/emulator/state.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { connectTestClient, resultText, sandboxCredentials, type TestConnection } from '../helpers/mcp.js';

const ADA = SANDBOX_USERS[0]!;
let sandbox: Sandbox;
let conn: TestConnection;
let threadId: string;

beforeAll(async () => {
  sandbox = await startSandbox({ ama2ReplyDelayMs: 50 });
  conn = await connectTestClient({ credentials: sandboxCredentials(sandbox, ['ama2']) });
  const created = await conn.call('ama2_create_thread', { target_user_ids: [ADA.id] });
  threadId = (created.structuredContent as { thread_id: string }).thread_id;
});
afterAll(async () => {
  await conn?.close();
  await sandbox?.close();
});
beforeEach(() => {
  sandbox.emulators.ama2.setFaults(undefined);
  sandbox.emulators.ama2.clearRequests();
});

const requests = () => sandbox.emulators.ama2.requests;

describe('what AMA2 receives', () => {
  it('exact paths, query names and body fields; the token only in the Authorization header', async () => {
    await conn.call('ama2_send_message', {
      thread_id: threadId,
      content: 'wire check',
      client_message_id: 'cm-wire-1',
      base_seq: 0,
      latest_seen_seq: 0,
      mentions: [`user:${ADA.id}`],
    });
    await conn.call('ama2_poll_events', { thread_id: threadId, after_seq: 0, limit: 5 });
    await conn.call('ama2_set_participation_mode', { thread_id: threadId, participation_mode: 'open' });

    const [send, poll, mode] = requests();
    expect(send).toMatchObject({ method: 'POST', path: `/api/v1/chat/threads/${threadId}/agent-messages` });
    expect(send?.json).toEqual({
      content: 'wire check',
      client_message_id: 'cm-wire-1',
      base_seq: 0,
      latest_seen_seq: 0,
      mentions: [`user:${ADA.id}`],
    });
    expect(poll).toMatchObject({ method: 'GET', path: `/api/v1/chat/threads/${threadId}/events` });
    expect(poll?.query).toEqual({ last_thread_seq: ['0'], limit: ['5'] });
    expect(mode?.json).toEqual({ participation_mode: 'open' });
    for (const r of requests()) {
      expect(r.headers.authorization).toBe(`Bearer ${sandbox.ama2.token}`);
      expect(r.headers['user-agent']).toMatch(/^agent-platforms-mcp\/\d/);
      const elsewhere = JSON.stringify({ ...r, headers: { ...r.headers, authorization: undefined } });
      expect(elsewhere).not.toContain(sandbox.ama2.token);
    }
  });
});

describe('bad input is refused before any request, naming the field', () => {
  it.each([
    ['ama2_send_message', { thread_id: 'T', content: '' }, 'content must not be empty'],
    [
      'ama2_send_message',
      { thread_id: 'T', content: 'x'.repeat(5001) },
      'content must be at most 5000 characters',
    ],
    ['ama2_send_message', { thread_id: '../admin', content: 'hi' }, 'thread_id must be a thread id'],
    ['ama2_poll_events', { thread_id: 'T', limit: 0 }, 'limit must be from 1 to 100'],
    ['ama2_poll_events', { thread_id: 'T', limit: 101 }, 'limit must be from 1 to 100'],
    ['ama2_poll_events', { thread_id: 'a/b' }, 'thread_id'],
    [
      'ama2_wait_for_events',
      { thread_id: 'T', after_seq: 0, timeout_seconds: 61 },
      'timeout_seconds must be from 1 to 60',
    ],
    ['ama2_create_thread', { target_user_ids: [] }, 'target_user_ids needs at least one user UUID'],
    [
      'ama2_send_message',
      { thread_id: 'T', content: 'hi', mentions: ['Ada'] },
      'each mentions entry must be a sender_id',
    ],
  ])('%s %j', async (tool, args, message) => {
    const args2 = {
      ...args,
      thread_id:
        (args as { thread_id?: string }).thread_id === 'T'
          ? threadId
          : (args as { thread_id?: string }).thread_id,
    };
    const result = await conn.call(tool, args2);
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain(message);
    expect(requests()).toEqual([]);
  });

  it('a tampered cursor, or one for another thread', async () => {
    const tampered = await conn.call('ama2_poll_events', {
      thread_id: threadId,
      cursor: 'eyJ0aHJlYWQiOiJ4In0.abcdefabcdef',
    });
    expect(resultText(tampered)).toMatch(/cursor is not valid for ama2_poll_events/);
    for (const content of ['one', 'two'])
      await conn.call('ama2_send_message', { thread_id: threadId, content });
    const first = await conn.call('ama2_poll_events', { thread_id: threadId, limit: 1 });
    const cursor = (first.structuredContent as { next_cursor?: string }).next_cursor;
    expect(cursor).toBeDefined();
    sandbox.emulators.ama2.clearRequests();
    const foreign = await conn.call('ama2_poll_events', { thread_id: 'another-thread', cursor });
    expect(resultText(foreign)).toMatch(
      /cursor belongs to another ama2_poll_events query \(different thread_id\): pass the same thread_id/,
    );
    expect(requests()).toEqual([]);
  });
});

describe('platform errors become results a model can act on', () => {
  it('401 says to check AMA2_TOKEN', async () => {
    const bad = await connectTestClient({
      credentials: { ama2: { baseUrl: sandbox.ama2.baseUrl, token: 'ama_eat_not_a_real_token_000' } },
    });
    try {
      const result = await bad.call('ama2_poll_events', { thread_id: threadId });
      expect(resultText(result)).toMatch(/ama2 error 401 auth \[UNAUTHORIZED\].*check AMA2_TOKEN/);
    } finally {
      await bad.close();
    }
  });

  it('404 says which tool gives valid thread ids', async () => {
    const result = await conn.call('ama2_poll_events', { thread_id: '0b7e2f0e-aaaa-4bbb-8ccc-000000000000' });
    expect(resultText(result)).toMatch(
      /404 not_found \[NOT_FOUND\]: Thread not found.*ama2_create_thread returns it/,
    );
  });

  it('429 says when to retry', async () => {
    sandbox.emulators.ama2.setFaults({ seed: 1, rateLimitRate: 1, retryAfterSeconds: 30 });
    const result = await conn.call('ama2_poll_events', { thread_id: threadId });
    expect(resultText(result)).toMatch(/429 rate_limited \[RATE_LIMITED\].*retry after 30 s/);
    // 30 s is past the retry budget, so the server did not sit on it.
    expect(requests()).toHaveLength(1);
  });

  it('an injected 500 on send is not retried; the returned client_message_id makes the retry safe', async () => {
    sandbox.emulators.ama2.setFaults({ seed: 1, errorRate: 1 });
    const failed = await conn.call('ama2_send_message', { thread_id: threadId, content: 'only once please' });
    expect(failed.isError).toBe(true);
    expect(requests().filter((r) => r.method === 'POST')).toHaveLength(1);
    const id = /client_message_id ([0-9a-f-]{36})/.exec(resultText(failed))?.[1];
    expect(id).toBeDefined();

    sandbox.emulators.ama2.setFaults(undefined);
    const first = await conn.call('ama2_send_message', {
      thread_id: threadId,
      content: 'only once please',
      client_message_id: id,
    });
    const second = await conn.call('ama2_send_message', {
      thread_id: threadId,
      content: 'only once please',
      client_message_id: id,
    });
    expect((second.structuredContent as { message_id: string }).message_id).toBe(
      (first.structuredContent as { message_id: string }).message_id,
    );
    const copies = sandbox.worlds.ama2.threads
      .get(threadId)!
      .events.filter((e) => e.content === 'only once please');
    expect(copies).toHaveLength(1);
  });

  it('a GET is retried through a transient 5xx and succeeds', async () => {
    // Pick a seed whose first decision is a 5xx and whose second is not.
    const seed = Array.from({ length: 1000 }, (_, i) => i).find((s) => {
      const injector = new FaultInjector({ seed: s, errorRate: 0.5 });
      return injector.decide().kind === 'error' && injector.decide().kind === 'none';
    });
    sandbox.emulators.ama2.setFaults({ seed, errorRate: 0.5 });
    const result = await conn.call('ama2_poll_events', { thread_id: threadId });
    expect(result.isError).toBeFalsy();
    expect(requests().filter((r) => r.path.endsWith('/events'))).toHaveLength(2);
  });
});

describe('cancellation', () => {
  it('a cancelled ama2_wait_for_events returns promptly and leaves no open stream', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = conn.client.callTool(
      {
        name: 'ama2_wait_for_events',
        arguments: { thread_id: threadId, after_seq: 10_000, timeout_seconds: 30 },
      },
      undefined,
      { signal: controller.signal },
    );
    const deadline = Date.now() + 3000;
    while (sandbox.emulators.ama2.openStreams() === 0 && Date.now() < deadline) await sleep(20);
    expect(sandbox.emulators.ama2.openStreams()).toBe(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
    const closeDeadline = Date.now() + 2000;
    while (sandbox.emulators.ama2.openStreams() > 0 && Date.now() < closeDeadline) await sleep(20);
    expect(sandbox.emulators.ama2.openStreams()).toBe(0);
  });
});

describe('the event stream reconnects and resumes', () => {
  it('when the server ends the stream after every event, a subscription still sees each new event exactly once', async () => {
    sandbox.worlds.ama2.streamFrameLimit = 1;
    const { ResourceUpdatedNotificationSchema } = await import('@modelcontextprotocol/sdk/types.js');
    const created = await conn.call('ama2_create_thread', { target_user_ids: [SANDBOX_USERS[2]!.id] });
    const thread = (created.structuredContent as { thread_id: string }).thread_id;
    const uri = `ama2://threads/${thread}`;
    const updates: string[] = [];
    conn.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      if (n.params.uri === uri) updates.push(n.params.uri);
    });
    try {
      await conn.client.subscribeResource({ uri });
      await sleep(100);
      const streamsBefore = requests().filter((r) => r.path.endsWith('/events/stream')).length;
      // Each send commits the agent's message and, 50 ms later, the user's reply: 6 events.
      for (let i = 0; i < 3; i++) {
        await conn.call('ama2_send_message', { thread_id: thread, content: `resume check ${i}` });
        await sleep(150);
      }
      const deadline = Date.now() + 5000;
      while (updates.length < 6 && Date.now() < deadline) await sleep(50);
      await sleep(300);
      expect(updates).toHaveLength(6);
      // It reconnected after the stream ended; the catch-up poll of a reconnect may collect
      // several events, so with the backoff one reconnect can be enough.
      expect(
        requests().filter((r) => r.path.endsWith('/events/stream')).length - streamsBefore,
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await conn.client.unsubscribeResource({ uri });
      sandbox.worlds.ama2.streamFrameLimit = 0;
    }
  });
});
