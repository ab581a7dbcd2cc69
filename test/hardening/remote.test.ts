import { request as httpRequest } from 'node:http';
import { connect as connectTcp, type Socket } from 'node:net';
import { type CryptoKey, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_USERS } from '../../src/platforms/ama2/emulator/state.js';
import { ATTHENE_SANDBOX_API_KEY } from '../../src/platforms/atthene/emulator/credentials.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { type CliProcess, INITIALIZE_PARAMS, spawnCli, startHttpCli } from '../helpers/cli.js';
import { startJwks } from '../helpers/jwks.js';
import { fetchFrom, healthz } from '../helpers/net.js';

// The remote endpoint attacked the way issue #12 (E1-E8, D2) attacked it, against the built CLI
// over loopback HTTP. Each attack asserts the refusal and that the process still serves /healthz.

let proc: (CliProcess & { url: string }) | undefined;
afterEach(() => proc?.kill());

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
type Message = { id?: number; result?: Record<string, unknown>; error?: { message: string } };

const rpc = (id: number, method: string, params: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method,
  params,
});
const toolCall = (id: number, name: string, args: Record<string, unknown>, meta = {}) =>
  rpc(id, 'tools/call', { name, arguments: args, _meta: meta });

function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  via: typeof fetch = fetch,
): Promise<Response> {
  return via(url, { method: 'POST', headers: { ...HEADERS, ...headers }, body: JSON.stringify(body) });
}

/** The JSON-RPC messages of an SSE or JSON response body. */
function messagesOf(text: string): Message[] {
  if (text.startsWith('{') || text.startsWith('[')) return [JSON.parse(text)].flat() as Message[];
  return [...text.matchAll(/^data: (.+)$/gm)].map((m) => JSON.parse(m[1]!) as Message);
}

/** Opens a session (initialize, then initialized) and returns the headers that address it. */
async function openSession(
  url: string,
  headers: Record<string, string> = {},
  via: typeof fetch = fetch,
  protocolVersion = INITIALIZE_PARAMS.protocolVersion,
): Promise<Record<string, string>> {
  const init = await post(url, rpc(1, 'initialize', { ...INITIALIZE_PARAMS, protocolVersion }), headers, via);
  expect(init.status, await init.clone().text()).toBe(200);
  await init.text();
  const session = {
    ...headers,
    'mcp-session-id': init.headers.get('mcp-session-id')!,
    'mcp-protocol-version': protocolVersion,
  };
  await (await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, session, via)).text();
  return session;
}

async function call(
  url: string,
  session: Record<string, string>,
  id: number,
  name: string,
  args: Record<string, unknown>,
): Promise<{ status: number; text: string; message: Message | undefined }> {
  const res = await post(url, toolCall(id, name, args), session);
  const text = await res.text();
  return { status: res.status, text, message: messagesOf(text).find((m) => m.id === id) };
}

const structuredOf = <T>(called: { message: Message | undefined }): T =>
  (called.message?.result?.structuredContent ?? {}) as T;

async function expectHealthy(url: string): Promise<Record<string, unknown>> {
  const health = await healthz(url);
  expect(health.status).toBe(200);
  return health.body;
}

