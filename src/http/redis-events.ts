import { randomUUID } from 'node:crypto';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Redis as RedisClient } from 'ioredis';
import type { RunScript } from './redis.js';
import type { SessionEvents } from './shared.js';
import { messageJson } from './support.js';

interface StoredEvent {
  /** Event id, stream id, message JSON, bytes, stored at. */
  i: string;
  s: string;
  m: string;
  b: number;
  t: number;
}

/**
 * A session's resumable events in Redis, so a client whose stream dropped on one replica resumes
 * it with Last-Event-ID on another. One list per session, bounded as BoundedEventStore is: by
 * bytes (MCP_EVENT_STORE_SESSION_BYTES, the oldest go first; an event larger than that is sent but
 * not kept) and by age (MCP_EVENT_STORE_SECONDS: older events are trimmed on write, skipped on
 * replay, and the list expires that long after its last event). The fleet-wide total is bounded
 * by MCP_MAX_SESSIONS times the per-session bytes, and by Redis's own maxmemory.
 */
export class RedisEvents implements SessionEvents {
  static readonly SCRIPTS = {
    // KEYS: list, bytes. ARGV: entry json, bytes, max bytes, now, max age ms.
    storeEvent: `
      local max, cutoff = tonumber(ARGV[3]), tonumber(ARGV[4]) - tonumber(ARGV[5])
      redis.call('RPUSH', KEYS[1], ARGV[1])
      local total = redis.call('INCRBY', KEYS[2], ARGV[2])
      while true do
        local head = redis.call('LINDEX', KEYS[1], 0)
        if not head then break end
        local event = cjson.decode(head)
        if total <= max and event.t >= cutoff then break end
        redis.call('LPOP', KEYS[1])
        total = redis.call('DECRBY', KEYS[2], event.b)
      end
      redis.call('PEXPIRE', KEYS[1], ARGV[5])
      redis.call('PEXPIRE', KEYS[2], ARGV[5])
      return total`,
  } as const;

  static keys(sessionId: string): [string, string] {
    return [`mcp:events:${sessionId}`, `mcp:event-bytes:${sessionId}`];
  }

  readonly #keys: [string, string];

  constructor(
    sessionId: string,
    private readonly run: RunScript,
    private readonly client: RedisClient,
    private readonly limits: { sessionBytes: number; maxAgeMs: number },
  ) {
    this.#keys = RedisEvents.keys(sessionId);
  }

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = `${streamId}_${randomUUID()}`;
    const m = messageJson(message);
    const b = Buffer.byteLength(m);
    if (b > this.limits.sessionBytes) return id;
    const entry: StoredEvent = { i: id, s: streamId, m, b, t: Date.now() };
    const args = [JSON.stringify(entry), b, this.limits.sessionBytes, entry.t, this.limits.maxAgeMs];
    await this.run('storeEvent', this.#keys, args);
    return id;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    return (await this.#all()).find((e) => e.i === eventId)?.s;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (id: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const events = await this.#all();
    const at = events.findIndex((e) => e.i === lastEventId);
    const last = events[at];
    if (!last) return '';
    for (const event of events.slice(at + 1))
      if (event.s === last.s) await send(event.i, JSON.parse(event.m) as JSONRPCMessage);
    return last.s;
  }

  /** Trimmed on write and expired by Redis. */
  prune(): void {}

  /** Another replica may still serve the session: its events stay until it ends (SharedState.remove). */
  clear(): void {}

  async #all(): Promise<StoredEvent[]> {
    const cutoff = Date.now() - this.limits.maxAgeMs;
    const raw = await this.client.lrange(this.#keys[0], 0, -1);
    return raw.map((line) => JSON.parse(line) as StoredEvent).filter((e) => e.t >= cutoff);
  }
}
