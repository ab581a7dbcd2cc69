// Seeded fault injection for the sandbox emulators: latency, 5xx, 429 with Retry-After, dropped
// connections. Decided before a handler runs, so a faulted request never reaches the handler.

export interface FaultOptions {
  seed?: number;
  /** Added latency, uniformly between min and max milliseconds. */
  latencyMs?: [number, number];
  /** Share of requests answered 500/503 (0..1). */
  errorRate?: number;
  /** Share of requests answered 429 with Retry-After (0..1). */
  rateLimitRate?: number;
  retryAfterSeconds?: number;
  /** Share of requests whose connection is destroyed without an answer (0..1). */
  dropRate?: number;
  /** Apply faults to the health routes too (off by default, so probes stay meaningful). */
  includeHealth?: boolean;
}

export type FaultDecision =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'error'; latencyMs: number; status: 500 | 503 }
  | { kind: 'rate_limited'; latencyMs: number; retryAfterSeconds: number }
  | { kind: 'drop'; latencyMs: number };

const FORMAT = 'seed=N,latency=MIN-MAX,5xx=RATE,429=RATE,retry-after=SECONDS,drop=RATE (rates from 0 to 1)';

function rate(key: string, value: string): number {
  const n = Number(value);
  if (value === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new Error(`${key} must be a rate from 0 to 1; format: ${FORMAT}`);
  return n;
}

/** Parses `seed=42,latency=5-50,5xx=0.2,429=0.1,drop=0.05,retry-after=1`. */
export function parseFaults(spec: string): FaultOptions {
  const faults: FaultOptions = {};
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key = '', value = ''] = part.split('=', 2).map((s) => s.trim());
    switch (key) {
      case 'seed': {
        const n = Number(value);
        if (!Number.isInteger(n)) throw new Error(`seed must be an integer; format: ${FORMAT}`);
        faults.seed = n;
        break;
      }
      case 'latency': {
        const match = /^(\d+)(?:-(\d+))?$/.exec(value);
        if (!match)
          throw new Error(`latency must be MIN-MAX milliseconds, e.g. latency=5-50; format: ${FORMAT}`);
        const min = Number(match[1]);
        const max = Number(match[2] ?? match[1]);
        if (max < min) throw new Error(`latency MAX must not be below MIN; format: ${FORMAT}`);
        faults.latencyMs = [min, max];
        break;
      }
      case '5xx':
        faults.errorRate = rate(key, value);
        break;
      case '429':
        faults.rateLimitRate = rate(key, value);
        break;
      case 'drop':
        faults.dropRate = rate(key, value);
        break;
      case 'retry-after': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0)
          throw new Error(`retry-after must be whole seconds; format: ${FORMAT}`);
        faults.retryAfterSeconds = n;
        break;
      }
      default:
        throw new Error(`unknown fault "${key}"; format: ${FORMAT}`);
    }
  }
  return faults;
}

export function formatFaults(f: FaultOptions): string {
  return [
    f.seed !== undefined && `seed=${f.seed}`,
    f.latencyMs && `latency=${f.latencyMs[0]}-${f.latencyMs[1]}`,
    f.errorRate !== undefined && `5xx=${f.errorRate}`,
    f.rateLimitRate !== undefined && `429=${f.rateLimitRate}`,
    f.retryAfterSeconds !== undefined && `retry-after=${f.retryAfterSeconds}`,
    f.dropRate !== undefined && `drop=${f.dropRate}`,
  ]
    .filter(Boolean)
    .join(',');
}

/** mulberry32: small, fast, and the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  #random: () => number;
  constructor(readonly options: FaultOptions = {}) {
    this.#random = seededRandom(options.seed ?? 1);
  }

  decide(): FaultDecision {
    const o = this.options;
    const [min, max] = o.latencyMs ?? [0, 0];
    const latencyMs = Math.round(min + this.#random() * (max - min));
    // One draw decides the fault, so each rate is exact in expectation and rates add up.
    const roll = this.#random();
    const error = o.errorRate ?? 0;
    const limited = error + (o.rateLimitRate ?? 0);
    const drop = limited + (o.dropRate ?? 0);
    if (roll < error) return { kind: 'error', latencyMs, status: this.#random() < 0.5 ? 500 : 503 };
    if (roll < limited)
      return { kind: 'rate_limited', latencyMs, retryAfterSeconds: o.retryAfterSeconds ?? 1 };
    if (roll < drop) return { kind: 'drop', latencyMs };
    return { kind: 'none', latencyMs };
  }
}
