import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AMA2_SANDBOX_LIMITED_TOKEN } from '../../src/platforms/ama2/emulator/credentials.js';
import { SANDBOX_USERS } from '../../src/platforms/ama2/emulator/state.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { type CliProcess, INITIALIZE_PARAMS, startHttpCli } from '../helpers/cli.js';
import { healthz } from '../helpers/net.js';
import { redisAvailable, startTestRedis, type TestRedis } from '../helpers/redis.js';

// Issue #15 "Scale-out on Redis": two replicas of the built CLI share one Redis (MCP_REDIS_URL)
// and one platform (a sandbox in this process), and serve the same sessions with no sticky routing.

type Message = {
  id?: number;
  method?: string;
  result?: Record<string, unknown>;
  params?: Record<string, unknown>;
};
type Replica = CliProcess & { url: string };

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const rpc = (id: number, method: string, params: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method,
  params,
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(url, { method: 'POST', headers: { ...HEADERS, ...headers }, body: JSON.stringify(body), signal });

function messagesOf(text: string): Message[] {
  if (text.startsWith('{') || text.startsWith('[')) return [JSON.parse(text)].flat() as Message[];
  return [...text.matchAll(/^data: (.+)$/gm)].map((m) => JSON.parse(m[1]!) as Message);
}

async function openSession(
  url: string,
  protocolVersion = '2025-06-18',
  headers: Record<string, string> = {},
): Promise<Record<string, string>> {
  const init = await post(url, rpc(1, 'initialize', { ...INITIALIZE_PARAMS, protocolVersion }), headers);
  expect(init.status, await init.clone().text()).toBe(200);
  await init.text();
  const session = {
    'mcp-session-id': init.headers.get('mcp-session-id')!,
    'mcp-protocol-version': protocolVersion,
  };
  await (
    await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { ...headers, ...session })
  ).text();
  return session;
}

async function call(url: string, session: Record<string, string>, id: number, name: string, args = {}) {
  const res = await post(url, rpc(id, 'tools/call', { name, arguments: args }), session);
  const text = await res.text();
  return { status: res.status, text, message: messagesOf(text).find((m) => m.id === id) };
}

const structured = <T>(called: { message: Message | undefined }) =>
  (called.message?.result?.structuredContent ?? {}) as T;

/** Reads an SSE response until `done(text)` or `ms` pass; then cancels it. */
async function readUntil(res: Response, done: (text: string) => boolean, ms: number): Promise<string> {
  const reader = res.body!.getReader();
  let text = '';
  const deadline = Date.now() + ms;
  while (!done(text) && Date.now() < deadline) {
    const chunk = await Promise.race([
      reader.read(),
      new Promise<{ value: undefined }>((r) => setTimeout(() => r({ value: undefined }), 200)),
    ]);
    if (chunk.value) text += new TextDecoder().decode(chunk.value);
  }
  await reader.cancel().catch(() => {});
  return text;
}

/** Every key and value of a Redis database, as text. */
async function redisDump(url: string): Promise<string> {
  const client = new Redis(url);
  try {
    const parts: string[] = [];
    for (const key of await client.keys('*')) {
      const type = await client.type(key);
      parts.push(key);
      if (type === 'string') parts.push((await client.get(key)) ?? '');
      if (type === 'list') parts.push(...(await client.lrange(key, 0, -1)));
      if (type === 'set') parts.push(...(await client.smembers(key)));
      if (type === 'zset') parts.push(...(await client.zrange(key, '0', '-1')));
    }
    return parts.join('\n');
  } finally {
    client.disconnect();
  }
}

const runs = redisAvailable();
let redis: TestRedis;
let sandbox: Sandbox;
const replicas: Replica[] = [];

beforeAll(async () => {
  if (!runs) return;
  [redis, sandbox] = await Promise.all([startTestRedis(), startSandbox()]);
});
afterEach(() => {
  for (const replica of replicas.splice(0)) replica.kill();
});
afterAll(async () => {
  await Promise.all([redis?.stop(), sandbox?.close()]);
});

async function twoReplicas(db: number, env: Record<string, string> = {}): Promise<[Replica, Replica]> {
  const shared = {
    MCP_REDIS_URL: redis.url(db),
    AMA2_TOKEN: sandbox.ama2.token,
    AMA2_BASE_URL: sandbox.ama2.baseUrl,
    ...env,
  };
  const started = await Promise.all([startHttpCli([], shared), startHttpCli([], shared)]);
  replicas.push(...started);
  return started;
}