const until = async (check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> => {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
};

describe('OAuth sessions: hijack (E1) and the Host check on every route (E8)', () => {
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  let jwksUrl: string;
  let key: CryptoKey;
  const ISSUER = 'https://auth.example.test';
  beforeAll(async () => {
    jwks = await startJwks('k1');
    ({ url: jwksUrl, key } = jwks);
  });
  afterAll(() => jwks.close());

  const bearer = async (subject: string) => ({
    authorization: `Bearer ${await new SignJWT({ scope: 'mcp' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience('mcp')
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key)}`,
  });
  const oauthEnv = (extra: Record<string, string> = {}) => ({
    MCP_AUTH_ISSUER: ISSUER,
    MCP_AUTH_AUDIENCE: 'mcp',
    MCP_AUTH_JWKS_URL: jwksUrl,
    ...extra,
  });

  it("Bob's valid token with Alice's session id, or Alice's id with other credential headers: 404 on POST, GET and DELETE; Alice's session still works", async () => {
    proc = await startHttpCli(['--sandbox'], oauthEnv());
    const alice = await bearer('alice');
    const bob = await bearer('bob');
    const aliceCreds = { ...alice, 'x-atthene-api-key': ATTHENE_SANDBOX_API_KEY };
    const session = await openSession(proc.url, aliceCreds);
    const sessionId = session['mcp-session-id']!;
    const asBob = { ...session, ...bob };
    const { 'x-atthene-api-key': _, ...otherCredentials } = session;
    for (const [label, headers] of [
      ['another principal', asBob],
      ['other credential headers', otherCredentials],
    ] as const) {
      const called = await post(proc.url, toolCall(5, 'atthene_list_agents', {}), headers);
      expect(called.status, label).toBe(404);
      const stream = await fetch(proc.url, { headers: { ...headers, accept: 'text/event-stream' } });
      expect(stream.status, label).toBe(404);
      const deleted = await fetch(proc.url, { method: 'DELETE', headers });
      expect(deleted.status, label).toBe(404);
      expect(await deleted.text(), label).toContain('Session not found');
    }
    expect((await expectHealthy(proc.url)).sessions).toBe(1);
    expect(proc.stderr()).toContain('session id presented by another client');
    const own = await call(proc.url, session, 6, 'atthene_list_agents', {});
    expect(own.status).toBe(200);
    expect(own.message?.result?.isError).toBeUndefined();
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
  }, 20_000);

  it('a foreign Host is refused on /mcp, /readyz and the OAuth metadata; the metadata names MCP_PUBLIC_URL only; /readyz details need a token', async () => {
    proc = await startHttpCli(['--sandbox'], oauthEnv({ MCP_PUBLIC_URL: 'https://mcp.example.test' }));
    const base = proc.url.replace('/mcp', '');
    const evil = { host: 'evil.example' };
    // fetch() cannot set Host; node:http can.
    const get = (path: string, headers: Record<string, string>) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpRequest(`${base}${path}`, { headers, agent: false }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString('utf8');
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.end();
      });
    for (const path of ['/mcp', '/readyz', '/.well-known/oauth-protected-resource']) {
      const refused = await get(path, evil);
      expect(refused.status, path).toBe(403);
      expect(refused.text, path).toContain('Host evil.example is not allowed');
      expect(refused.text, path).not.toContain('evil.example/mcp');
    }
    // The public URL's host is allowed, and the metadata comes from configuration, not from Host.
    const metadata = await get('/.well-known/oauth-protected-resource', { host: 'mcp.example.test' });
    expect(metadata.status).toBe(200);
    expect(JSON.parse(metadata.text)).toMatchObject({ resource: 'https://mcp.example.test/mcp' });
    const onLoopback = await get('/.well-known/oauth-protected-resource', {});
    expect(JSON.parse(onLoopback.text)).toMatchObject({ resource: 'https://mcp.example.test/mcp' });

    const plain = await get('/readyz', {});
    expect(plain.status).toBe(200);
    expect(JSON.parse(plain.text)).toEqual({ ready: true });
    const detailed = await get('/readyz', await bearer('alice'));
    expect(JSON.parse(detailed.text)).toMatchObject({ ready: true, detail: expect.any(Array) });
    expect(detailed.text).toContain('http://127.0.0.1:');

    // /healthz answers any Host (liveness probes send the node's address) and names nothing.
    const health = await get('/healthz', evil);
    expect(health.status).toBe(200);
    expect(health.text).not.toMatch(/https?:|127\.0\.0\.1|example/);
  }, 20_000);

  it('a non-loopback --host with no MCP_ALLOWED_HOSTS (nor MCP_PUBLIC_URL) does not start, naming the variable', async () => {
    const refused = spawnCli(['--sandbox', '--http', '--host', '0.0.0.0', '--port', '0'], {
      MCP_HTTP_TOKEN: 'x'.repeat(32),
    });
    const { code } = await refused.exit;
    expect(code).toBe(2);
    expect(refused.stderr()).toContain('set MCP_ALLOWED_HOSTS');
  });
});

