import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { type CryptoKey, generateKeyPair, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AMA2_SANDBOX_LIMITED_TOKEN } from '../../src/platforms/ama2/emulator/credentials.js';
import { SANDBOX_USERS } from '../../src/platforms/ama2/emulator/state.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { type CliProcess, INITIALIZE_PARAMS, startHttpCli } from '../helpers/cli.js';
import { startJwks } from '../helpers/jwks.js';
import { fetchFrom } from '../helpers/net.js';

// The remote deployment (#7): per-session credentials and isolation, OAuth, limits, stateless.

let sandbox: Sandbox;
let proc: (CliProcess & { url: string }) | undefined;
beforeAll(async () => {
  sandbox = await startSandbox({ ama2ReplyDelayMs: 50 });
});
afterAll(async () => {
  await sandbox?.close();
});
afterEach(() => proc?.kill());

const initBody = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: INITIALIZE_PARAMS });
const post = (url: string, headers: Record<string, string> = {}, body = initBody, via = fetch) =>
  via(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body,
  });

async function connect(
  url: string,
  headers: Record<string, string> = {},
  via: typeof fetch = fetch,
): Promise<Client> {
  const client = new Client({ name: 'remote-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers }, fetch: via }),
  );
  return client;
}

const ama2Env = () => ({
  AMA2_TOKEN: sandbox.ama2.token,
  AMA2_BASE_URL: sandbox.ama2.baseUrl,
  ATTHENE_API_KEY: sandbox.atthene.apiKey,
  ATTHENE_BASE_URL: sandbox.atthene.baseUrl,
});

describe('per-session credentials', () => {
  it("each session uses its own key, never the other's; tools follow the platforms a session can use; updates reach only their subscriber", async () => {
    proc = await startHttpCli([], ama2Env());
    const own = await connect(proc.url, { 'X-AMA2-Token': AMA2_SANDBOX_LIMITED_TOKEN });
    const shared = await connect(proc.url);
    try {
      // The session with its own AMA2 token sees only AMA2 tools; the other falls back to the server's.
      const ownTools = (await own.listTools()).tools.map((t) => t.name);
      expect(ownTools.some((n) => n.startsWith('atthene_'))).toBe(false);
      expect(ownTools).toContain('ama2_create_thread');
      expect((await shared.listTools()).tools.map((t) => t.name)).toContain('atthene_execute_turn');

      const args = { target_user_ids: [SANDBOX_USERS[0]!.id] };
      sandbox.emulators.ama2.clearRequests();
      const created = await own.callTool({ name: 'ama2_create_thread', arguments: args });
      const threadId = (created.structuredContent as { thread_id: string }).thread_id;
      const ownAuth = sandbox.emulators.ama2.requests.map((r) => r.headers.authorization);
      sandbox.emulators.ama2.clearRequests();
      await shared.callTool({ name: 'ama2_create_thread', arguments: args });
      const sharedAuth = sandbox.emulators.ama2.requests.map((r) => r.headers.authorization);
      expect(new Set(ownAuth)).toEqual(new Set([`Bearer ${AMA2_SANDBOX_LIMITED_TOKEN}`]));
      expect(new Set(sharedAuth)).toEqual(new Set([`Bearer ${sandbox.ama2.token}`]));

      const updates = { own: [] as string[], shared: [] as string[] };
      own.setNotificationHandler(
        ResourceUpdatedNotificationSchema,
        (n) => void updates.own.push(n.params.uri),
      );
      shared.setNotificationHandler(
        ResourceUpdatedNotificationSchema,
        (n) => void updates.shared.push(n.params.uri),
      );
      await own.subscribeResource({ uri: `ama2://threads/${threadId}` });
      await new Promise((r) => setTimeout(r, 200));
      await shared.callTool({
        name: 'ama2_send_message',
        arguments: { thread_id: threadId, content: 'hello from the other session' },
      });
      const deadline = Date.now() + 5000;
      while (updates.own.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      expect(updates.own.length).toBeGreaterThan(0);
      expect(updates.shared).toEqual([]);
      expect(proc.stderr()).not.toContain(AMA2_SANDBOX_LIMITED_TOKEN);
    } finally {
      await Promise.all([own.close(), shared.close()]);
    }
  }, 20_000);

  it('invalid credential headers are refused with a message naming the header', async () => {
    proc = await startHttpCli([], ama2Env());
    const res = await post(proc.url, { 'X-AMA2-Token': 'not-an-agent-token' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(
      'header x-ama2-token must be an external-agent token starting with ama_eat_',
    );
  });
});

describe('limits', () => {
  it('concurrent sessions (503), rate per client address (429 with Retry-After), idle expiry; other clients keep being served', async () => {
    proc = await startHttpCli(['--sandbox'], {
      MCP_MAX_SESSIONS: '2',
      MCP_SESSION_RATE_PER_MINUTE: '6',
      MCP_SESSION_IDLE_SECONDS: '1',
    });
    const a = await connect(proc.url);
    const b = await connect(proc.url, {}, fetchFrom('127.0.0.2'));
    const third = await post(proc.url, {}, initBody, fetchFrom('127.0.0.3'));
    expect(third.status).toBe(503);
    expect(await third.text()).toContain('Too many open sessions (MCP_MAX_SESSIONS=2)');

    // 127.0.0.1 has used some of its 6 messages (initialize, initialized, its GET stream): a few
    // more pass, then 429; the client at 127.0.0.2 is still served.
    let refused: unknown;
    for (let i = 0; i < 6 && !refused; i++)
      refused = await a.listTools().then(
        () => undefined,
        (e) => e,
      );
    expect(String(refused)).toMatch(/Too many requests \(MCP_SESSION_RATE_PER_MINUTE=6/);
    expect((await b.listTools()).tools.length).toBeGreaterThan(0);

    // Idle sessions close after MCP_SESSION_IDLE_SECONDS; their slot is free again. A client that
    // still listens on its GET stream is not idle, so both stop listening first.
    await Promise.all([a.close(), b.close()]);
    await new Promise((r) => setTimeout(r, 2500));
    const health = (await (await fetch(proc.url.replace('/mcp', '/healthz'))).json()) as { sessions: number };
    expect(health.sessions).toBe(0);
    expect((await post(proc.url, {}, initBody, fetchFrom('127.0.0.3'))).status).toBe(200);
  }, 20_000);
});

describe('stateless mode', () => {
  it('answers initialize and tools/call without a session id and keeps nothing afterwards', async () => {
    proc = await startHttpCli(['--sandbox', '--stateless']);
    const init = await post(proc.url);
    expect(init.status).toBe(200);
    expect(init.headers.get('mcp-session-id')).toBeNull();
    const call = await post(
      proc.url,
      {},
      JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'platforms_status', arguments: {} },
      }),
    );
    const text = await call.text();
    expect(text).toContain('"authenticated\\":true');
    const subscribe = await post(
      proc.url,
      {},
      JSON.stringify({
        jsonrpc: '2.0',
        id: 3,
        method: 'resources/subscribe',
        params: { uri: 'ama2://threads/x' },
      }),
    );
    expect(await subscribe.text()).toContain('Subscriptions are unavailable: this server runs stateless');
    const health = (await (await fetch(proc.url.replace('/mcp', '/healthz'))).json()) as {
      sessions: number;
      live_servers: number;
    };
    expect(health).toMatchObject({ sessions: 0, live_servers: 0 });
    expect((await fetch(proc.url, { headers: { accept: 'text/event-stream' } })).status).toBe(405);
  });
});

describe('readiness', () => {
  it('/readyz reports the configured platforms reachable', async () => {
    proc = await startHttpCli(['--sandbox']);
    const res = await fetch(proc.url.replace('/mcp', '/readyz'));
    expect(res.status).toBe(200);
    expect((await res.json()) as { ready: boolean; detail: unknown[] }).toMatchObject({
      ready: true,
      detail: expect.arrayContaining([expect.objectContaining({ platform: 'amigo', authenticated: true })]),
    });
  });
});

describe('OAuth resource-server mode', () => {
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  let jwksUrl: string;
  let key: CryptoKey;
  let otherKey: CryptoKey;
  const ISSUER = 'https://auth.example.test';
  const AUDIENCE = 'agent-platforms-mcp';
  beforeAll(async () => {
    jwks = await startJwks('test-key');
    ({ url: jwksUrl, key } = jwks);
    otherKey = (await generateKeyPair('RS256')).privateKey as CryptoKey;
  });
  afterAll(() => jwks.close());

  const token = (
    claims: Record<string, unknown> = {},
    opts: { issuer?: string; audience?: string; expires?: string | number; signWith?: CryptoKey } = {},
  ) =>
    new SignJWT({ scope: 'mcp:tools', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(opts.issuer ?? ISSUER)
      .setAudience(opts.audience ?? AUDIENCE)
      .setSubject('user-1')
      .setIssuedAt()
      .setExpirationTime(opts.expires ?? '5m')
      .sign(opts.signWith ?? key);

  it('accepts a valid token and refuses wrong audience, issuer, expired, bad signature and missing scope', async () => {
    proc = await startHttpCli(['--sandbox'], {
      MCP_AUTH_ISSUER: ISSUER,
      MCP_AUTH_AUDIENCE: AUDIENCE,
      MCP_AUTH_JWKS_URL: jwksUrl,
      MCP_AUTH_SCOPES: 'mcp:tools',
    });
    const base = proc.url.replace('/mcp', '');
    expect((await post(proc.url, { authorization: `Bearer ${await token()}` })).status).toBe(200);

    const missing = await post(proc.url);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource"`,
    );

    const cases: Array<[string, string, number, string]> = [
      ['wrong audience', await token({}, { audience: 'someone-else' }), 401, 'invalid_token'],
      ['wrong issuer', await token({}, { issuer: 'https://evil.example.test' }), 401, 'invalid_token'],
      ['expired', await token({}, { expires: Math.floor(Date.now() / 1000) - 60 }), 401, 'invalid_token'],
      ['bad signature', await token({}, { signWith: otherKey }), 401, 'invalid_token'],
      ['missing scope', await token({ scope: 'profile' }), 403, 'insufficient_scope'],
    ];
    for (const [label, bad, status, error] of cases) {
      const res = await post(proc.url, { authorization: `Bearer ${bad}` });
      expect(res.status, label).toBe(status);
      const header = res.headers.get('www-authenticate') ?? '';
      expect(header, label).toContain(`resource_metadata="${base}/.well-known/oauth-protected-resource"`);
      expect(header, label).toContain(`error="${error}"`);
    }
    const metadata = await fetch(`${base}/.well-known/oauth-protected-resource`);
    expect(await metadata.json()).toEqual({
      resource: `${base}/mcp`,
      authorization_servers: [ISSUER],
      scopes_supported: ['mcp:tools'],
      bearer_methods_supported: ['header'],
      resource_name: 'agent-platforms-mcp',
    });
  }, 20_000);
});

describe('resumable streams', () => {
  it('a GET with Last-Event-ID replays what the stream sent after that event', async () => {
    proc = await startHttpCli(['--sandbox']);
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const init = await fetch(proc.url, { method: 'POST', headers, body: initBody });
    const session = init.headers.get('mcp-session-id')!;
    await init.text();
    const withSession = { ...headers, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
    await (
      await fetch(proc.url, {
        method: 'POST',
        headers: withSession,
        body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
      })
    ).text();
    const created = await (
      await fetch(proc.url, {
        method: 'POST',
        headers: withSession,
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 6,
          method: 'tools/call',
          params: { name: 'ama2_create_thread', arguments: { target_user_ids: [SANDBOX_USERS[0]!.id] } },
        }),
      })
    ).text();
    const threadId = /\\"thread_id\\":\\"([^\\"]+)/.exec(created)?.[1];
    expect(threadId).toBeDefined();
    // A wait on a quiet thread sends progress notifications (every second), then its result.
    const call = await fetch(proc.url, {
      method: 'POST',
      headers: withSession,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: {
          name: 'ama2_wait_for_events',
          arguments: { thread_id: threadId, after_seq: 0, timeout_seconds: 3 },
          _meta: { progressToken: 'p1' },
        },
      }),
    });
    const sse = await call.text();
    const ids = [...sse.matchAll(/^id: (.+)$/gm)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(sse).toContain('notifications/progress');
    // Resume after the first event: the rest of that stream comes again.
    const replay = await fetch(proc.url, {
      headers: { ...withSession, accept: 'text/event-stream', 'last-event-id': ids[0]! },
    });
    const reader = replay.body!.getReader();
    let text = '';
    const deadline = Date.now() + 3000;
    while (!text.includes('"id":7') && Date.now() < deadline) {
      const chunk = await Promise.race([
        reader.read(),
        new Promise<{ done: true; value: undefined }>((r) =>
          setTimeout(() => r({ done: true, value: undefined }), 500),
        ),
      ]);
      if (chunk.value) text += new TextDecoder().decode(chunk.value);
    }
    await reader.cancel();
    expect(replay.status).toBe(200);
    expect(text).toContain('"id":7');
    expect(text).not.toContain(`id: ${ids[0]}\n`);
  }, 15_000);
});
