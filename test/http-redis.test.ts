import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/core/config.js';
import { createLogger } from '../src/core/log.js';
import { connectRedis } from '../src/http/redis.js';
import type { SharedState } from '../src/http/shared.js';
import { redisAvailable, startTestRedis, type TestRedis } from './helpers/redis.js';

// The Redis side of issue #15's scale-out: the bounds a replica cannot see for itself. The
// two-replica behaviour is in test/e2e/replicas.test.ts against the built CLI.

const message = (id: number, size: number): JSONRPCMessage => ({
  jsonrpc: '2.0',
  id,
  result: { text: 'x'.repeat(size) },
});

function httpOptions(env: Record<string, string>) {
  const action = parseConfig(['--sandbox', '--http'], env);
  if (action.kind !== 'run') throw new Error('expected a run config');
  return action.config.http;
}

const runs = redisAvailable();
let redis: TestRedis;
let shared: SharedState;
const log = createLogger({ level: 'silent' });

beforeAll(async () => {
  if (!runs) return;
  redis = await startTestRedis();
  const options = httpOptions({ MCP_EVENT_STORE_SESSION_BYTES: '10000', MCP_EVENT_STORE_SECONDS: '1' });
  shared = await connectRedis(redis.url(6), options, log);
});
afterAll(async () => {
  await shared?.close();
  await redis?.stop();
});

describe.skipIf(!runs)('shared state in Redis', () => {
  it('keeps a session under its event byte cap, oldest first, drops what is too large, and ages events out', async () => {
    const events = shared.events('s-bytes');
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await events.storeEvent('stream', message(i, 3000)));
    expect(await events.getStreamIdForEventId(ids[19]!)).toBe('stream');
    expect(await events.getStreamIdForEventId(ids[0]!)).toBeUndefined();
    const replayed: string[] = [];
    await events.replayEventsAfter(ids[17]!, { send: async (id) => void replayed.push(id) });
    expect(replayed).toEqual([ids[18], ids[19]]);
    // Larger than a session may hold: sent, never kept.
    const big = await events.storeEvent('stream', message(99, 20_000));
    expect(await events.getStreamIdForEventId(big)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1100));
    expect(await events.getStreamIdForEventId(ids[19]!)).toBeUndefined();
  });

  it('ends a session with its events and frees its place in both caps', async () => {
    const init = { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } };
    const record = (id: string) => ({ id, principal: 'p', credentials: 'c', owner: 'o', init });
    const caps = { max: 2, perOwner: 1 };
    expect(await shared.admit(record('one'), caps, 60_000)).toBe('ok');
    expect(await shared.admit(record('two'), caps, 60_000)).toBe('owner-full');
    await shared.events('one').storeEvent('stream', message(1, 10));
    expect((await shared.touch('one', 60_000))?.init).toEqual(init);
    await shared.remove('one');
    expect(await shared.touch('one', 60_000)).toBeUndefined();
    expect(await shared.count('o')).toBe(0);
    expect(await shared.admit(record('two'), caps, 60_000)).toBe('ok');
  });

  it('counts the message rate per second across callers: the limit holds, and a raised one keeps 60 counters at most', async () => {
    const limited = await connectRedis(redis.url(7), httpOptions({ MCP_SESSION_RATE_PER_MINUTE: '5' }), log);
    const raised = await connectRedis(
      redis.url(7),
      httpOptions({ MCP_SESSION_RATE_PER_MINUTE: '1000000' }),
      log,
    );
    const client = new Redis(redis.url(7));
    const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((name) => `${name}-${Date.now()}`) as [
      string,
      string,
      string,
    ];
    try {
      expect(await limited.takeRate(alice, 3)).toEqual({ ok: true });
      expect(await limited.takeRate(alice, 2)).toEqual({ ok: true });
      const over = await limited.takeRate(alice, 1);
      expect(over.ok).toBe(false);
      expect(over.ok === false && over.retryAfterSeconds).toBeGreaterThanOrEqual(59);
      expect(over.ok === false && over.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect(await limited.takeRate(bob, 5)).toEqual({ ok: true });
      for (let i = 0; i < 2_000; i++) await raised.takeRate(carol, 1);
      const key = (await client.keys(`*${carol}*`))[0] ?? '';
      // One counter per second the 2,000 messages spanned (a sorted set held one entry each).
      expect(await client.type(key)).toBe('hash');
      expect(await client.hlen(key)).toBeLessThanOrEqual(60);
      const counts = Object.values(await client.hgetall(key)).map(Number);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(2_000);
    } finally {
      client.disconnect();
      await Promise.all([limited.close(), raised.close()]);
    }
  });

  it('refuses to start on an unreachable Redis, naming MCP_REDIS_URL without its password', async () => {
    const options = httpOptions({});
    const failed = await connectRedis('redis://:hunter2secret@127.0.0.1:1/0', options, log).catch(
      (e: Error) => e,
    );
    expect(String(failed)).toContain('cannot reach Redis at MCP_REDIS_URL');
    expect(String(failed)).not.toContain('hunter2secret');
  });
});

describe('MCP_REDIS_URL', () => {
  it('must be a redis:// or rediss:// URL', () => {
    expect(() => httpOptions({ MCP_REDIS_URL: 'http://redis:6379' })).toThrow(
      /MCP_REDIS_URL must be a redis:\/\//,
    );
    expect(httpOptions({ MCP_REDIS_URL: 'rediss://redis:6380/1' }).redisUrl).toBe('rediss://redis:6380/1');
    expect(httpOptions({}).redisUrl).toBeUndefined();
  });
});
