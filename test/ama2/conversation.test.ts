import { setTimeout as sleep } from 'node:timers/promises';
import { type CallToolResult, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMA2_SANDBOX_LIMITED_TOKEN } from '../../src/platforms/ama2/emulator/credentials.js';
import { SANDBOX_USERS, SEEDED_THREADS } from '../../src/platforms/ama2/emulator/state.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { connectTestClient, resultText, sandboxCredentials, type TestConnection } from '../helpers/mcp.js';

const ADA = SANDBOX_USERS[0]!;
const GRACE = SANDBOX_USERS[1]!;

let sandbox: Sandbox;
let conn: TestConnection;
beforeAll(async () => {
  // Replies take 1.3 s so a wait spans at least one progress notification.
  sandbox = await startSandbox({ ama2ReplyDelayMs: 1300 });
  conn = await connectTestClient({ credentials: sandboxCredentials(sandbox, ['ama2']) });
});
afterAll(async () => {
  await conn?.close();
  await sandbox?.close();
});

interface Events {
  events: Array<{ thread_seq: number; sender_id: string; content: string; event_type: string }>;
  latest_seq: number;
  timed_out?: boolean;
  next_cursor?: string;
  has_more: boolean;
}

describe('an AMA2 conversation through MCP', () => {
  it('create → send → wait (with progress) → read the resource → subscription update on the reply', async () => {
    const created = await conn.call('ama2_create_thread', { target_user_ids: [ADA.id] });
    expect(created.isError).toBeFalsy();
    const thread = created.structuredContent as {
      thread_id: string;
      participants: Array<{ sender_id: string }>;
      resource_uri: string;
    };
    expect(thread.participants.map((p) => p.sender_id)).toContain(`user:${ADA.id}`);
    expect(created.content).toContainEqual(
      expect.objectContaining({ type: 'resource_link', uri: `ama2://threads/${thread.thread_id}` }),
    );

    // The same participant set returns the same thread.
    const again = await conn.call('ama2_create_thread', { target_user_ids: [ADA.id] });
    expect((again.structuredContent as { thread_id: string }).thread_id).toBe(thread.thread_id);

    const sent = await conn.call('ama2_send_message', {
      thread_id: thread.thread_id,
      content: 'Hello Ada, can we meet on Friday?',
    });
    const { client_message_id: clientMessageId, message_id: messageId } = sent.structuredContent as {
      client_message_id: string;
      message_id: string;
    };
    expect(clientMessageId).toMatch(/^[0-9a-f-]{36}$/);

    const progress: number[] = [];
    const waited = await conn.client.callTool(
      {
        name: 'ama2_wait_for_events',
        arguments: { thread_id: thread.thread_id, after_seq: 1, timeout_seconds: 10 },
      },
      undefined,
      { onprogress: (p) => progress.push(p.progress), timeout: 15_000 },
    );
    const reply = waited.structuredContent as unknown as Events;
    expect(reply.timed_out).toBe(false);
    expect(reply.events).toHaveLength(1);
    expect(reply.events[0]).toMatchObject({
      thread_seq: 2,
      sender_id: `user:${ADA.id}`,
      event_type: 'message_committed',
    });
    expect(reply.events[0]?.content).toContain('Hello Ada, can we meet on Friday?');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    // In the text a model reads, the user's words are fenced as untrusted.
    expect(resultText(waited as CallToolResult)).toMatch(/<untrusted-[0-9a-f]+>Ada here/);

    // The history resource: listed, completed, read as markdown and JSON.
    const listed = await conn.client.listResources();
    expect(listed.resources.map((r) => r.uri)).toContain(`ama2://threads/${thread.thread_id}`);
    const completion = await conn.client.complete({
      ref: { type: 'ref/resource', uri: 'ama2://threads/{thread_id}' },
      argument: { name: 'thread_id', value: thread.thread_id.slice(0, 4) },
    });
    expect(completion.completion.values).toContain(thread.thread_id);
    const read = await conn.client.readResource({ uri: thread.resource_uri });
    const markdown = read.contents.find((c) => c.mimeType === 'text/markdown') as { text: string };
    expect(markdown.text).toMatch(/\*\*agent:[^*]+\*\*: <untrusted-[0-9a-f]+>Hello Ada/);
    expect(markdown.text).toMatch(/\*\*user:[^*]+\*\*: <untrusted-[0-9a-f]+>Ada here/);
    const json = JSON.parse(
      (read.contents.find((c) => c.mimeType === 'application/json') as { text: string }).text,
    ) as Events;
    expect(json.events.map((e) => e.thread_seq)).toEqual([1, 2]);

    // Subscribe, send again, and get notified when the sandbox user's reply lands.
    const updates: string[] = [];
    conn.client.setNotificationHandler(
      ResourceUpdatedNotificationSchema,
      (n) => void updates.push(n.params.uri),
    );
    await conn.client.subscribeResource({ uri: thread.resource_uri });
    await sleep(100);
    await conn.call('ama2_send_message', { thread_id: thread.thread_id, content: 'Friday at 10 then.' });
    const deadline = Date.now() + 5000;
    while (updates.length < 2 && Date.now() < deadline) await sleep(50);
    expect(updates.filter((u) => u === thread.resource_uri).length).toBeGreaterThanOrEqual(2);
    await conn.client.unsubscribeResource({ uri: thread.resource_uri });

    // Retrying a send with the same client_message_id does not post it twice.
    const retry = await conn.call('ama2_send_message', {
      thread_id: thread.thread_id,
      content: 'Hello Ada, can we meet on Friday?',
      client_message_id: clientMessageId,
    });
    expect((retry.structuredContent as { message_id: string }).message_id).toBe(messageId);
    await sleep(1500);
    const agentMessages = sandbox.worlds.ama2.threads
      .get(thread.thread_id)!
      .events.filter((e) => e.sender_id.startsWith('agent:'));
    expect(agentMessages.map((e) => e.content)).toEqual([
      'Hello Ada, can we meet on Friday?',
      'Friday at 10 then.',
    ]);
  }, 30_000);

  it('pages through a long history with cursors, each event exactly once', async () => {
    const created = await conn.call('ama2_create_thread', { target_user_ids: [GRACE.id, ADA.id] });
    const threadId = (created.structuredContent as { thread_id: string }).thread_id;
    await conn.call('ama2_set_participation_mode', {
      thread_id: threadId,
      participation_mode: 'invocation_only',
    });
    for (let i = 1; i <= 25; i++)
      await conn.call('ama2_send_message', { thread_id: threadId, content: `note ${i}` });
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await conn.call('ama2_poll_events', {
        thread_id: threadId,
        limit: 10,
        ...(cursor ? { cursor } : {}),
      });
      const out = result.structuredContent as unknown as Events;
      seen.push(...out.events.map((e) => e.thread_seq));
      cursor = out.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    // invocation_only: nobody was mentioned, so nobody replied.
    await sleep(1500);
    expect(sandbox.worlds.ama2.threads.get(threadId)!.events).toHaveLength(25);
    // Mentioning Grace makes only Grace answer.
    await conn.call('ama2_send_message', {
      thread_id: threadId,
      content: 'Grace, your view?',
      mentions: [`user:${GRACE.id}`],
    });
    const waited = await conn.call('ama2_wait_for_events', {
      thread_id: threadId,
      after_seq: 26,
      timeout_seconds: 10,
    });
    expect((waited.structuredContent as unknown as Events).events.map((e) => e.sender_id)).toEqual([
      `user:${GRACE.id}`,
    ]);
  }, 30_000);

  it('a wait with nothing coming times out with timed_out and the seq to continue from', async () => {
    const created = await conn.call('ama2_create_thread', { target_user_ids: [SANDBOX_USERS[2]!.id] });
    const threadId = (created.structuredContent as { thread_id: string }).thread_id;
    const result = await conn.call('ama2_wait_for_events', {
      thread_id: threadId,
      after_seq: 0,
      timeout_seconds: 1,
    });
    expect(result.structuredContent).toMatchObject({ events: [], timed_out: true, latest_seq: 0 });
  });

  it('webhooks: register an https URL, remove it; an http URL is refused before any request', async () => {
    const created = await conn.call('ama2_create_thread', { target_user_ids: [ADA.id] });
    const threadId = (created.structuredContent as { thread_id: string }).thread_id;
    const registered = await conn.call('ama2_register_webhook', {
      thread_id: threadId,
      callback_url: 'https://hooks.example.com/ama2',
    });
    const hook = registered.structuredContent as { subscription_id: string; active: boolean };
    expect(hook.active).toBe(true);
    const before = sandbox.emulators.ama2.requests.length;
    const insecure = await conn.call('ama2_register_webhook', {
      thread_id: threadId,
      callback_url: 'http://hooks.example.com/ama2',
    });
    expect(insecure.isError).toBe(true);
    expect(resultText(insecure)).toContain('callback_url must be an https:// URL');
    expect(sandbox.emulators.ama2.requests.length).toBe(before);
    const removed = await conn.call('ama2_remove_webhook', {
      thread_id: threadId,
      subscription_id: hook.subscription_id,
    });
    expect(removed.structuredContent).toMatchObject({ removed: true });
    const again = await conn.call('ama2_remove_webhook', {
      thread_id: threadId,
      subscription_id: hook.subscription_id,
    });
    expect(resultText(again)).toMatch(/404 not_found.*ama2_register_webhook returns subscription ids/);
  });

  it("ama2_list_threads is offered with a user token and lists the user's threads", async () => {
    const { tools } = await conn.client.listTools();
    expect(tools.map((t) => t.name)).toContain('ama2_list_threads');
    const listed = await conn.call('ama2_list_threads', { limit: 1 });
    const out = listed.structuredContent as {
      threads: Array<{ thread_id: string }>;
      total: number;
      next_cursor?: string;
    };
    expect(out.threads).toHaveLength(1);
    // Ada (the user token's user) is in two of the threads created above and in every seeded one.
    expect(out.total).toBe(2 + SEEDED_THREADS.length);
    expect(out.next_cursor).toBeDefined();
    // It used the user token, not the agent token.
    const request = sandbox.emulators.ama2.requests
      .filter((r) => r.path === '/api/v1/chat/threads' && r.method === 'GET')
      .at(-1);
    expect(request?.headers.authorization).toBe(`Bearer ${sandbox.ama2.userToken}`);

    const agentOnly = await connectTestClient({
      credentials: { ama2: { baseUrl: sandbox.ama2.baseUrl, token: sandbox.ama2.token } },
    });
    try {
      expect((await agentOnly.client.listTools()).tools.map((t) => t.name)).not.toContain(
        'ama2_list_threads',
      );
    } finally {
      await agentOnly.close();
    }
  });

  it('a token without manage_thread gets a permission error with a hint', async () => {
    const limited = await connectTestClient({
      credentials: { ama2: { baseUrl: sandbox.ama2.baseUrl, token: AMA2_SANDBOX_LIMITED_TOKEN } },
    });
    try {
      const created = await limited.call('ama2_create_thread', { target_user_ids: [ADA.id] });
      const threadId = (created.structuredContent as { thread_id: string }).thread_id;
      const result = await limited.call('ama2_set_participation_mode', {
        thread_id: threadId,
        participation_mode: 'open',
      });
      expect(resultText(result)).toMatch(
        /403 permission \[FORBIDDEN\]: Missing capability: manage_thread.*not allowed/,
      );
    } finally {
      await limited.close();
    }
  });
});
