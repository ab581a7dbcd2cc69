import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/core/emulator/emulator.js';
import {
  FaultInjector,
  type FaultOptions,
  formatFaults,
  parseFaults,
} from '../../src/core/emulator/faults.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';

async function call(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe('parseFaults / formatFaults', () => {
  it('parses the flag spec and formats it back', () => {
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
    expect(parseFaults(' seed = 7 , latency=20 ')).toEqual({ seed: 7, latencyMs: [20, 20] });
    expect(parseFaults('')).toEqual({});
  });

  it.each([
    ['5xx=2', /5xx must be a rate from 0 to 1/],
    ['429=-0.1', /429 must be a rate/],
    ['drop=lots', /drop must be a rate/],
    ['5xx=', /5xx must be a rate/],
    ['seed=1.5', /seed must be an integer/],
    ['latency=fast', /latency must be MIN-MAX/],
    ['latency=50-5', /latency MAX must not be below MIN/],
    ['retry-after=-1', /retry-after must be whole seconds/],
    ['lag=5', /unknown fault "lag"/],
  ])('refuses %s, naming the key and showing the format', (spec, message) => {
    expect(() => parseFaults(spec)).toThrow(message);
    expect(() => parseFaults(spec)).toThrow(/format: seed=N,latency=MIN-MAX,5xx=RATE,429=RATE/);
  });
});

describe('FaultInjector', () => {
  const decisions = (options: FaultOptions, n = 300) => {
    const injector = new FaultInjector(options);
    return Array.from({ length: n }, () => injector.decide());
  };
  const mixed = {
    errorRate: 0.2,
    rateLimitRate: 0.1,
    dropRate: 0.05,
    latencyMs: [0, 20] as [number, number],
  };

  it('decides the same sequence for the same seed, and another for another seed', () => {
    expect(decisions({ seed: 42, ...mixed })).toEqual(decisions({ seed: 42, ...mixed }));
    expect(decisions({ seed: 42, ...mixed })).not.toEqual(decisions({ seed: 43, ...mixed }));
  });

  it('keeps to the rates and the latency range', () => {
    const all = decisions({ seed: 9, ...mixed }, 2000);
    const share = (kind: string) => all.filter((d) => d.kind === kind).length / all.length;
    expect(share('error')).toBeCloseTo(0.2, 1);
    expect(share('rate_limited')).toBeCloseTo(0.1, 1);
    expect(share('drop')).toBeCloseTo(0.05, 1);
    expect(all.every((d) => d.latencyMs >= 0 && d.latencyMs <= 20)).toBe(true);
    expect(decisions({ seed: 1 }).every((d) => d.kind === 'none' && d.latencyMs === 0)).toBe(true);
  });
});

describe('faults over HTTP', () => {
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

  /** An authenticated read each platform serves, so a non-faulted request would reach its handler. */
  const reads = (): Record<'ama2' | 'amigo' | 'atthene', [string, Record<string, string>]> => ({
    ama2: [
      `${sandbox.ama2.baseUrl}/api/v1/chat/threads/00000000-0000-0000-0000-000000000000/events`,
      { authorization: `Bearer ${sandbox.ama2.token}` },
    ],
    amigo: [`${sandbox.amigo.baseUrl}/v1/auth/me`, { authorization: `Bearer ${sandbox.amigo.apiKey}` }],
    atthene: [`${sandbox.atthene.baseUrl}/agent/`, { 'x-api-key': sandbox.atthene.apiKey }],
  });

  const serverErrorShapes = {
    ama2: { code: 'INTERNAL_ERROR', message: expect.any(String) },
    amigo: { detail: expect.any(String) },
    atthene: { error: { type: 'server_error', message: expect.any(String) } },
  };
  const rateLimitShapes = {
    ama2: { code: 'RATE_LIMITED', message: expect.any(String) },
    amigo: { detail: expect.any(String) },
    atthene: { error: { type: 'rate_limit_error', message: expect.any(String) } },
  };

  it.each(['ama2', 'amigo', 'atthene'] as const)(
    '%s: 5xx=1 fails every request in the platform shape; the handler never runs',
    async (platform) => {
      const emulator = sandbox.emulators[platform];
      emulator.setFaults({ seed: 5, errorRate: 1 });
      const { handled } = emulator.stats;
      const errors = emulator.stats.faulted.error;
      const [url, headers] = reads()[platform];
      for (let i = 0; i < 5; i++) {
        const res = await call(url, headers);
        expect([500, 503]).toContain(res.status);
        expect(res.body).toEqual(serverErrorShapes[platform]);
      }
      expect(emulator.stats.handled).toBe(handled);
      expect(emulator.stats.faulted.error).toBe(errors + 5);
    },
  );

  it.each(['ama2', 'amigo', 'atthene'] as const)(
    '%s: 429=1 answers with Retry-After in the platform shape',
    async (platform) => {
      const emulator = sandbox.emulators[platform];
      const [url, headers] = reads()[platform];
      emulator.setFaults({ rateLimitRate: 1 });
      const res = await call(url, headers);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.body).toEqual(rateLimitShapes[platform]);
      emulator.setFaults({ rateLimitRate: 1, retryAfterSeconds: 7 });
      expect((await call(url, headers)).headers.get('retry-after')).toBe('7');
    },
  );

  it('drop=1 destroys the connection: the client sees a socket error', async () => {
    const emulator = sandbox.emulators.amigo;
    emulator.setFaults({ dropRate: 1 });
    const { handled } = emulator.stats;
    const [url, headers] = reads().amigo;
    const failure = await fetch(url, { headers }).then(
      () => undefined,
      (error: unknown) => error as Error & { cause?: { code?: string } },
    );
    expect(failure).toBeInstanceOf(TypeError);
    expect(failure?.cause?.code).toMatch(/^UND_ERR_SOCKET|ECONNRESET/);
    expect(emulator.stats.faulted.dropped).toBeGreaterThanOrEqual(1);
    expect(emulator.stats.handled).toBe(handled);
  });

  it('adds latency, and exempts health routes unless includeHealth', async () => {
    const emulator = sandbox.emulators.amigo;
    const [url, headers] = reads().amigo;
    emulator.setFaults({ latencyMs: [120, 120] });
    let started = performance.now();
    expect((await call(url, headers)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);

    emulator.setFaults({ errorRate: 1, latencyMs: [300, 300] });
    started = performance.now();
    expect((await call(`${sandbox.amigo.baseUrl}/health`)).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(300);

    emulator.setFaults({ errorRate: 1, includeHealth: true });
    expect((await call(`${sandbox.amigo.baseUrl}/health`)).status).toBeGreaterThanOrEqual(500);
    sandbox.emulators.atthene.setFaults({ errorRate: 1 });
    expect((await call(`${sandbox.atthene.baseUrl}/health/`)).status).toBe(200);
  });
});

describe('seeded runs over HTTP', () => {
  const run = async (seed: number): Promise<string[]> => {
    const emulator: Emulator = createEmulator({
      platform: 'amigo',
      errorBody: (_status, _case, message) => ({ detail: message }),
      faults: { seed, errorRate: 0.25, rateLimitRate: 0.25, dropRate: 0.2 },
    });
    emulator.route('GET', '/v1/thing', () => ({ status: 200, json: {} }));
    const origin = await emulator.listen();
    const outcomes: string[] = [];
    try {
      for (let i = 0; i < 24; i++) {
        outcomes.push(
          await fetch(`${origin}/v1/thing`).then(
            async (res) => {
              await res.arrayBuffer();
              return String(res.status);
            },
            () => 'dropped',
          ),
        );
      }
    } finally {
      await emulator.close();
    }
    expect(emulator.stats.handled).toBe(outcomes.filter((o) => o === '200').length);
    return outcomes;
  };

  it('the same seed gives the same sequence of answers', async () => {
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    expect(new Set(first.map((o) => (o.startsWith('5') ? '5xx' : o)))).toEqual(
      new Set(['200', '5xx', '429', 'dropped']),
    );
    expect(await run(7)).not.toEqual(first);
  });
});
