import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { exchange, SWEEP_MS } from '../../src/core/exchange.js';

// A local node:http server whose behaviour each test sets; it records what reached it and which
// requests' connections closed before an answer was sent (what an abort looks like on the wire).
type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;
let behaviour: Behaviour = (_req, res) => res.end('{}');
const arrived: string[] = [];
const cutOff: string[] = [];
let server: Server;
let pool: Pool;

beforeAll(async () => {
  server = createServer((req, res) => {
    arrived.push(req.url ?? '');
    res.on('close', () => {
      if (!res.writableFinished) cutOff.push(req.url ?? '');
    });
    behaviour(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
afterEach(async () => {
  arrived.length = 0;
  cutOff.length = 0;
  await pool?.destroy();
});

function newPool(connections?: number): Pool {
  pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections });
  return pool;
}
const tooLarge = () => new Error('too large');
const get = (path: string) => ({ path, method: 'GET' as const });

describe('exchange', () => {
  it('buffers the whole answer: status, lower-case headers, a body of many chunks', async () => {
    behaviour = (_req, res) => {
      res.writeHead(201, { 'X-Request-Id': 'r-1', 'content-type': 'text/plain' });
      for (let i = 0; i < 64; i++) res.write('x'.repeat(16 * 1024));
      res.end('!');
    };
    const answer = await exchange(newPool(), get('/big'), 2 * 1024 * 1024, tooLarge);
    expect(answer.status).toBe(201);
    expect(answer.headers['x-request-id']).toBe('r-1');
    expect(answer.body.length).toBe(64 * 16 * 1024 + 1);
    expect(answer.body.toString('utf8').endsWith('x!')).toBe(true);
  });

  it('skips an informational 103 and answers with the final status', async () => {
    behaviour = (_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload' }, () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
    };
    const answer = await exchange(newPool(), get('/hints'), 1000, tooLarge);
    expect(answer.status).toBe(200);
    expect(answer.headers.link).toBeUndefined();
    expect(answer.body.toString()).toBe('{"ok":true}');
  });

  it('past the limit: rejects with tooLarge() and cuts the connection', async () => {
    behaviour = (_req, res) => {
      res.writeHead(200);
      res.write('x'.repeat(4000));
      setTimeout(() => res.end('y'.repeat(4000)), 200);
    };
    await expect(exchange(newPool(), get('/large'), 1000, tooLarge)).rejects.toThrow('too large');
    await expect.poll(() => cutOff).toEqual(['/large']);
  });

  it('a signal that aborts mid-request cuts the request on the wire within the sweep, with its reason', async () => {
    behaviour = () => {}; // never answers
    const controller = new AbortController();
    const pending = exchange(newPool(), get('/stall'), 1000, tooLarge, controller.signal);
    await expect.poll(() => arrived).toEqual(['/stall']);
    const aborted = performance.now();
    controller.abort(new Error('user cancelled'));
    await expect(pending).rejects.toThrow('user cancelled');
    expect(performance.now() - aborted).toBeLessThan(SWEEP_MS * 4 + 100);
    await expect.poll(() => cutOff).toEqual(['/stall']);
  });

  it('a signal that aborts after the request went out but before the next sweep still cancels the call', async () => {
    let answer = () => {};
    const came = new Promise<void>((resolve) => {
      behaviour = (_req, res) => {
        answer = () => res.end('{"ok":true}');
        resolve();
      };
    });
    const controller = new AbortController();
    const pending = exchange(newPool(), get('/race'), 1000, tooLarge, controller.signal);
    // Not a timer (a sweep may be due in the same timers phase): straight from the server's callback.
    await came;
    // The answer comes back at once, well within the sweep's 25 ms: the abort must still win.
    controller.abort(new Error('cancelled just now'));
    answer();
    await expect(pending).rejects.toThrow('cancelled just now');
  });

  it("a test's fake timers do not stop the sweep for the requests after it", async () => {
    await sleep(SWEEP_MS * 3); // a sweep left by an earlier test stops once nothing is in flight
    behaviour = (req, res) => {
      if (req.url === '/quick') res.end('{}');
    };
    // Only the interval functions: faking setTimeout too would stall undici's own timers in this worker.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      await exchange(newPool(), get('/quick'), 1000, tooLarge, new AbortController().signal);
    } finally {
      vi.useRealTimers();
    }
    const controller = new AbortController();
    const pending = exchange(pool, get('/stall'), 1000, tooLarge, controller.signal);
    await expect.poll(() => arrived).toContain('/stall');
    controller.abort(new Error('cancelled'));
    await expect(pending).rejects.toThrow('cancelled');
  });

  it('a signal that has aborted already: nothing is sent', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(exchange(newPool(), get('/never'), 1000, tooLarge, controller.signal)).rejects.toThrow(
      /aborted/,
    );
    await sleep(50);
    expect(arrived).toEqual([]);
  });

  it('cancelled while it waits for a busy connection: it never reaches the server', async () => {
    behaviour = (req, res) => {
      if (req.url === '/first') setTimeout(() => res.end('first'), 300);
      else res.end('later');
    };
    const p = newPool(1);
    const first = exchange(p, get('/first'), 1000, tooLarge);
    const controller = new AbortController();
    const queued = exchange(p, get('/queued'), 1000, tooLarge, controller.signal);
    await expect.poll(() => arrived).toEqual(['/first']);
    controller.abort();
    await expect(queued).rejects.toThrow(/aborted/);
    expect((await first).body.toString()).toBe('first');
    // The connection is free again and the queued request was dropped, not sent late.
    expect((await exchange(p, get('/next'), 1000, tooLarge)).body.toString()).toBe('later');
    expect(arrived).toEqual(['/first', '/next']);
  });

  it('of 200 concurrent exchanges with signals, the 100 cancelled reject and the rest answer', async () => {
    behaviour = (req, res) => {
      if (req.url?.startsWith('/slow')) return; // answered by nobody: only a cancel ends it
      res.end(req.url);
    };
    const p = newPool(16);
    const controllers = Array.from({ length: 200 }, () => new AbortController());
    const calls = controllers.map((c, i) =>
      exchange(p, get(i % 2 ? `/slow/${i}` : `/fast/${i}`), 1000, tooLarge, c.signal).then(
        (a) => a.body.toString(),
        (e: Error) => `rejected: ${e.message}`,
      ),
    );
    await sleep(50);
    for (let i = 1; i < 200; i += 2) controllers[i]?.abort(new Error(`cancel ${i}`));
    const results = await Promise.all(calls);
    expect(
      results.filter((r, i) => (i % 2 ? r === `rejected: cancel ${i}` : r === `/fast/${i}`)),
    ).toHaveLength(200);
  });
});