describe('secrets in successful answers (D2) and per-session redaction (E2, E3)', () => {
  it("the server's key echoed in a result or a history is redacted from text and structuredContent; another session's header value censors nothing here", async () => {
    proc = await startHttpCli(['--sandbox'], { LOG_LEVEL: 'debug' });
    // A would-be censor: a real session, and an initialize the transport refuses (406) after the
    // headers were read. Neither may change what other sessions see or what the log says.
    const poison = 'agent-platforms-mcp';
    await openSession(proc.url, { 'x-atthene-api-key': poison });
    const refused = await fetch(proc.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-amigo-api-key': poison },
      body: JSON.stringify(rpc(1, 'initialize', INITIALIZE_PARAMS)),
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const logBefore = proc.stderr().length;

    const session = await openSession(proc.url);
    const named = await call(proc.url, session, 3, 'atthene_create_agent', {
      system_config: { name: `${poison} helper`, agent_type: 'llm_agent', system_prompt: 'Hi.' },
    });
    expect(structuredOf<{ agent: { name: string } }>(named).agent.name).toBe(`${poison} helper`);
    const later = proc.stderr().slice(logBefore);
    expect(later).toContain('"name":"agent-platforms-mcp"');
    expect(later).not.toContain('agent-[redacted]');
    const echoed = await call(proc.url, session, 2, 'atthene_create_agent', {
      system_config: {
        name: `echo ${ATTHENE_SANDBOX_API_KEY}`,
        agent_type: 'llm_agent',
        system_prompt: 'Hi.',
      },
    });
    expect(echoed.message?.result?.isError).toBeUndefined();
    const result = JSON.stringify(echoed.message?.result);
    expect(result).not.toContain(ATTHENE_SANDBOX_API_KEY);
    expect(result).toContain('[redacted]');
    expect(structuredOf<{ agent: { name: string } }>(echoed).agent.name).toBe('echo [redacted]');

    // The same key written into a conversation: the history resource is scrubbed like a result.
    const thread = await call(proc.url, session, 4, 'ama2_create_thread', {
      target_user_ids: [SANDBOX_USERS[0]!.id],
    });
    const threadId = structuredOf<{ thread_id: string }>(thread).thread_id;
    await call(proc.url, session, 5, 'ama2_send_message', {
      thread_id: threadId,
      content: `my key is ${ATTHENE_SANDBOX_API_KEY}`,
    });
    const read = await post(
      proc.url,
      rpc(6, 'resources/read', { uri: `ama2://threads/${threadId}` }),
      session,
    );
    const history = await read.text();
    expect(history).toContain('my key is [redacted]');
    expect(history).not.toContain(ATTHENE_SANDBOX_API_KEY);

    expect(proc.stderr()).not.toContain(ATTHENE_SANDBOX_API_KEY);
    await expectHealthy(proc.url);
  }, 20_000);

  describe("a session's own key", () => {
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await startSandbox();
    });
    afterAll(() => sandbox.close());

    it("is redacted from that session's results and log lines; a too-short header value is refused", async () => {
      // The server has no Atthene key of its own: the session's key is known to that session only.
      proc = await startHttpCli([], {
        AMA2_TOKEN: sandbox.ama2.token,
        AMA2_BASE_URL: sandbox.ama2.baseUrl,
        ATTHENE_BASE_URL: sandbox.atthene.baseUrl,
        LOG_LEVEL: 'trace',
      });
      const session = await openSession(proc.url, { 'x-atthene-api-key': sandbox.atthene.apiKey });
      const echoed = await call(proc.url, session, 2, 'atthene_create_agent', {
        system_config: {
          name: `echo ${sandbox.atthene.apiKey}`,
          agent_type: 'llm_agent',
          system_prompt: 'Hi.',
        },
      });
      expect(echoed.message?.result?.isError, echoed.text).toBeUndefined();
      expect(echoed.text).not.toContain(sandbox.atthene.apiKey);
      expect(echoed.text).toContain('echo [redacted]');
      await call(proc.url, session, 3, 'atthene_get_agent', { agent_id: 'no-such-agent' });
      expect(proc.stderr()).toContain('http-client');
      expect(proc.stderr()).not.toContain(sandbox.atthene.apiKey);

      const short = await post(proc.url, rpc(1, 'initialize', INITIALIZE_PARAMS), {
        'x-atthene-api-key': 'platform',
      });
      expect(short.status).toBe(400);
      expect(await short.text()).toContain('header x-atthene-api-key is too short');
      await expectHealthy(proc.url);
    }, 20_000);
  });
});

