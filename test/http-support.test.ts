import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/http/limits.js';
import { BoundedEventStore, EventBudget, RateWindow } from '../src/http/support.js';

// The accounting behind issue #12 E4 and E5, in memory; the attacks themselves are in
// test/hardening/remote.test.ts against the built CLI.

const message = (id: number, size: number): JSONRPCMessage => ({
  jsonrpc: '2.0',
  id,
  result: { text: 'x'.repeat(size) },
});

describe('BoundedEventStore', () => {
  it('keeps each store under its byte cap and all stores under the shared budget; the oldest go first', async () => {
    const budget = new EventBudget(25_000);
    const limits = { maxBytes: 10_000, maxAgeMs: 60_000, budget };
    const a = new BoundedEventStore(limits);
    const b = new BoundedEventStore(limits);
    const c = new BoundedEventStore(limits);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await a.storeEvent('s1', message(i, 3000)));
    expect(a.bytes).toBeLessThanOrEqual(10_000);
    expect(a.bytes).toBeGreaterThan(6000);
    // The newest events remain resumable, the oldest are gone.
    expect(await a.getStreamIdForEventId(ids[19]!)).toBe('s1');
    expect(await a.getStreamIdForEventId(ids[0]!)).toBeUndefined();
    for (let i = 0; i < 20; i++) {
      await b.storeEvent('s2', message(i, 3000));
      await c.storeEvent('s3', message(i, 3000));
    }
    expect(budget.bytes).toBe(a.bytes + b.bytes + c.bytes);
    expect(budget.bytes).toBeLessThanOrEqual(25_000);
    // An event larger than a store's cap is sent but not kept.
    await a.storeEvent('s1', message(99, 20_000));
    expect(a.bytes).toBeLessThanOrEqual(10_000);
    a.clear();
    b.clear();
    c.clear();
    expect(budget.bytes).toBe(0);
  });

  it('replays the rest of a stream after an event, and drops events past their age', async () => {
    const store = new BoundedEventStore({ maxBytes: 1e6, maxAgeMs: 1000, budget: new EventBudget(1e6) });
    const first = await store.storeEvent('s', message(1, 10));
    await store.storeEvent('other', message(2, 10));
    await store.storeEvent('s', message(3, 10));
    const replayed: unknown[] = [];
    expect(await store.replayEventsAfter(first, { send: async (_id, m) => void replayed.push(m) })).toBe('s');
    expect(replayed).toEqual([message(3, 10)]);
    store.prune(Date.now() + 2000);
    expect(store.bytes).toBe(0);
  });
});

describe('RateLimiter', () => {
  it('counts a batch as its messages, per key, and stays bounded in keys', () => {
    const limiter = new RateLimiter(5, 3);
    expect(limiter.take('alice', 100).ok).toBe(false);
    expect(limiter.take('alice', 5).ok).toBe(true);
    expect(limiter.take('alice', 1)).toMatchObject({ ok: false, retryAfterSeconds: 60 });
    expect(limiter.take('bob', 1).ok).toBe(true);
    for (let i = 0; i < 10; i++) limiter.take(`addr:${i}`, 1);
    expect(limiter.size).toBeLessThanOrEqual(3);
  });
});

describe('RateWindow', () => {
  const t0 = 1_800_000_000_500; // half a second into a second

  it('counts a sliding minute to the second, and says when the oldest second leaves', () => {
    const window = new RateWindow(5);
    expect(window.take(t0, 3).ok).toBe(true);
    expect(window.take(t0 + 30_000, 2).ok).toBe(true);
    expect(window.take(t0 + 30_000, 1)).toEqual({ ok: false, retryAfterSeconds: 30 });
    expect(window.take(t0 + 59_000, 1)).toEqual({ ok: false, retryAfterSeconds: 1 });
    // The first three leave when the minute after their second begins; the two stay.
    expect(window.take(t0 + 59_500, 3).ok).toBe(true);
    expect(window.take(t0 + 59_500, 1).ok).toBe(false);
    expect(window.idle(t0 + 89_000)).toBe(false);
    expect(window.idle(t0 + 119_500)).toBe(true);
  });

  it('holds a raised limit exactly over minutes of steady traffic above it', () => {
    const window = new RateWindow(1_000_000);
    // 150 s at 20,000 messages a second, a fifth over the limit: every minute of seconds takes in
    // exactly the limit once the first minute is full, and never more.
    const accepted = new Map<number, number>();
    for (let ms = 0; ms < 150_000; ms += 50) {
      const second = Math.floor((t0 + ms) / 1000);
      if (window.take(t0 + ms, 1_000).ok) accepted.set(second, (accepted.get(second) ?? 0) + 1_000);
    }
    const first = Math.floor(t0 / 1000);
    const minuteTo = (last: number) => {
      let sum = 0;
      for (let s = last - 59; s <= last; s++) sum += accepted.get(s) ?? 0;
      return sum;
    };
    for (let last = first; last < first + 150; last++) expect(minuteTo(last)).toBeLessThanOrEqual(1_000_000);
    for (let last = first + 60; last < first + 150; last++) expect(minuteTo(last)).toBe(1_000_000);
  });
});