describe.skipIf(!runs)('two replicas on one Redis (MCP_REDIS_URL)', () => {
  it('a session opened on A is served by B; when A is killed mid-session, B carries on', async () => {
    const [a, b] = await twoReplicas(1);
    const session = await openSession(a.url);
    const created = await call(b.url, session, 2, 'ama2_create_thread', {
      target_user_ids: [SANDBOX_USERS[0]!.id],
    });
    expect(created.status).toBe(200);
    const threadId = structured<{ thread_id: string }>(created).thread_id;
    expect(threadId).toBeTruthy();
    expect((await healthz(b.url)).body.sessions).toBe(1);
    // B rebuilt the session from its record: the negotiated capabilities hold (logging/setLevel).
    const level = await post(b.url, rpc(3, 'logging/setLevel', { level: 'error' }), session);
    expect(messagesOf(await level.text())[0]?.result).toEqual({});

    a.kill();
    await a.exit;
    const sent = await call(b.url, session, 4, 'ama2_send_message', {
      thread_id: threadId,
      content: 'still here',
    });
    expect(sent.status).toBe(200);
    expect(sent.message?.result?.isError).toBeUndefined();
    // A third replica that never saw the session serves it too, and DELETE on it ends it everywhere.
    const [c] = await twoReplicas(1);
    const list = await call(c.url, session, 5, 'platforms_status');
    expect(list.status).toBe(200);
    const ended = await fetch(c.url, { method: 'DELETE', headers: session });
    expect(ended.status).toBe(200);
    expect((await call(b.url, session, 6, 'platforms_status')).status).toBe(404);
  }, 40_000);

  it('a session bound to its own credential headers: served by B only with the same headers, and no secret is stored in Redis', async () => {
    const [a, b] = await twoReplicas(2);
    const own = { 'x-ama2-token': AMA2_SANDBOX_LIMITED_TOKEN };
    const session = { ...(await openSession(a.url, '2025-06-18', own)), ...own };
    expect((await call(b.url, session, 2, 'platforms_status')).status).toBe(200);
    const other = { ...session, 'x-ama2-token': sandbox.ama2.token };
    expect((await call(b.url, other, 3, 'platforms_status')).status).toBe(404);
    const { 'x-ama2-token': _, ...without } = session;
    expect((await call(b.url, without, 4, 'platforms_status')).status).toBe(404);
    expect(await redisDump(redis.url(2))).not.toContain(AMA2_SANDBOX_LIMITED_TOKEN);
  }, 30_000);

  it('the message rate and the session caps are counted across replicas', async () => {
    const [a, b] = await twoReplicas(5, { MCP_SESSION_RATE_PER_MINUTE: '6', MCP_MAX_SESSIONS: '2' });
    const first = await openSession(a.url); // 2 messages
    await openSession(b.url); // 4
    const third = await post(a.url, rpc(1, 'initialize', INITIALIZE_PARAMS)); // 5
    expect(third.status).toBe(503);
    expect(await third.text()).toContain('MCP_MAX_SESSIONS=2');
    expect((await call(b.url, first, 2, 'platforms_status')).status).toBe(200); // 6
    const over = await call(a.url, first, 3, 'platforms_status');
    expect(over.status).toBe(429);
    expect(over.text).toContain('MCP_SESSION_RATE_PER_MINUTE=6');
  }, 30_000);

  it('a POST stream dropped on A resumes on B with Last-Event-ID: the rest of it comes from Redis', async () => {
    const [a, b] = await twoReplicas(3, { LOG_LEVEL: 'debug' });
    const session = await openSession(a.url, '2025-11-25');
    const created = await call(a.url, session, 2, 'ama2_create_thread', {
      target_user_ids: [SANDBOX_USERS[0]!.id],
    });
    const threadId = structured<{ thread_id: string }>(created).thread_id;
    // A wait on a quiet thread sends a progress notification every second, then its result.
    const args = { thread_id: threadId, after_seq: 1000, timeout_seconds: 2 };
    const drop = new AbortController();
    const res = await post(
      a.url,
      rpc(3, 'tools/call', { name: 'ama2_wait_for_events', arguments: args, _meta: { progressToken: 'p' } }),
      session,
      drop.signal,
    );
    const first = await readUntil(res, (text) => /^id: .+$/m.test(text), 3000);
    const lastEventId = /^id: (.+)$/m.exec(first)?.[1];
    expect(lastEventId).toBeTruthy();
    drop.abort();
    // The call runs on to its answer on A, which keeps every event in Redis.
    const deadline = Date.now() + 8000;
    while (!/ama2_wait_for_events[^\n]*tool call done/.test(a.stderr()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const resumed = await fetch(b.url, {
      headers: { ...session, accept: 'text/event-stream', 'last-event-id': lastEventId! },
    });
    expect(resumed.status).toBe(200);
    const rest = await readUntil(resumed, (text) => text.includes('"id":3'), 5000);
    expect(rest).toContain('notifications/progress');
    expect(messagesOf(rest).find((m) => m.id === 3)?.result?.structuredContent).toBeDefined();
    expect(rest).not.toContain(`id: ${lastEventId}\n`);
  }, 30_000);

  it('subscribed through B, a session hears on its GET stream on A of a message sent through B; two sessions on two replicas share one platform watch', async () => {
    const [a, b] = await twoReplicas(4, { LOG_LEVEL: 'debug' });
    const first = await openSession(a.url);
    const second = await openSession(b.url);
    const created = await call(a.url, first, 2, 'ama2_create_thread', {
      target_user_ids: [SANDBOX_USERS[0]!.id],
    });
    const uri = `ama2://threads/${structured<{ thread_id: string }>(created).thread_id}`;
    const listen = new AbortController();
    const stream = await fetch(a.url, {
      headers: { ...first, accept: 'text/event-stream' },
      signal: listen.signal,
    });
    expect(stream.status).toBe(200);
    for (const [url, session, id] of [
      [b.url, first, 3],
      [a.url, second, 4],
    ] as const) {
      const subscribed = await post(url, rpc(id, 'resources/subscribe', { uri }), session);
      expect(messagesOf(await subscribed.text())[0]?.result).toEqual({});
    }
    await new Promise((r) => setTimeout(r, 500));
    // One watch on the platform for both subscribers, across both replicas.
    const watching = (replica: Replica) => replica.stderr().split('watching a resource').length - 1;
    expect(watching(a) + watching(b)).toBe(1);
    const threadId = uri.slice('ama2://threads/'.length);
    const sent = await call(b.url, second, 5, 'ama2_send_message', { thread_id: threadId, content: 'hi' });
    expect(sent.status).toBe(200);
    const heard = await readUntil(stream, (text) => text.includes('notifications/resources/updated'), 8000);
    expect(messagesOf(heard).find((m) => m.method === 'notifications/resources/updated')?.params).toEqual({
      uri,
    });
    listen.abort();
  }, 30_000);

  it('a subscription taken by A survives A: the GET stream reopened on B takes it up and hears the next update', async () => {
    const [a, b] = await twoReplicas(7, { LOG_LEVEL: 'debug' });
    const session = await openSession(a.url);
    const created = await call(a.url, session, 2, 'ama2_create_thread', {
      target_user_ids: [SANDBOX_USERS[0]!.id],
    });
    const threadId = structured<{ thread_id: string }>(created).thread_id;
    const uri = `ama2://threads/${threadId}`;
    const subscribed = await post(a.url, rpc(3, 'resources/subscribe', { uri }), session);
    expect(messagesOf(await subscribed.text())[0]?.result).toEqual({});
    a.kill();
    await a.exit;
    const listen = new AbortController();
    const stream = await fetch(b.url, {
      headers: { ...session, accept: 'text/event-stream' },
      signal: listen.signal,
    });
    expect(stream.status).toBe(200);
    // B waits for A's lease on the watch to lapse (LEASE_MS), then watches.
    const deadline = Date.now() + 20_000;
    while (!b.stderr().includes('watching a resource') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 500));
    await call(b.url, session, 4, 'ama2_send_message', { thread_id: threadId, content: 'after A' });
    const heard = await readUntil(stream, (text) => text.includes('notifications/resources/updated'), 8000);
    expect(messagesOf(heard).find((m) => m.method === 'notifications/resources/updated')?.params).toEqual({
      uri,
    });
    listen.abort();
  }, 45_000);
});
