import { describe, expect, it } from 'vitest';
import { PlatformError } from '../../src/core/errors.js';
import { pollWatch, WATCH_RETRIES } from '../../src/core/resources/watchers.js';

// A polling watch rides out a bounded number of transient failures in a row, and ends on the
// first failure a retry cannot cure (issue #13: nothing polls forever after a 401 or 404).

const failure = (kind: 'server' | 'auth' | 'rate_limited', retryAfterMs?: number) =>
  new PlatformError({ kind, platform: 'amigo', message: `${kind} failure`, retryAfterMs });

function script(steps: Array<number | PlatformError>) {
  let reads = 0;
  const seen: number[] = [];
  const run = pollWatch<number>({
    signal: AbortSignal.timeout(10_000),
    intervalMs: 5,
    read: async () => {
      const step = steps[reads++] ?? 99;
      if (step instanceof PlatformError) throw step;
      return step;
    },
    seen: (value) => {
      seen.push(value);
      return value === 99;
    },
  });
  return { run, reads: () => reads, seen };
}

describe('pollWatch', () => {
  it('retries transient failures (5xx, 429) in a row up to the bound, then goes on polling', async () => {
    const steps = [
      1,
      failure('server'),
      failure('rate_limited'),
      failure('server'),
      2,
      failure('server'),
      99,
    ];
    const { run, reads, seen } = script(steps);
    await run;
    expect(seen).toEqual([1, 2, 99]);
    expect(reads()).toBe(steps.length);
  });

  it('ends with the error after one transient failure too many', async () => {
    const steps = Array.from({ length: WATCH_RETRIES + 1 }, () => failure('server'));
    const { run, reads } = script([...steps, 1, 2]);
    await expect(run).rejects.toThrow('server failure');
    expect(reads()).toBe(WATCH_RETRIES + 1);
  });

  it('ends at once on a failure a retry cannot cure (401)', async () => {
    const { run, reads } = script([1, failure('auth'), 2]);
    await expect(run).rejects.toMatchObject({ kind: 'auth' });
    expect(reads()).toBe(2);
  });
});