describe('rate limits (E4)', () => {
  it('a JSON-RPC batch counts each message; a new session does not reset the count; stateless is limited too', async () => {
    proc = await startHttpCli(['--sandbox'], { MCP_SESSION_RATE_PER_MINUTE: '5' });
    const session = await openSession(proc.url); // 2 of 5
    const batch = Array.from({ length: 100 }, (_, i) => toolCall(10 + i, 'platforms_status', {}));
    const refused = await post(proc.url, batch, session);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await refused.text()).toContain('MCP_SESSION_RATE_PER_MINUTE=5');
    // Three single messages still fit; the next one, even as a fresh initialize, does not.
    for (let i = 0; i < 3; i++)
      expect((await post(proc.url, toolCall(20 + i, 'platforms_status', {}), session)).status).toBe(200);
    expect((await post(proc.url, rpc(1, 'initialize', INITIALIZE_PARAMS))).status).toBe(429);
    // Another client (address) has its own budget.
    expect((await openSession(proc.url, {}, fetchFrom('127.0.0.2')))['mcp-session-id']).toBeTruthy();
    await expectHealthy(proc.url);
    proc.kill();

    proc = await startHttpCli(['--sandbox', '--stateless'], { MCP_SESSION_RATE_PER_MINUTE: '3' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await post(proc.url, toolCall(i, 'platforms_status', {}))).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect((await post(proc.url, batch, {}, fetchFrom('127.0.0.2'))).status).toBe(429);
    await expectHealthy(proc.url);
  }, 30_000);

  it('calls in flight are capped per session (MCP_SESSION_MAX_IN_FLIGHT)', async () => {
    proc = await startHttpCli(['--sandbox'], { MCP_SESSION_MAX_IN_FLIGHT: '2' });
    const session = await openSession(proc.url);
    const thread = await call(proc.url, session, 2, 'ama2_create_thread', {
      target_user_ids: [SANDBOX_USERS[0]!.id],
    });
    const threadId = structuredOf<{ thread_id: string }>(thread).thread_id;
    const wait = (id: number) =>
      post(
        proc!.url,
        toolCall(id, 'ama2_wait_for_events', { thread_id: threadId, after_seq: 0, timeout_seconds: 3 }),
        session,
      );
    const slow = [await wait(3), await wait(4)];
    const third = await wait(5);
    expect(third.status).toBe(429);
    expect(await third.text()).toContain('MCP_SESSION_MAX_IN_FLIGHT=2');
    await Promise.all(slow.map((r) => r.text()));
    expect((await wait(6)).status).toBe(200);
    await expectHealthy(proc.url);
  }, 20_000);
});

describe('event store (E5)', () => {
  it('large results: the resumable-event store stays within its per-session and global byte budgets, and ages out', async () => {
    const MiB = 1024 * 1024;
    proc = await startHttpCli(['--sandbox'], {
      MCP_MAX_RESULT_CHARS: '1000000',
      MCP_EVENT_STORE_TOTAL_BYTES: String(1.5 * MiB),
      MCP_EVENT_STORE_SECONDS: '4',
    });
    const sessions = [await openSession(proc.url)];
    const created = await call(proc.url, sessions[0]!, 2, 'atthene_create_agent', {
      system_config: { name: 'Big', agent_type: 'llm_agent', system_prompt: 'x'.repeat(300_000) },
    });
    const agentId = structuredOf<{ agent: { id: string } }>(created).agent.id;
    let received = 0;
    const fetchBig = async (session: Record<string, string>, id: number) => {
      const got = await call(proc!.url, session, id, 'atthene_get_agent', { agent_id: agentId });
      expect(got.message?.result?.isError).toBeUndefined();
      received += got.text.length;
    };
    for (let i = 0; i < 5; i++) await fetchBig(sessions[0]!, 10 + i);
    const one = (await expectHealthy(proc.url)).event_store_bytes as number;
    expect(received).toBeGreaterThan(2.5 * MiB);
    expect(one).toBeGreaterThan(0);
    expect(one).toBeLessThanOrEqual(MiB);

    for (let s = 0; s < 3; s++) sessions.push(await openSession(proc.url));
    for (const session of sessions.slice(1)) for (let i = 0; i < 2; i++) await fetchBig(session, 20 + i);
    const all = (await expectHealthy(proc.url)).event_store_bytes as number;
    expect(received).toBeGreaterThan(6 * MiB);
    expect(all).toBeLessThanOrEqual(1.5 * MiB);

    // MCP_EVENT_STORE_SECONDS: idle sessions let go of their events too.
    expect(await until(async () => (await healthz(proc!.url)).body.event_store_bytes === 0, 8000)).toBe(true);
  }, 40_000);
});

