import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AMA2_SANDBOX_TOKEN } from '../../src/platforms/ama2/emulator/credentials.js';
import {
  AMIGO_SANDBOX_API_KEY,
  AMIGO_SANDBOX_WORKSPACE_ID,
} from '../../src/platforms/amigo/emulator/credentials.js';
import {
  ATTHENE_EXPIRED_KEY,
  ATTHENE_SANDBOX_API_KEY,
} from '../../src/platforms/atthene/emulator/credentials.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';

// The foundation every platform emulator shares: health, auth failures and their shapes, 404s,
// Django's trailing slash, Amigo's workspace binding, recording, and a clean shutdown.

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const OTHER_WORKSPACE = '11111111-2222-4333-8444-555555555555';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(() => {
  for (const emulator of Object.values(sandbox.emulators)) {
    emulator.setFaults(undefined);
    emulator.clearRequests();
  }
});

async function call(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}
const ama2Auth = (token = sandbox.ama2.token) => ({ headers: { authorization: `Bearer ${token}` } });
const amigoAuth = (key = sandbox.amigo.apiKey) => ({ headers: { authorization: `Bearer ${key}` } });
const attheneAuth = (key = sandbox.atthene.apiKey) => ({ headers: { 'x-api-key': key } });

describe('startSandbox', () => {
  it('hands out loopback URLs and fixed, clearly fictional credentials', () => {
    expect(sandbox.ama2).toEqual({
      baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      token: AMA2_SANDBOX_TOKEN,
      userToken: expect.any(String),
    });
    expect(sandbox.ama2.token).toMatch(/^ama_eat_[0-9a-f]{64}$/);
    expect(sandbox.amigo).toEqual({
      baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      apiKey: AMIGO_SANDBOX_API_KEY,
      workspaceId: AMIGO_SANDBOX_WORKSPACE_ID,
    });
    expect(sandbox.amigo.workspaceId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(sandbox.atthene).toEqual({
      baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/),
      apiKey: ATTHENE_SANDBOX_API_KEY,
    });
    const ports = [sandbox.ama2.baseUrl, sandbox.amigo.baseUrl, sandbox.atthene.baseUrl].map(
      (u) => new URL(u).port,
    );
    expect(new Set(ports).size).toBe(3);
  });

  it('close() leaves no listening server, open socket or stream behind', async () => {
    const tcpHandles = () =>
      process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap').length;
    const baseline = tcpHandles();
    const own = await startSandbox();
    expect(tcpHandles()).toBe(baseline + 3);
    await Promise.all([
      call(`${own.ama2.baseUrl}/health`),
      call(`${own.amigo.baseUrl}/v1/auth/me`, amigoAuth(own.amigo.apiKey)),
      call(`${own.atthene.baseUrl}/agent/`, attheneAuth(own.atthene.apiKey)),
    ]);
    await own.close();
    for (const emulator of Object.values(own.emulators)) {
      expect([emulator.openConnections(), emulator.openStreams()]).toEqual([0, 0]);
    }
    // The client side of the keep-alive sockets closes when it sees the server's reset.
    const deadline = Date.now() + 2000;
    while (tcpHandles() > baseline && Date.now() < deadline) await sleep(10);
    expect(tcpHandles()).toBe(baseline);
    await expect(fetch(`${own.ama2.baseUrl}/health`)).rejects.toThrow();
  });
});

describe('health routes (public, no credentials)', () => {
  it('AMA2 GET /health', async () => {
    expect(await call(`${sandbox.ama2.baseUrl}/health`)).toMatchObject({
      status: 200,
      body: { status: 'ok', service: 'backend-go', version: 'sandbox' },
    });
  });
  it('Amigo GET /health', async () => {
    expect(await call(`${sandbox.amigo.baseUrl}/health`)).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
  });
  it('Atthene GET /api/v1/health/', async () => {
    expect(await call(`${sandbox.atthene.baseUrl}/health/`)).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
  });
});

describe('AMA2', () => {
  const events = (thread: string) => `${sandbox.ama2.baseUrl}/api/v1/chat/threads/${thread}/events`;

  it('refuses a missing or unknown bearer token with 401 UNAUTHORIZED', async () => {
    for (const init of [
      {},
      ama2Auth('ama_eat_not_a_sandbox_token'),
      { headers: { authorization: 'Basic x' } },
    ]) {
      expect(await call(events(NIL_UUID), init)).toEqual(
        expect.objectContaining({ status: 401, body: { code: 'UNAUTHORIZED', message: expect.any(String) } }),
      );
    }
  });

  it('accepts the agent token and the user token; an unknown thread is 404 Thread not found', async () => {
    for (const token of [sandbox.ama2.token, sandbox.ama2.userToken]) {
      expect(await call(events(NIL_UUID), ama2Auth(token))).toMatchObject({
        status: 404,
        body: { code: 'NOT_FOUND', message: 'Thread not found' },
      });
    }
  });

  it('answers an unknown route 404 NOT_FOUND', async () => {
    expect(await call(`${sandbox.ama2.baseUrl}/api/v1/nothing-here`, ama2Auth())).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND', message: expect.any(String) },
    });
  });
});

