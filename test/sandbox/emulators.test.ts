import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ATTHENE_EXPIRED_KEY } from '../../src/sandbox/credentials.js';
import { Emulator } from '../../src/sandbox/emulator.js';
import { FaultInjector, formatFaults, parseFaults } from '../../src/sandbox/faults.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(() => {
  for (const e of Object.values(sandbox.emulators)) {
    e.setFaults(undefined);
    e.clearRequests();
  }
});

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await request(url, { headers });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    headers: res.headers,
    body: text ? (JSON.parse(text) as unknown) : undefined,
  };
}

describe('sandbox emulators', () => {
  it('each serves a public health route', async () => {
    expect((await get(`${sandbox.ama2.baseUrl}/health`)).body).toMatchObject({
      status: 'ok',
      service: 'backend-go',
    });
    expect((await get(`${sandbox.amigo.baseUrl}/health`)).status).toBe(200);
    expect((await get(`${sandbox.atthene.baseUrl}/health/`)).status).toBe(200);
  });

  it("refuse bad credentials in each platform's own error shape", async () => {
    expect(await get(`${sandbox.ama2.baseUrl}/api/v1/chat/threads/x/events`)).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHORIZED' },
    });
    expect(await get(`${sandbox.amigo.baseUrl}/v1/auth/me`, { authorization: 'Bearer nope' })).toMatchObject({
      status: 401,
      body: { detail: expect.any(String) },
    });
    expect(await get(`${sandbox.atthene.baseUrl}/agent/`)).toMatchObject({
      status: 401,
      body: {
        error: { type: 'authentication_error', message: 'Invalid or missing authentication credentials' },
      },
    });
    expect(
      await get(`${sandbox.atthene.baseUrl}/agent/`, { 'x-api-key': ATTHENE_EXPIRED_KEY }),
    ).toMatchObject({
      status: 401,
      body: { error: { message: 'API key has expired' } },
    });
  });

  it('Atthene redirects a path without its trailing slash, as Django does', async () => {
    const res = await request(`${sandbox.atthene.baseUrl}/agent?x=1`, {
      headers: { 'x-api-key': sandbox.atthene.apiKey },
    });
    await res.body.dump();
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/api/v1/agent/?x=1');
  });

  it('records what each request carried', async () => {
    await request(`${sandbox.ama2.baseUrl}/api/v1/chat/threads?x=1&x=2`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sandbox.ama2.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ target_user_ids: [] }),
    }).then((r) => r.body.dump());
    const [recorded] = sandbox.emulators.ama2.requests;
    expect(recorded).toMatchObject({
      method: 'POST',
      path: '/api/v1/chat/threads',
      rawPath: '/api/v1/chat/threads?x=1&x=2',
      query: { x: ['1', '2'] },
      json: { target_user_ids: [] },
    });
    expect(recorded?.headers.authorization).toBe(`Bearer ${sandbox.ama2.token}`);
  });
});

describe('fault injection', () => {
  it('5xx=1 fails every request in the platform shape and the handler never runs', async () => {
    sandbox.emulators.atthene.setFaults({ seed: 3, errorRate: 1 });
    const handled = sandbox.emulators.atthene.stats.handled;
    const res = await get(`${sandbox.atthene.baseUrl}/agent/`, { 'x-api-key': sandbox.atthene.apiKey });
    expect([500, 503]).toContain(res.status);
    expect(res.body).toMatchObject({ error: { type: 'server_error' } });
    expect(sandbox.emulators.atthene.stats.handled).toBe(handled);
  });

  it('429=1 answers with Retry-After', async () => {
    sandbox.emulators.amigo.setFaults({ rateLimitRate: 1, retryAfterSeconds: 2 });
    const res = await get(`${sandbox.amigo.baseUrl}/v1/auth/me`, {
      authorization: `Bearer ${sandbox.amigo.apiKey}`,
    });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('2');
  });

  it('drop=1 destroys the connection without an answer', async () => {
    sandbox.emulators.amigo.setFaults({ dropRate: 1 });
    await expect(request(`${sandbox.amigo.baseUrl}/v1/auth/me`)).rejects.toThrow();
  });

  it('health routes are exempt, and latency is applied', async () => {
    sandbox.emulators.amigo.setFaults({ errorRate: 1, latencyMs: [150, 150] });
    const started = performance.now();
    const health = await get(`${sandbox.amigo.baseUrl}/health`);
    expect(health.status).toBe(200);
    sandbox.emulators.amigo.setFaults({ latencyMs: [150, 150] });
    const t = performance.now();
    await get(`${sandbox.amigo.baseUrl}/v1/auth/me`, { authorization: `Bearer ${sandbox.amigo.apiKey}` });
    expect(performance.now() - t).toBeGreaterThanOrEqual(140);
    expect(started).toBeGreaterThan(0);
  });

  it('the same seed gives the same decisions', () => {
    const decisions = (seed: number) => {
      const injector = new FaultInjector({
        seed,
        errorRate: 0.2,
        rateLimitRate: 0.1,
        dropRate: 0.05,
        latencyMs: [0, 20],
      });
      return Array.from({ length: 200 }, () => injector.decide());
    };
    expect(decisions(42)).toEqual(decisions(42));
    expect(decisions(42)).not.toEqual(decisions(43));
    const kinds = decisions(42).map((d) => d.kind);
    expect(kinds.filter((k) => k === 'error').length).toBeGreaterThan(20);
    expect(kinds.filter((k) => k === 'none').length).toBeGreaterThan(100);
  });

  it('parses and formats specs, and names the bad key', () => {
    const spec = 'seed=42,latency=5-50,5xx=0.2,429=0.1,retry-after=1,drop=0.05';
    expect(parseFaults(spec)).toEqual({
      seed: 42,
      latencyMs: [5, 50],
      errorRate: 0.2,
      rateLimitRate: 0.1,
      retryAfterSeconds: 1,
      dropRate: 0.05,
    });
    expect(formatFaults(parseFaults(spec))).toBe(spec);
    expect(() => parseFaults('5xx=2')).toThrow(/5xx must be a rate from 0 to 1/);
    expect(() => parseFaults('lag=5')).toThrow(/unknown fault "lag"/);
  });
});

describe('emulator framework', () => {
  it('counts open connections and streams, and close() leaves none', async () => {
    const emulator = new Emulator({ platform: 'ama2', errorBody: (_s, _c, message) => ({ message }) });
    emulator.route('GET', '/stream', () => ({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      stream: (write, signal) =>
        new Promise<void>((resolve) => {
          write('data: hi\n\n');
          signal.addEventListener('abort', () => resolve());
        }),
    }));
    const origin = await emulator.listen();
    const res = await request(`${origin}/stream`);
    const reader = res.body[Symbol.asyncIterator]();
    await reader.next();
    expect(emulator.openStreams()).toBe(1);
    expect(emulator.openConnections()).toBe(1);
    res.body.destroy();
    const deadline = Date.now() + 2000;
    while (emulator.openStreams() > 0 && Date.now() < deadline) await sleep(10);
    expect(emulator.openStreams()).toBe(0);
    expect((await get(`${origin}/nope`)).status).toBe(404);
    const wrongMethod = await request(`${origin}/stream`, { method: 'DELETE' });
    await wrongMethod.body.dump();
    expect(wrongMethod.statusCode).toBe(405);
    await emulator.close();
    const closeDeadline = Date.now() + 2000;
    while (emulator.openConnections() > 0 && Date.now() < closeDeadline) await sleep(10);
    expect(emulator.openConnections()).toBe(0);
  });
});