describe('connections (E6)', () => {
  const limits = {
    MCP_HTTP_HEADERS_TIMEOUT_SECONDS: '1',
    MCP_HTTP_REQUEST_TIMEOUT_SECONDS: '2',
    MCP_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '20',
  };
  const openSocket = (url: string, localAddress: string) =>
    new Promise<{ socket: Socket; data: () => string; closed: () => boolean }>((resolve, reject) => {
      const { hostname, port } = new URL(url);
      const socket = connectTcp({ host: hostname, port: Number(port), localAddress });
      let data = '';
      let closed = false;
      socket.on('data', (c: Buffer) => {
        data += c.toString('utf8');
      });
      socket.on('error', () => {});
      socket.on('close', () => {
        closed = true;
      });
      socket.once('connect', () => resolve({ socket, data: () => data, closed: () => closed }));
      socket.once('error', reject);
    });

  it('slow headers from many connections of one address: past the per-address limit 503, the rest timed out; /healthz answers throughout', async () => {
    proc = await startHttpCli(['--sandbox'], limits);
    const { host } = new URL(proc.url);
    const sockets: Array<Awaited<ReturnType<typeof openSocket>>> = [];
    for (let i = 0; i < 30; i++) {
      const s = await openSocket(proc.url, '127.0.0.2');
      s.socket.write(`GET /healthz HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `);
      sockets.push(s);
    }
    await expectHealthy(proc.url);
    expect(await until(() => sockets.every((s) => s.closed()), 8000)).toBe(true);
    const refused = sockets.filter((s) => s.data().startsWith('HTTP/1.1 503'));
    expect(refused.length).toBeGreaterThanOrEqual(10);
    expect(refused[0]?.data()).toContain('Too many connections from this address');
    const timedOut = sockets.filter((s) => s.data().startsWith('HTTP/1.1 408') || s.data() === '');
    expect(timedOut.length).toBeGreaterThanOrEqual(1);
    await expectHealthy(proc.url);
  }, 20_000);

  it('a body trickled a byte at a time is cut off by the request timeout', async () => {
    proc = await startHttpCli(['--sandbox'], limits);
    const { host } = new URL(proc.url);
    const s = await openSocket(proc.url, '127.0.0.1');
    s.socket.write(
      `POST /mcp HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 200\r\n\r\n`,
    );
    const body = JSON.stringify(rpc(1, 'initialize', INITIALIZE_PARAMS));
    const started = Date.now();
    for (let i = 0; i < 40 && !s.closed(); i++) {
      s.socket.write(body[i] ?? ' ');
      await new Promise((r) => setTimeout(r, 250));
    }
    // 40 bytes at 4 a second would take 10 s; the 2 s request timeout (checked each second) ends it.
    expect(s.closed()).toBe(true);
    expect(Date.now() - started).toBeLessThan(8000);
    await expectHealthy(proc.url);
  }, 20_000);

  it('a long-lived SSE response outlives the request timeout', async () => {
    proc = await startHttpCli(['--sandbox'], limits);
    const session = await openSession(proc.url);
    const thread = await call(proc.url, session, 2, 'ama2_create_thread', {
      target_user_ids: [SANDBOX_USERS[0]!.id],
    });
    const threadId = structuredOf<{ thread_id: string }>(thread).thread_id;
    const started = Date.now();
    const waited = await call(proc.url, session, 3, 'ama2_wait_for_events', {
      thread_id: threadId,
      after_seq: 1000,
      timeout_seconds: 4,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(3500);
    expect(waited.message?.result?.structuredContent).toMatchObject({ timed_out: true });
    await expectHealthy(proc.url);
  }, 20_000);
});

describe('cancelled calls (E7)', () => {
  it("notifications/cancelled closes the call's stream; the session then idles out and SIGTERM does not wait", async () => {
    proc = await startHttpCli(['--sandbox'], { MCP_SESSION_IDLE_SECONDS: '2' });
    const session = await openSession(proc.url);
    const thread = await call(proc.url, session, 2, 'ama2_create_thread', {
      target_user_ids: [SANDBOX_USERS[0]!.id],
    });
    const threadId = structuredOf<{ thread_id: string }>(thread).thread_id;
    const waiting = await post(
      proc.url,
      toolCall(7, 'ama2_wait_for_events', { thread_id: threadId, after_seq: 1000, timeout_seconds: 60 }),
      session,
    );
    expect(waiting.status).toBe(200);
    let ended = false;
    const body = waiting.text().then((text) => {
      ended = true;
      return text;
    });
    await new Promise((r) => setTimeout(r, 300));
    const cancelled = await post(
      proc.url,
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7, reason: 'user' } },
      session,
    );
    expect(cancelled.status).toBe(202);
    expect(await until(() => ended, 3000)).toBe(true);
    expect(messagesOf(await body).some((m) => m.id === 7)).toBe(false);
    // With nothing in flight the session idles out after MCP_SESSION_IDLE_SECONDS.
    expect(await until(async () => (await healthz(proc!.url)).body.sessions === 0, 6000)).toBe(true);

    // A second cancelled call in a new session: SIGTERM finds nothing in flight and exits at once.
    const other = await openSession(proc.url);
    const pending = await post(
      proc.url,
      toolCall(9, 'ama2_wait_for_events', { thread_id: threadId, after_seq: 1000, timeout_seconds: 60 }),
      other,
    );
    void pending.text().catch(() => {});
    await new Promise((r) => setTimeout(r, 300));
    await post(
      proc.url,
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 9 } },
      other,
    );
    await new Promise((r) => setTimeout(r, 300));
    const stopping = Date.now();
    proc.child.kill('SIGTERM');
    const { code } = await proc.exit;
    expect(code).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(5000);
  }, 30_000);
});

