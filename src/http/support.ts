import { randomUUID } from 'node:crypto';
import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** Bytes held by every session's event store together, against one process-wide cap. */
export class EventBudget {
  bytes = 0;
  constructor(readonly maxBytes: number) {}
}

export interface EventStoreLimits {
  /** Bytes one session's store may hold. */
  maxBytes: number;
  /** Events older than this are dropped. */
  maxAgeMs: number;
  budget: EventBudget;
}

interface StoredEvent {
  streamId: string;
  json: string;
  bytes: number;
  at: number;
}

/**
 * Events of the session's SSE streams kept in memory so a client whose stream dropped can resume
 * with Last-Event-ID. Bounded by bytes and age per session and by a global budget (issue #12 E5):
 * the oldest events go first; an event that does not fit is sent but not kept (not resumable).
 */
export class BoundedEventStore implements EventStore {
  readonly #events = new Map<string, StoredEvent>();
  #bytes = 0;
  // Ids are this store's random prefix and a count: unique across stores (the standalone GET
  // stream has the same stream id in every session) without a randomUUID per event.
  readonly #prefix = randomUUID().slice(0, 8);
  #count = 0;
  constructor(private readonly limits: EventStoreLimits) {}

  get bytes(): number {
    return this.#bytes;
  }

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = `${streamId}_${this.#prefix}${++this.#count}`;
    const now = Date.now();
    this.prune(now);
    const json = JSON.stringify(message);
    const bytes = Buffer.byteLength(json);
    const { budget, maxBytes } = this.limits;
    if (bytes > maxBytes || bytes > budget.maxBytes) return id;
    while (
      this.#events.size > 0 &&
      (this.#bytes + bytes > maxBytes || budget.bytes + bytes > budget.maxBytes)
    )
      this.#dropOldest();
    // Other sessions hold the rest of the global budget.
    if (budget.bytes + bytes > budget.maxBytes) return id;
    this.#events.set(id, { streamId, json, bytes, at: now });
    this.#bytes += bytes;
    budget.bytes += bytes;
    return id;
  }

  /** Drops events past their age; also called by the idle sweep so quiet sessions let go too. */
  prune(now = Date.now()): void {
    const cutoff = now - this.limits.maxAgeMs;
    for (const event of this.#events.values()) {
      if (event.at >= cutoff) break;
      this.#dropOldest();
    }
  }

  /** Releases everything (the session closed). */
  clear(): void {
    while (this.#events.size > 0) this.#dropOldest();
  }

  #dropOldest(): void {
    const oldest = this.#events.entries().next().value;
    if (!oldest) return;
    this.#events.delete(oldest[0]);
    this.#bytes -= oldest[1].bytes;
    this.limits.budget.bytes -= oldest[1].bytes;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    return this.#events.get(eventId)?.streamId;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (id: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const last = this.#events.get(lastEventId);
    if (!last) return '';
    let after = false;
    for (const [id, event] of [...this.#events]) {
      if (id === lastEventId) after = true;
      else if (after && event.streamId === last.streamId)
        await send(id, JSON.parse(event.json) as JSONRPCMessage);
    }
    return last.streamId;
  }
}

/** Messages in a sliding minute; `retryAfterSeconds` when over the limit. */
export class RateWindow {
  readonly #times: number[] = [];
  constructor(private readonly perMinute: number) {}

  take(now = Date.now(), count = 1): { ok: true } | { ok: false; retryAfterSeconds: number } {
    this.#expire(now);
    if (this.#times.length + count > this.perMinute) {
      const first = this.#times[0] ?? now;
      return {
        ok: false,
        retryAfterSeconds: Math.max(1, Math.ceil((first + 60_000 - now) / 1000)),
      };
    }
    for (let i = 0; i < count; i++) this.#times.push(now);
    return { ok: true };
  }

  /** Nothing counted in the last minute. */
  idle(now = Date.now()): boolean {
    this.#expire(now);
    return this.#times.length === 0;
  }

  #expire(now: number): void {
    while (this.#times.length > 0 && this.#times[0]! <= now - 60_000) this.#times.shift();
  }
}
