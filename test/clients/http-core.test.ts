import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ErrorKind, PlatformError } from '../../src/core/errors.js';
import { HttpClient, InvalidPathParamError, path } from '../../src/core/http-client.js';
import { createLogger } from '../../src/core/log.js';
import { readSse } from '../../src/core/sse.js';

// A local node:http server whose behaviour each test sets; it records every request it gets.
type Behaviour = (req: IncomingMessage, res: ServerResponse, n: number, body: string) => void;
let behaviour: Behaviour = (_req, res) => res.end('{}');
const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
let server: Server;
let origin: string;
const SECRET = 'sk_live_this_is_a_secret_key_123456';

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      behaviour(req, res, seen.length, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
const clients: HttpClient[] = [];
afterEach(async () => {
  seen.length = 0;
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function client(overrides: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}): HttpClient {
  const c = new HttpClient({
    platform: 'amigo',
    baseUrl: `${origin}/api/v1`,
    headers: { authorization: `Bearer ${SECRET}` },
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    random: () => 0.5,
    ...overrides,
  });
  clients.push(c);
  return c;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PlatformError);
    return error as PlatformError;
  }
  throw new Error('expected a PlatformError');
}

describe('HttpClient', () => {
  it('retries a GET on 503 and then succeeds', async () => {
    behaviour = (_req, res, n) =>
      n === 1 ? json(res, 503, { detail: 'busy' }) : json(res, 200, { ok: true });
    const response = await client().request({ method: 'GET', path: '/things' });
    expect(response.data).toEqual({ ok: true });
    expect(response.attempts).toBe(2);
    expect(seen).toHaveLength(2);
  });

  it('does not retry a POST on 500', async () => {
    behaviour = (_req, res) => json(res, 500, { detail: 'boom' });
    const error = await failure(client().request({ method: 'POST', path: '/things', json: { a: 1 } }));
    expect(error.kind).toBe('server');
    expect(seen).toHaveLength(1);
  });

  it('retries a POST on 429, and waits about the Retry-After seconds', async () => {
    behaviour = (_req, res, n) =>
      n === 1 ? json(res, 429, { detail: 'slow down' }, { 'retry-after': '1' }) : json(res, 201, { id: 'x' });
    const started = performance.now();
    const response = await client().request({ method: 'POST', path: '/things', json: {} });
    const elapsed = performance.now() - started;
    expect(response.status).toBe(201);
    expect(seen).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(3000);
  });

  it('reads Retry-After as an HTTP date, and does not wait past the cap', async () => {
    const date = new Date(Date.now() + 60_000).toUTCString();
    behaviour = (_req, res) => json(res, 429, { detail: 'later' }, { 'retry-after': date });
    const started = performance.now();
    const error = await failure(client().request({ method: 'GET', path: '/things' }));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBeGreaterThan(55_000);
    expect(seen).toHaveLength(1);
  });

  it('turns a stalled server into a timeout error', async () => {
    behaviour = () => {}; // never answers
    const error = await failure(
      client({ retry: { maxAttempts: 1 } }).request({ method: 'GET', path: '/stall', headersTimeoutMs: 200 }),
    );
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/no response .* within 0\.2 s/);
  });

  it('stops a request when its signal aborts', async () => {
    behaviour = () => {};
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const error = await failure(
      client().request({ method: 'GET', path: '/stall', signal: controller.signal }),
    );
    expect(error.kind).toBe('cancelled');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('reports a refused connection as a network error', async () => {
    const c = client({ baseUrl: 'http://127.0.0.1:9', retry: { maxAttempts: 1 } });
    const error = await failure(c.request({ method: 'GET', path: '/x' }));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it.each([
    [400, 'validation'],
    [401, 'auth'],
    [403, 'permission'],
    [404, 'not_found'],
    [409, 'conflict'],
    [422, 'validation'],
    [429, 'rate_limited'],
    [500, 'server'],
    [503, 'server'],
  ] as Array<[number, ErrorKind]>)('maps %i to %s', async (status, kind) => {
    behaviour = (_req, res) => json(res, status, { detail: `status ${status}` }, { 'x-request-id': 'req-1' });
    const error = await failure(client({ retry: { maxAttempts: 1 } }).request({ method: 'GET', path: '/x' }));
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.requestId).toBe('req-1');
    expect(error.message).toBe(`status ${status}`);
  });

  it('parses every documented error body shape', async () => {
    const cases: Array<[string, string, string | undefined]> = [
      ['{"code":"NOT_FOUND","message":"Thread not found"}', 'Thread not found', 'NOT_FOUND'],
      [
        '{"error":{"type":"authentication_error","message":"API key has expired"}}',
        'API key has expired',
        'authentication_error',
      ],
      ['{"detail":"Not found."}', 'Not found.', undefined],
      [
        '{"detail":[{"loc":["body","service_id"],"msg":"Field required","type":"missing"}]}',
        'body.service_id: Field required',
        undefined,
      ],
      ['<html><body><h1>502 Bad Gateway</h1></body></html>', '502 Bad Gateway', undefined],
      ['', 'Bad Request', undefined],
    ];
    for (const [body, message, code] of cases) {
      behaviour = (_req, res) => {
        res.writeHead(400, { 'content-type': body.startsWith('<') ? 'text/html' : 'application/json' });
        res.end(body);
      };
      const error = await failure(client().request({ method: 'GET', path: '/x' }));
      expect(error.message).toBe(message);
      expect(error.code).toBe(code);
    }
  });

  it('takes the request id from the body when there is one', async () => {
    behaviour = (_req, res) =>
      json(res, 404, { detail: 'gone', request_id: 'body-id' }, { 'x-request-id': 'header-id' });
    expect((await failure(client().request({ method: 'GET', path: '/x' }))).requestId).toBe('body-id');
  });

  it('sends repeated keys for arrays, omits nulls, joins a base path, and sends the user agent', async () => {
    behaviour = (_req, res) => json(res, 200, []);
    await client().request({
      method: 'GET',
      path: path`/entities/${'a/b c'}/`,
      query: { entity_type: ['patient', 'appointment'], q: null, offset: 0, semantic: undefined, flag: true },
    });
    expect(seen[0]?.url).toBe(
      '/api/v1/entities/a%2Fb%20c/?entity_type=patient&entity_type=appointment&offset=0&flag=true',
    );
    expect(seen[0]?.headers['user-agent']).toMatch(/^agent-platforms-mcp\//);
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  it('the path tag refuses segments that could change the route', () => {
    for (const bad of ['..', '.', '', 'a\r\nb']) {
      expect(() => path`/x/${bad}`).toThrow(InvalidPathParamError);
    }
    expect(path`/x/${'../etc'}/y`).toBe('/x/..%2Fetc/y');
  });

  it('refuses a body over the size limit', async () => {
    behaviour = (_req, res) => json(res, 200, { big: 'x'.repeat(10_000) });
    const error = await failure(client({ maxResponseBytes: 1000 }).request({ method: 'GET', path: '/x' }));
    expect(error.kind).toBe('server');
    expect(error.code).toBe('response_too_large');
  });

  it('parses JSON by content type and returns other text as text', async () => {
    behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('plain words');
    };
    expect((await client().request({ method: 'GET', path: '/x', accept: 'text/plain' })).data).toBe(
      'plain words',
    );
    // Asked for JSON, answered with something else: reported, not parsed.
    expect((await failure(client().request({ method: 'GET', path: '/x' }))).code).toBe(
      'unexpected_content_type',
    );
    behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{not json');
    };
    expect((await failure(client().request({ method: 'GET', path: '/x' }))).code).toBe('invalid_json');
    behaviour = (_req, res) => {
      res.writeHead(204);
      res.end();
    };
    expect((await client().request({ method: 'DELETE', path: '/x' })).data).toBeUndefined();
  });

  it('never puts the credential in an error', async () => {
    behaviour = (req, res) => json(res, 401, { detail: `bad key ${req.headers.authorization}` });
    const error = await failure(client().request({ method: 'GET', path: '/x' }));
    for (const text of [String(error), error.message, JSON.stringify(error), error.stack ?? '']) {
      expect(text).not.toContain(SECRET);
    }
  });

  it('streams server-sent events, and non-2xx streams fail with the mapped error', async () => {
    behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': hello\n\n');
      res.write('event: token\ndata: {"text":"Hel"}\n\n');
      res.write('data: line one\ndata: line two\nid: 7\n\n');
      res.end();
    };
    const stream = await client().stream({
      method: 'POST',
      path: '/turns/stream',
      json: {},
      accept: 'text/event-stream',
    });
    const frames = [];
    for await (const frame of readSse(stream.body, { platform: 'amigo' })) frames.push(frame);
    expect(frames).toEqual([
      { event: 'token', data: '{"text":"Hel"}' },
      { data: 'line one\nline two', id: '7' },
    ]);
    behaviour = (_req, res) => json(res, 409, { detail: 'Conversation is closed' });
    const error = await failure(client().stream({ method: 'POST', path: '/turns/stream', json: {} }));
    expect(error).toMatchObject({ kind: 'conflict', message: 'Conversation is closed' });
  });

  it('an abort ends an open stream', async () => {
    behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
    };
    const controller = new AbortController();
    const stream = await client().stream({
      method: 'GET',
      path: '/events',
      signal: controller.signal,
      bodyTimeoutMs: 0,
    });
    const frames: string[] = [];
    const reading = (async () => {
      for await (const frame of readSse(stream.body, { platform: 'amigo', signal: controller.signal })) {
        frames.push(frame.data);
        controller.abort();
      }
    })();
    // The iteration ends as soon as the signal aborts, although the server keeps the stream open.
    await reading;
    expect(frames).toEqual(['first']);
    stream.close();
  });

  it.each([
    ['ended', (res: ServerResponse) => res.end()],
    ['still open', (res: ServerResponse) => res.write('data: first\n\n')],
  ])('closing a %s stream nobody has read emits nothing unhandled, twice is fine', async (_n, finish) => {
    behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      finish(res);
    };
    const stream = await client().stream({ method: 'GET', path: '/events', bodyTimeoutMs: 0 });
    // Before the fix, undici's RequestAbortedError had no listener: an uncaught exception.
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      stream.close();
      stream.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('uncaughtException', record);
    }
    expect(uncaught).toEqual([]);
    const frames: string[] = [];
    const read = (async () => {
      for await (const frame of readSse(stream.body, { platform: 'amigo' })) frames.push(frame.data);
    })();
    // Reading a closed stream ends or fails as a PlatformError, never with undici's raw error.
    await read.catch((error: unknown) => expect(error).toBeInstanceOf(PlatformError));
    expect(frames).toEqual([]);
  });

  it('a socket error before anyone reads the stream still reaches the reader', async () => {
    behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const stream = await client().stream({ method: 'GET', path: '/events', bodyTimeoutMs: 0 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const error = await failure(
      (async () => {
        for await (const _frame of readSse(stream.body, { platform: 'amigo' })) {
          // The buffered frame may come first; the reset must follow it.
        }
      })(),
    );
    expect(error.kind).toBe('network');
    stream.close();
  });
});

describe('HttpClient request log', () => {
  it('logs each request at debug (method, path, outcome, no credentials) and builds nothing above it', async () => {
    behaviour = (_req, res) => res.end('{"ok":true}');
    const lines = async (level: 'debug' | 'info') => {
      const out: string[] = [];
      const logger = createLogger({ level, destination: { write: (line: string) => void out.push(line) } });
      await client({ logger }).request({ method: 'GET', path: '/things/1' });
      return out.map((line) => JSON.parse(line) as Record<string, unknown>);
    };
    const debug = await lines('debug');
    expect(debug).toEqual([
      expect.objectContaining({
        msg: 'platform request',
        method: 'GET',
        path: '/things/1',
        outcome: 'ok',
        attempt: 1,
      }),
    ]);
    expect(JSON.stringify(debug)).not.toContain(SECRET);
    expect(await lines('info')).toEqual([]);
  });
});