// The second review of the hardened endpoint: limits that a disconnect, a listen-only client, one
// principal or an ordinary sentence could get around.
describe('calls whose POST stream drops (review of E4)', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());
  const ama2Env = (extra: Record<string, string>) => ({
    AMA2_TOKEN: sandbox.ama2.token,
    AMA2_BASE_URL: sandbox.ama2.baseUrl,
    ...extra,
  });
  const openStreams = () => sandbox.emulators.ama2.openStreams();

  /** Starts ama2_wait_for_events calls, waits until each holds its platform stream, then drops their POSTs. */
  async function waitThenDrop(url: string, session: Record<string, string>, ids: number[], seconds: number) {
    const thread = await call(url, session, 2, 'ama2_create_thread', {
      target_user_ids: [SANDBOX_USERS[0]!.id],
    });
    const threadId = structuredOf<{ thread_id: string }>(thread).thread_id;
    const before = openStreams();
    const drops: AbortController[] = [];
    for (const id of ids) {
      const drop = new AbortController();
      const args = { thread_id: threadId, after_seq: 1000, timeout_seconds: seconds };
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...HEADERS, ...session },
        body: JSON.stringify(toolCall(id, 'ama2_wait_for_events', args)),
        signal: drop.signal,
      });
      expect(res.status).toBe(200);
      void res.text().catch(() => {});
      drops.push(drop);
    }
    expect(await until(() => openStreams() === before + ids.length, 3000)).toBe(true);
    for (const drop of drops) drop.abort();
    return { threadId, before };
  }

  it('a call that cannot be resumed is aborted when its POST stream drops: its platform stream closes at once', async () => {
    proc = await startHttpCli([], ama2Env({ MCP_SESSION_MAX_IN_FLIGHT: '2' }));
    const session = await openSession(proc.url);
    const { threadId, before } = await waitThenDrop(proc.url, session, [3, 4], 6);
    // Not 6 s later: the tools were aborted, so their long polls to AMA2 end now.
    expect(await until(() => openStreams() === before, 2500)).toBe(true);
    const next = await call(proc.url, session, 5, 'ama2_wait_for_events', {
      thread_id: threadId,
      after_seq: 1000,
      timeout_seconds: 1,
    });
    expect(next.status).toBe(200);
    await expectHealthy(proc.url);
  }, 20_000);

  it('a resumable call whose POST stream drops still counts against MCP_SESSION_MAX_IN_FLIGHT until it answers, and SIGTERM waits for it', async () => {
    proc = await startHttpCli([], ama2Env({ MCP_SESSION_MAX_IN_FLIGHT: '2', LOG_LEVEL: 'debug' }));
    // 2025-11-25 clients get a priming event id and may resume the stream with Last-Event-ID.
    const session = await openSession(proc.url, {}, fetch, '2025-11-25');
    const { threadId, before } = await waitThenDrop(proc.url, session, [3, 4], 4);
    await new Promise((r) => setTimeout(r, 300));
    const third = await post(
      proc.url,
      toolCall(5, 'ama2_wait_for_events', { thread_id: threadId, after_seq: 1000, timeout_seconds: 1 }),
      session,
    );
    expect(third.status).toBe(429);
    expect(await third.text()).toContain('MCP_SESSION_MAX_IN_FLIGHT=2');
    expect(openStreams()).toBe(before + 2);

    const logBefore = proc.stderr().length;
    proc.child.kill('SIGTERM');
    const { code } = await proc.exit;
    expect(code).toBe(0);
    // Shutdown let both calls run to their answer instead of closing the session under them.
    const after = proc.stderr().slice(logBefore);
    expect(after.match(/"tool":"ama2_wait_for_events"[^\n]*"tool call done"/g)?.length).toBe(2);
  }, 20_000);
  it('a request the transport refuses (406) does not stay counted, resumable or not', async () => {
    proc = await startHttpCli(['--sandbox'], { MCP_SESSION_MAX_IN_FLIGHT: '1' });
    const session = await openSession(proc.url, {}, fetch, '2025-11-25');
    const refused = await post(proc.url, toolCall(2, 'platforms_status', {}), {
      ...session,
      accept: 'application/json',
    });
    expect(refused.status).toBe(406);
    expect((await call(proc.url, session, 3, 'platforms_status', {})).status).toBe(200);
    await expectHealthy(proc.url);
  }, 20_000);
});

