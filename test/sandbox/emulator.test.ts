import { type ClientRequest, get } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/core/emulator/emulator.js';

// The framework on its own: an emulator built with createEmulator and test-only routes.

const open: Emulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

async function start(
  options: Partial<EmulatorOptions> = {},
): Promise<{ emulator: Emulator; origin: string }> {
  const emulator = createEmulator({
    platform: 'ama2',
    errorBody: (status, errorCase, message) => ({ status, case: errorCase, message }),
    ...options,
  });
  open.push(emulator);
  return { emulator, origin: await emulator.listen() };
}

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await sleep(5);
}

async function call(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('routing', () => {
  it('matches :params (decoded) and trailing slashes exactly', async () => {
    const { emulator, origin } = await start();
    emulator.route('GET', '/items/:id/', (req) => ({ status: 200, json: { id: req.params.id } }));
    expect(await call(`${origin}/items/a%20b%2Fc/`)).toMatchObject({ status: 200, body: { id: 'a b/c' } });
    expect((await call(`${origin}/items/abc`)).status).toBe(404);
    expect((await call(`${origin}/items//`)).status).toBe(404);
  });

  it("answers unknown paths 404 and wrong methods 405 in the emulator's error shape", async () => {
    const { emulator, origin } = await start();
    emulator.route('GET', '/things', () => ({ status: 200, json: [] }));
    expect(await call(`${origin}/nothing`)).toMatchObject({
      status: 404,
      body: { case: 'not_found' },
    });
    expect(await call(`${origin}/things`, { method: 'DELETE' })).toMatchObject({
      status: 405,
      body: { case: 'method_not_allowed' },
    });
  });

  it('turns a throwing handler into a 500 and keeps serving', async () => {
    const { emulator, origin } = await start();
    emulator.route('GET', '/boom', () => {
      throw new Error('handler bug');
    });
    emulator.route('GET', '/async-boom', async () => {
      await sleep(1);
      throw new Error('async handler bug');
    });
    emulator.route('GET', '/ok', () => ({ status: 200, text: 'fine' }));
    expect(await call(`${origin}/boom`)).toMatchObject({ status: 500, body: { case: 'server_error' } });
    expect((await call(`${origin}/async-boom`)).status).toBe(500);
    const ok = await fetch(`${origin}/ok`);
    expect([ok.status, await ok.text()]).toEqual([200, 'fine']);
  });

  it('runs authenticate before every route except public ones', async () => {
    const { emulator, origin } = await start({
      authenticate: (req) =>
        req.headers['x-key'] === 'good' ? null : { status: 401, json: { message: 'no' } },
    });
    let ran = 0;
    emulator.route('GET', '/health', () => ({ status: 200, json: { status: 'ok' } }), { public: true });
    emulator.route('GET', '/private', () => {
      ran++;
      return { status: 200, json: {} };
    });
    expect((await call(`${origin}/health`)).status).toBe(200);
    expect(await call(`${origin}/private`)).toMatchObject({ status: 401, body: { message: 'no' } });
    expect(ran).toBe(0);
    expect((await call(`${origin}/private`, { headers: { 'x-key': 'good' } })).status).toBe(200);
    expect(ran).toBe(1);
  });
});

describe('request bodies', () => {
  it('refuses a body over the cap with 413 before the handler runs', async () => {
    const { emulator, origin } = await start({ maxBodyBytes: 1024 });
    let ran = 0;
    emulator.route('POST', '/in', () => {
      ran++;
      return { status: 204 };
    });
    for (const size of [1025, 300_000]) {
      const res = await call(`${origin}/in`, { method: 'POST', body: 'x'.repeat(size) });
      expect(res).toMatchObject({ status: 413, body: { case: 'too_large' } });
    }
    expect((await call(`${origin}/in`, { method: 'POST', body: 'x'.repeat(1024) })).status).toBe(204);
    expect(ran).toBe(1);
  });

  it('survives a client that leaves halfway through its body', async () => {
    const { emulator, origin } = await start();
    emulator.route('POST', '/in', () => ({ status: 204 }));
    const socket = connect(Number(new URL(origin).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write('POST /in HTTP/1.1\r\nHost: sandbox\r\nContent-Length: 100\r\n\r\nonly-a-bit');
    await until(() => emulator.openConnections() === 1);
    socket.destroy();
    await until(() => emulator.openConnections() === 0);
    // The half request reached no handler and recorded nothing; the emulator still answers.
    expect(emulator.requests).toHaveLength(0);
    expect((await call(`${origin}/in`, { method: 'POST', body: 'x' })).status).toBe(204);
  });
});

describe('recording', () => {
  it('keeps method, decoded and raw path, query, lowercased headers, body and parsed JSON', async () => {
    const { emulator, origin } = await start();
    emulator.route('POST', '/items/:id', () => ({ status: 201, json: { created: true } }));
    const before = Date.now();
    await call(`${origin}/items/a%20b?q=1&q=2&empty=`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Custom-Header': 'Yes' },
      body: '{"n":1}',
    });
    const [recorded] = emulator.requests;
    expect(recorded).toMatchObject({
      method: 'POST',
      path: '/items/a b',
      rawPath: '/items/a%20b?q=1&q=2&empty=',
      query: { q: ['1', '2'], empty: [''] },
      bodyText: '{"n":1}',
      json: { n: 1 },
      response: { status: 201, json: { created: true } },
    });
    expect(recorded?.headers['x-custom-header']).toBe('Yes');
    expect(recorded?.time).toBeGreaterThanOrEqual(before);
    emulator.clearRequests();
    expect(emulator.requests).toHaveLength(0);
    expect(emulator.received).toBe(1);
  });

  it('records a body that is not JSON as text only', async () => {
    const { emulator, origin } = await start();
    emulator.route('PUT', '/raw', () => ({ status: 204 }));
    await call(`${origin}/raw`, { method: 'PUT', headers: { 'content-type': 'text/yaml' }, body: 'a: 1' });
    expect(emulator.requests[0]).toMatchObject({ bodyText: 'a: 1' });
    expect(emulator.requests[0]).not.toHaveProperty('json');
  });
});

describe('connections and streams', () => {
  const streamRoute = (emulator: Emulator, ended: { count: number }) =>
    emulator.route('GET', '/stream', () => ({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      stream: async (write, signal) => {
        write('data: hello\n\n');
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
        ended.count++;
      },
    }));

  it('counts open connections and streams, and stops a stream when its client leaves', async () => {
    const { emulator, origin } = await start();
    const ended = { count: 0 };
    streamRoute(emulator, ended);
    expect([emulator.openConnections(), emulator.openStreams()]).toEqual([0, 0]);
    // node:http without an agent: one socket we control (undici's pool may open a spare one).
    const { req: client, first } = await new Promise<{ req: ClientRequest; first: string }>((resolve) => {
      const req = get(`${origin}/stream`, { agent: false }, (res) =>
        res.once('data', (chunk: Buffer) => resolve({ req, first: chunk.toString() })),
      );
    });
    expect(first).toBe('data: hello\n\n');
    expect([emulator.openConnections(), emulator.openStreams()]).toEqual([1, 1]);
    client.destroy();
    await until(() => emulator.openStreams() === 0 && emulator.openConnections() === 0);
    expect([emulator.openConnections(), emulator.openStreams(), ended.count]).toEqual([0, 0, 1]);
  });

  it("aborts a handler's signal when its client disconnects", async () => {
    const { emulator, origin } = await start();
    let aborted = false;
    emulator.route('GET', '/slow', async (req) => {
      await new Promise<void>((resolve) => req.signal.addEventListener('abort', () => resolve()));
      aborted = true;
      return { status: 200, json: {} };
    });
    const client = new AbortController();
    const pending = fetch(`${origin}/slow`, { signal: client.signal }).catch((error: unknown) => error);
    await until(() => emulator.requests.length === 1);
    client.abort();
    expect(await pending).toBeInstanceOf(Error);
    await until(() => aborted);
    expect(aborted).toBe(true);
  });

  it('close() ends open streams and sockets, and nothing listens afterwards', async () => {
    const { emulator, origin } = await start();
    const ended = { count: 0 };
    streamRoute(emulator, ended);
    const res = await fetch(`${origin}/stream`);
    const reader = res.body!.getReader();
    await reader.read();
    expect(emulator.openStreams()).toBe(1);
    await emulator.close();
    // The client sees the end of the stream (or a reset socket), never a hang.
    expect(await reader.read().catch(() => ({ done: true }))).toMatchObject({ done: true });
    await until(() => emulator.openConnections() === 0);
    expect([emulator.openConnections(), emulator.openStreams(), ended.count]).toEqual([0, 0, 1]);
    await expect(fetch(`${origin}/stream`)).rejects.toThrow();
  });
});