describe('Amigo', () => {
  it('refuses a missing or invalid key with 401 {detail}', async () => {
    for (const init of [{}, amigoAuth('amigo_sandbox_key_wrong')]) {
      expect(await call(`${sandbox.amigo.baseUrl}/v1/auth/me`, init)).toMatchObject({
        status: 401,
        body: { detail: 'Invalid or expired API key' },
      });
    }
  });

  it('GET /v1/auth/me answers AuthInfoResponse (get-auth-info)', async () => {
    const res = await call(`${sandbox.amigo.baseUrl}/v1/auth/me`, amigoAuth());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      key_id: expect.any(String),
      name: 'Sandbox key',
      workspace_id: sandbox.amigo.workspaceId,
      expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/),
      expires_in_seconds: expect.any(Number),
    });
    const { expires_at, expires_in_seconds } = res.body as { expires_at: string; expires_in_seconds: number };
    expect(Number.isInteger(expires_in_seconds)).toBe(true);
    expect(Math.abs(Date.parse(expires_at) - Date.now() - expires_in_seconds * 1000)).toBeLessThan(5000);
  });

  it("refuses another workspace's path with 403 {detail}", async () => {
    const res = await call(`${sandbox.amigo.baseUrl}/v1/${OTHER_WORKSPACE}/agents`, amigoAuth());
    expect(res).toMatchObject({ status: 403, body: { detail: expect.any(String) } });
    const own = await call(`${sandbox.amigo.baseUrl}/v1/${sandbox.amigo.workspaceId}/agents`, amigoAuth());
    expect(own.status).toBe(200);
  });

  it('answers an unknown route 404 {detail: "Not Found"}', async () => {
    expect(await call(`${sandbox.amigo.baseUrl}/v1/nothing-here`, amigoAuth())).toMatchObject({
      status: 404,
      body: { detail: 'Not Found' },
    });
  });
});

describe('Atthene', () => {
  it('refuses a missing or invalid x-api-key with 401 authentication_error', async () => {
    for (const init of [{}, attheneAuth('atthene_sandbox_key_wrong')]) {
      expect(await call(`${sandbox.atthene.baseUrl}/agent/`, init)).toMatchObject({
        status: 401,
        body: {
          error: { type: 'authentication_error', message: 'Invalid or missing authentication credentials' },
        },
      });
    }
  });

  it('refuses the expired sandbox key with "API key has expired"', async () => {
    expect(await call(`${sandbox.atthene.baseUrl}/agent/`, attheneAuth(ATTHENE_EXPIRED_KEY))).toMatchObject({
      status: 401,
      body: { error: { type: 'authentication_error', message: 'API key has expired' } },
    });
  });

  it('lists saved agents as a bare array', async () => {
    const res = await call(`${sandbox.atthene.baseUrl}/agent/`, attheneAuth());
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
  });

  it('redirects a known path without its trailing slash with 301, as Django does', async () => {
    for (const method of ['GET', 'POST']) {
      const res = await call(`${sandbox.atthene.baseUrl}/agent?x=1`, { method, ...attheneAuth() });
      expect(res.status).toBe(301);
      expect(res.headers.get('location')).toBe('/api/v1/agent/?x=1');
    }
    expect((await call(`${sandbox.atthene.baseUrl}/health`)).headers.get('location')).toBe('/api/v1/health/');
    // An unknown path is not redirected.
    expect(await call(`${sandbox.atthene.baseUrl}/nothing-here`, attheneAuth())).toMatchObject({
      status: 404,
      body: { detail: 'Not found.' },
    });
  });
});

describe('recording', () => {
  it('records what each request carried', async () => {
    await call(`${sandbox.ama2.baseUrl}/api/v1/chat/threads/${NIL_UUID}/events?limit=5&limit=6`, {
      method: 'GET',
      headers: { authorization: `Bearer ${sandbox.ama2.token}`, 'X-Trace': 'abc' },
    });
    await call(`${sandbox.atthene.baseUrl}/agent/validate/`, {
      method: 'POST',
      headers: { 'x-api-key': sandbox.atthene.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'probe' }),
    });
    const [read] = sandbox.emulators.ama2.requests;
    expect(read).toMatchObject({
      method: 'GET',
      path: `/api/v1/chat/threads/${NIL_UUID}/events`,
      rawPath: `/api/v1/chat/threads/${NIL_UUID}/events?limit=5&limit=6`,
      query: { limit: ['5', '6'] },
      bodyText: '',
    });
    expect(read?.headers.authorization).toBe(`Bearer ${sandbox.ama2.token}`);
    expect(read?.headers['x-trace']).toBe('abc');
    expect(sandbox.emulators.atthene.requests[0]).toMatchObject({
      method: 'POST',
      rawPath: '/api/v1/agent/validate/',
      bodyText: '{"name":"probe"}',
      json: { name: 'probe' },
    });
  });
});