describe('a listen-only session (review of E7)', () => {
  it('an open standalone GET stream keeps its session past MCP_SESSION_IDLE_SECONDS; closed, the session idles out; SIGTERM does not wait for it', async () => {
    proc = await startHttpCli(['--sandbox'], { MCP_SESSION_IDLE_SECONDS: '2' });
    const session = await openSession(proc.url);
    const listen = () => {
      const stop = new AbortController();
      const opened = fetch(proc!.url, {
        headers: { ...session, accept: 'text/event-stream' },
        signal: stop.signal,
      });
      return { stop, opened };
    };
    const first = listen();
    const stream = await first.opened;
    expect(stream.status).toBe(200);
    void stream.text().catch(() => {});
    await new Promise((r) => setTimeout(r, 4500));
    expect((await healthz(proc.url)).body.sessions).toBe(1);
    expect((await call(proc.url, session, 2, 'platforms_status', {})).status).toBe(200);

    first.stop.abort();
    expect(await until(async () => (await healthz(proc!.url)).body.sessions === 0, 6000)).toBe(true);

    const other = await openSession(proc.url);
    const again = await fetch(proc.url, { headers: { ...other, accept: 'text/event-stream' } });
    expect(again.status).toBe(200);
    void again.text().catch(() => {});
    const stopping = Date.now();
    proc.child.kill('SIGTERM');
    expect((await proc.exit).code).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(5000);
  }, 30_000);
});

