import { afterEach, describe, expect, it } from 'vitest';
import { Ama2Client, EVENT_LOOP_REQUESTS_PER_MINUTE } from '../../src/platforms/ama2/client.js';
import { AMA2_SANDBOX_TOKEN } from '../../src/platforms/ama2/emulator/credentials.js';
import {
  keyWindowCount,
  MAX_KEY_WINDOWS,
  RequestWindow,
  SHORT_STREAMS_BEFORE_POLLING,
  windowFor,
} from '../../src/platforms/ama2/event-loop.js';
import { type Ama2Stub, startClosingStub } from './stub.js';

// The event loop's reconnects and request budget hold whatever the server does and whatever the
// jitter draws (the CLI tests in cli-contract and stream-lifecycle measure the ordinary case).

let stub: Ama2Stub | undefined;
const clients: Ama2Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await stub?.close();
  stub = undefined;
});

function client(token = AMA2_SANDBOX_TOKEN): Ama2Client {
  const c = new Ama2Client({ baseUrl: stub!.url, token }, { random: () => 0 });
  clients.push(c);
  return c;
}

async function drain(
  c: Ama2Client,
  ms: number,
  options: { pollIntervalMs?: number; caller?: object; thread?: string } = {},
): Promise<void> {
  const signal = AbortSignal.timeout(ms);
  const { thread = 'thread-1', ...rest } = options;
  for await (const _event of c.streamEvents(thread, { afterSeq: 0, signal, ...rest })) {
    // The stub has no events; the loop only reconnects.
  }
}

const streams = () => stub!.requests.filter((p) => p.endsWith('/stream')).length;

describe('Ama2Client.streamEvents reconnects', () => {
  it('with every jittered pause drawn as 0, streams ending at once: a few reconnects, then polling every interval', async () => {
    stub = await startClosingStub();
    await drain(client(), 2500, { pollIntervalMs: 500 });
    // Before, a zero pause reconnected until the budget stopped it (150 requests in 2.5 s).
    expect(streams()).toBe(SHORT_STREAMS_BEFORE_POLLING);
    const polls = stub.requests.length - streams();
    expect(polls).toBeGreaterThanOrEqual(SHORT_STREAMS_BEFORE_POLLING + 2);
    expect(polls).toBeLessThanOrEqual(SHORT_STREAMS_BEFORE_POLLING + 2500 / 500 + 1);
  }, 10_000);

  it.each([
    ['503', 503, {}],
    ['429 with Retry-After: 3', 429, { 'retry-after': '3' }],
  ])(
    'a stream answering %s makes each request once (no hidden retries) and backs off',
    async (_name, status, headers) => {
      stub = await startClosingStub((res) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify({ code: status === 429 ? 'RATE_LIMITED' : 'INTERNAL_ERROR', message: 'no' }));
      });
      await drain(client(), 2500);
      // One stream attempt, then polling at most every 2 s (3 s after the 429): 1 stream + 1-2 polls.
      expect(streams()).toBe(1);
      expect(stub.requests.length).toBeLessThanOrEqual(3);
    },
    10_000,
  );
});

describe('the event-loop budget belongs to the key, process-wide', () => {
  const hungry = { pollIntervalMs: 1 };

  it('two clients (sessions) with the same token share one budget', async () => {
    stub = await startClosingStub();
    const [a, b] = [client(), client()];
    await Promise.all([
      ...[1, 2, 3].map((i) => drain(a, 2000, { ...hungry, thread: `a-${i}` })),
      ...[1, 2, 3].map((i) => drain(b, 2000, { ...hungry, thread: `b-${i}` })),
    ]);
    // Before, each client object had its own 150 a minute: about 300 here.
    expect(stub.requests.length).toBeGreaterThan(EVENT_LOOP_REQUESTS_PER_MINUTE / 2);
    expect(stub.requests.length).toBeLessThanOrEqual(EVENT_LOOP_REQUESTS_PER_MINUTE);
  }, 10_000);

  it('another token has a budget of its own', async () => {
    stub = await startClosingStub();
    const [a, b] = [client(), client(`${AMA2_SANDBOX_TOKEN.slice(0, -4)}beef`)];
    await Promise.all([drain(a, 1500, hungry), drain(b, 1500, hungry)]);
    expect(stub.requests.length).toBeGreaterThan(EVENT_LOOP_REQUESTS_PER_MINUTE);
    expect(stub.requests.length).toBeLessThanOrEqual(2 * EVENT_LOOP_REQUESTS_PER_MINUTE);
  }, 10_000);

  it('the windows kept are bounded, the one in use survives', () => {
    const busy = windowFor('http://127.0.0.1:1', 'ama_eat_busy');
    busy.record();
    for (let i = 0; i < MAX_KEY_WINDOWS + 50; i++) windowFor('http://127.0.0.1:1', `ama_eat_${i}`);
    expect(keyWindowCount()).toBeLessThanOrEqual(MAX_KEY_WINDOWS);
    expect(windowFor('http://127.0.0.1:1', 'ama_eat_busy')).toBe(busy);
  });

  it('with every window busy, a new key still keeps its window (the stalest goes)', () => {
    for (let i = 0; i < MAX_KEY_WINDOWS + 10; i++) windowFor('http://127.0.0.1:2', `ama_eat_${i}`).record();
    const fresh = windowFor('http://127.0.0.1:2', 'ama_eat_fresh');
    expect(windowFor('http://127.0.0.1:2', 'ama_eat_fresh')).toBe(fresh);
    expect(keyWindowCount()).toBeLessThanOrEqual(MAX_KEY_WINDOWS);
  });
});

describe('RequestWindow turns', () => {
  it("one caller's many waiters do not starve another caller: turns go round robin", async () => {
    const window = new RequestWindow(3, 100);
    const signal = AbortSignal.timeout(5000);
    const order: string[] = [];
    const a = {};
    const b = {};
    const waits = Array.from({ length: 20 }, (_, i) =>
      window.reserve(a, signal).then(() => order.push(`a${i}`)),
    );
    const late = window.reserve(b, signal).then(() => order.push('b'));
    await Promise.all([...waits, late]);
    // Before, waiters were served in arrival order: b came 21st, after ten windows.
    expect(order.indexOf('b')).toBeLessThanOrEqual(3);
    expect(order.filter((o) => o.startsWith('a'))).toEqual(Array.from({ length: 20 }, (_, i) => `a${i}`));
  }, 10_000);

  it('one caller holds at most its share of the window: a late caller finds room at once', async () => {
    const window = new RequestWindow(3, 60_000);
    const signal = AbortSignal.timeout(5000);
    const a = {};
    const granted: string[] = [];
    for (const i of [0, 1, 2])
      void window.reserve(a, signal).then(
        () => granted.push(`a${i}`),
        () => {},
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
    // a holds 2 of 3 (CALLER_SHARE); its third waits for the window to slide.
    expect(granted).toEqual(['a0', 'a1']);
    await window.reserve({}, signal);
    expect(granted).toEqual(['a0', 'a1']);
  });

  it('an aborted waiter leaves the queue and the others go on', async () => {
    const window = new RequestWindow(1, 100);
    const caller = {};
    await window.reserve(caller, AbortSignal.timeout(1000));
    const controller = new AbortController();
    const aborted = window.reserve(caller, controller.signal);
    const next = window.reserve({}, AbortSignal.timeout(2000));
    controller.abort();
    await expect(aborted).rejects.toBeDefined();
    await expect(next).resolves.toBeUndefined();
  });
});
