import { afterEach, describe, expect, it } from 'vitest';
import { Ama2Client, EVENT_LOOP_REQUESTS_PER_MINUTE } from '../../src/platforms/ama2/client.js';
import { AMA2_SANDBOX_TOKEN } from '../../src/platforms/ama2/emulator/credentials.js';
import { type Ama2Stub, startClosingStub } from './stub.js';

// The event loop's request budget holds whatever the server does and whatever the jitter draws
// (the CLI test in cli-contract.test.ts measures the ordinary case).

let stub: Ama2Stub | undefined;
let client: Ama2Client | undefined;
afterEach(async () => {
  await client?.close();
  await stub?.close();
  client = stub = undefined;
});

async function drain(c: Ama2Client, ms: number): Promise<void> {
  const signal = AbortSignal.timeout(ms);
  for await (const _event of c.streamEvents('thread-1', { afterSeq: 0, signal })) {
    // The stub has no events; the loop only reconnects.
  }
}

describe('Ama2Client.streamEvents request budget', () => {
  it('with every jittered pause drawn as 0, streams ending at once never exceed the per-minute budget', async () => {
    stub = await startClosingStub();
    client = new Ama2Client({ baseUrl: stub.url, token: AMA2_SANDBOX_TOKEN }, { random: () => 0 });
    await drain(client, 2500);
    const count = stub.requests.length;
    // Without the budget a zero pause reconnects as fast as loopback allows (thousands in 2.5 s).
    expect(count).toBeGreaterThan(EVENT_LOOP_REQUESTS_PER_MINUTE / 2);
    expect(count).toBeLessThanOrEqual(EVENT_LOOP_REQUESTS_PER_MINUTE);
    expect(EVENT_LOOP_REQUESTS_PER_MINUTE).toBeLessThanOrEqual(300);
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
      client = new Ama2Client({ baseUrl: stub.url, token: AMA2_SANDBOX_TOKEN }, { random: () => 0 });
      await drain(client, 2500);
      // One stream attempt, then polling at most every 2 s (3 s after the 429): 1 stream + 1-2 polls.
      expect(stub.requests.filter((p) => p.endsWith('/stream'))).toHaveLength(1);
      expect(stub.requests.length).toBeLessThanOrEqual(3);
    },
    10_000,
  );
});
