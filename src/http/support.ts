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
  id: string;
  streamId: string;
  json: string;
  bytes: number;
  at: number;
}

let lastMessage: unknown;
let lastJson = '';
/**
 * The JSON of an outgoing message, written once: the SDK hands each message to the event store and
 * then to the stream, one right after the other (HttpTransport writes the stream with this too).
 */
export function messageJson(message: JSONRPCMessage): string {
  if (message !== lastMessage) {
    lastJson = JSON.stringify(message);
    lastMessage = message;
  }
  return lastJson;
}

/**
 * Events of the session's SSE streams kept in memory so a client whose stream dropped can resume
 * with Last-Event-ID. Bounded by bytes and age per session and by a global budget (issue #12 E5):
 * the oldest events go first; an event that does not fit is sent but not kept (not resumable).
 * A queue, not a Map: a Map used as one makes every "oldest" a scan over the slots its deletions
 * left behind, and lookups by id happen only when a client resumes.
 */
export class BoundedEventStore implements EventStore {
  #queue: StoredEvent[] = [];
  #head = 0;
  #bytes = 0;
  // Ids are this store's random prefix and a count: unique across stores (the standalone GET
  // stream has the same stream id in every session) without a randomUUID per event.
  readonly #prefix = randomUUID().slice(0, 8);
  #count = 0;
  constructor(private readonly limits: EventStoreLimits) {}

  get bytes(): number {
    return this.#bytes;
  }

  get #size(): number {
    return this.#queue.length - this.#head;
  }

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = `${streamId}_${this.#prefix}${++this.#count}`;
    const now = Date.now();
    this.prune(now);
    const json = messageJson(message);
    const bytes = Buffer.byteLength(json);
    const { budget, maxBytes } = this.limits;
    if (bytes > maxBytes || bytes > budget.maxBytes) return id;
    while (this.#size > 0 && (this.#bytes + bytes > maxBytes || budget.bytes + bytes > budget.maxBytes))
      this.#dropOldest();
    // Other sessions hold the rest of the global budget.
    if (budget.bytes + bytes > budget.maxBytes) return id;
    this.#queue.push({ id, streamId, json, bytes, at: now });
    this.#bytes += bytes;
    budget.bytes += bytes;
    return id;
  }

  /** Drops events past their age; also called by the idle sweep so quiet sessions let go too. */
  prune(now = Date.now()): void {
    const cutoff = now - this.limits.maxAgeMs;
    while (this.#size > 0 && (this.#queue[this.#head] as StoredEvent).at < cutoff) this.#dropOldest();
  }

  /** Releases everything (the session closed). */
  clear(): void {
    while (this.#size > 0) this.#dropOldest();
  }

  #dropOldest(): void {
    const oldest = this.#queue[this.#head];
    if (!oldest) return;
    this.#queue[this.#head++] = undefined as unknown as StoredEvent;
    this.#bytes -= oldest.bytes;
    this.limits.budget.bytes -= oldest.bytes;
    // Compact once the dropped head is most of the array (amortised O(1) per event).
    if (this.#head > 64 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #find(eventId: string): number {
    for (let i = this.#head; i < this.#queue.length; i++) if (this.#queue[i]?.id === eventId) return i;
    return -1;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    return this.#queue[this.#find(eventId)]?.streamId;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (id: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const at = this.#find(lastEventId);
    const last = this.#queue[at];
    if (at < 0 || !last) return '';
    // A copy: sending may store new events meanwhile.
    for (const event of this.#queue.slice(at + 1))
      if (event.streamId === last.streamId) await send(event.id, JSON.parse(event.json) as JSONRPCMessage);
    return last.streamId;
  }
}

/**
 * Messages in a sliding minute, counted per second: 60 counters whatever the limit, where a
 * timestamp per message made a limit raised to a million hold a million numbers and drop the
 * oldest with an Array shift, O(n) each (19 µs a message at 3,000 a second; issue #15). A message
 * counts until the minute after its second began (59 to 60 s). `retryAfterSeconds` when over.
 */
export class RateWindow {
  readonly #counts = new Array<number>(60).fill(0);
  /** The newest second counted (epoch seconds); counters of older seconds hold what they held. */
  #second = 0;
  #total = 0;
  constructor(private readonly perMinute: number) {}

  take(now = Date.now(), count = 1): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const second = this.#expire(now);
    if (this.#total + count > this.perMinute) return { ok: false, retryAfterSeconds: this.#retryAfter(now) };
    this.#counts[second % 60] = (this.#counts[second % 60] ?? 0) + count;
    this.#total += count;
    return { ok: true };
  }

  /** Nothing counted in the last minute. */
  idle(now = Date.now()): boolean {
    this.#expire(now);
    return this.#total === 0;
  }

  /** Seconds until the oldest second still counted leaves the window. */
  #retryAfter(now: number): number {
    for (let s = this.#second - 59; s <= this.#second; s++) {
      if ((this.#counts[((s % 60) + 60) % 60] ?? 0) > 0)
        return Math.max(1, Math.ceil(((s + 60) * 1000 - now) / 1000));
    }
    return 1;
  }

  /** Zeroes the seconds that left the window; returns the current second. */
  #expire(now: number): number {
    const second = Math.floor(now / 1000);
    if (second <= this.#second) return this.#second;
    if (second - this.#second >= 60) {
      this.#counts.fill(0);
      this.#total = 0;
    } else {
      for (let s = this.#second + 1; s <= second; s++) {
        this.#total -= this.#counts[s % 60] ?? 0;
        this.#counts[s % 60] = 0;
      }
    }
    this.#second = second;
    return second;
  }
}