describe('caps per principal (review of E4)', () => {
  it('one client cannot take every session slot (MCP_MAX_SESSIONS_PER_PRINCIPAL); another client still opens one', async () => {
    proc = await startHttpCli(['--sandbox'], { MCP_MAX_SESSIONS: '4', MCP_MAX_SESSIONS_PER_PRINCIPAL: '2' });
    const first = await openSession(proc.url);
    await openSession(proc.url);
    const third = await post(proc.url, rpc(1, 'initialize', INITIALIZE_PARAMS));
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await third.text()).toContain('MCP_MAX_SESSIONS_PER_PRINCIPAL=2');
    expect((await openSession(proc.url, {}, fetchFrom('127.0.0.2')))['mcp-session-id']).toBeTruthy();
    // Closing one frees its slot.
    expect((await fetch(proc.url, { method: 'DELETE', headers: first })).status).toBe(200);
    expect((await openSession(proc.url))['mcp-session-id']).toBeTruthy();
    await expectHealthy(proc.url);
  }, 20_000);

  it('--stateless caps the calls in flight per client (MCP_SESSION_MAX_IN_FLIGHT); another client is still served', async () => {
    proc = await startHttpCli(['--sandbox', '--stateless'], { MCP_SESSION_MAX_IN_FLIGHT: '2' });
    const thread = await call(proc.url, {}, 1, 'ama2_create_thread', {
      target_user_ids: [SANDBOX_USERS[0]!.id],
    });
    const threadId = structuredOf<{ thread_id: string }>(thread).thread_id;
    const wait = (id: number, via: typeof fetch = fetch) =>
      post(
        proc!.url,
        toolCall(id, 'ama2_wait_for_events', { thread_id: threadId, after_seq: 1000, timeout_seconds: 3 }),
        {},
        via,
      );
    const slow = [await wait(2), await wait(3)];
    expect(slow.map((r) => r.status)).toEqual([200, 200]);
    const third = await wait(4);
    expect(third.status).toBe(429);
    expect(await third.text()).toContain('MCP_SESSION_MAX_IN_FLIGHT=2');
    const elsewhere = await wait(5, fetchFrom('127.0.0.2'));
    expect(elsewhere.status).toBe(200);
    await Promise.all([...slow, elsewhere].map((r) => r.text()));
    expect((await call(proc.url, {}, 6, 'platforms_status', {})).status).toBe(200);
    expect((await expectHealthy(proc.url)).live_servers).toBe(0);
  }, 20_000);
});

describe('scrubbing successful results (review of D2)', () => {
  it('ordinary text that mentions Bearer or a token prefix is returned as written; an echoed key is redacted from resources/list too', async () => {
    proc = await startHttpCli(['--sandbox']);
    const session = await openSession(proc.url);
    const prompt =
      'Use Bearer authentication for the calendar API (header: Bearer then the key); tokens start with ama_eat_ and Bearer-token rotation is weekly.';
    const created = await call(proc.url, session, 2, 'atthene_create_agent', {
      system_config: {
        name: `echo ${ATTHENE_SANDBOX_API_KEY}`,
        agent_type: 'llm_agent',
        system_prompt: prompt,
      },
    });
    const agentId = structuredOf<{ agent: { id: string } }>(created).agent.id;
    const got = await call(proc.url, session, 3, 'atthene_get_agent', { agent_id: agentId });
    const config = structuredOf<{ agent: { system_config: { system_prompt: string } } }>(got).agent
      .system_config;
    expect(config.system_prompt).toBe(prompt);
    expect(got.text).not.toContain(ATTHENE_SANDBOX_API_KEY);

    const opened = await call(proc.url, session, 4, 'atthene_create_session', { agent_id: agentId });
    expect(opened.message?.result?.isError, opened.text).toBeUndefined();
    const listed = await post(proc.url, rpc(5, 'resources/list'), session);
    const text = await listed.text();
    expect(text).toContain('Session with');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(ATTHENE_SANDBOX_API_KEY);
    await expectHealthy(proc.url);
  }, 20_000);
});
