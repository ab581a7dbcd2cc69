import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { InitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { HttpOptions } from '../core/config.js';
import { RateLimiter } from './limits.js';
import { BoundedEventStore, EventBudget } from './support.js';

/**
 * What a replica needs to rebuild a session it did not open. It holds no secret: `credentials`
 * is a hash of the credential headers' values, and the client sends those headers again on every
 * request (README "Deployment: more than one replica").
 */
export interface SessionRecord {
  id: string;
  principal: string;
  credentials: string;
  /** What the per-principal session cap counts against (Principal.rateKey). */
  owner: string;
  /** The initialize request's params: negotiated protocol version, client capabilities and info. */
  init: InitializeRequest['params'];
}

export type Admission = 'ok' | 'full' | 'owner-full';

export type RateVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

/** A session's resumable events, kept where every replica can replay them. */
export interface SessionEvents extends EventStore {
  getStreamIdForEventId(eventId: string): Promise<string | undefined>;
  /** Drops events past their age (the idle sweep). */
  prune(): void;
  /** Releases everything (the session ended). */
  clear(): void;
}

/**
 * The state replicas share: the session table, the caps and rate counts, the resumable events and
 * a message bus. In memory (one process) by default; in Redis with MCP_REDIS_URL (redis.ts).
 */
export interface SharedState {
  readonly kind: 'memory' | 'redis';
  /** Enters a session when both session caps allow it; its idle clock starts. */
  admit(record: SessionRecord, caps: { max: number; perOwner: number }, idleMs: number): Promise<Admission>;
  /** The session's record with its idle clock restarted, or undefined when it ended or expired. */
  touch(id: string, idleMs: number): Promise<SessionRecord | undefined>;
  /** Ends a session everywhere (DELETE, or its last copy went idle). */
  remove(id: string): Promise<void>;
  /** Sessions open across the fleet: in all, and of one owner. */
  count(owner?: string): Promise<number>;
  /** Messages a minute per key (MCP_SESSION_RATE_PER_MINUTE). */
  takeRate(key: string, count: number): Promise<RateVerdict>;
  events(sessionId: string): SessionEvents;
  /** Bytes of events held (this process's budget; Redis holds its own). */
  eventBytes(): number;
  /** Takes or renews `key` for `holder` for `ms`; false when another holder has it. */
  lease(key: string, holder: string, ms: number): Promise<boolean>;
  /** Lets go of `key` if `holder` has it. */
  release(key: string, holder: string): Promise<void>;
  /** The sessions that asked for updates of a watch key (credentials and URI). */
  addSubscriber(key: string, sessionId: string): Promise<void>;
  removeSubscriber(key: string, sessionId: string): Promise<void>;
  subscribers(key: string): Promise<string[]>;
  /** Fire-and-forget broadcast to every replica, this one included. */
  publish(channel: string, message: string): void;
  /** Returns the unsubscribe. */
  subscribe(channel: string, handler: (message: string) => void): () => void;
  close(): Promise<void>;
}

interface Entry {
  record: SessionRecord;
  deadline: number;
}

/** One process: the default, and the same code path as Redis for everything that uses it. */
export class MemoryState implements SharedState {
  readonly kind = 'memory';
  readonly #sessions = new Map<string, Entry>();
  readonly #rate: RateLimiter;
  readonly #budget: EventBudget;
  readonly #handlers = new Map<string, Set<(message: string) => void>>();
  readonly #leases = new Map<string, { holder: string; until: number }>();
  readonly #subscribers = new Map<string, Set<string>>();

  constructor(private readonly options: HttpOptions) {
    this.#budget = new EventBudget(options.eventStore.totalBytes);
    this.#rate = new RateLimiter(options.sessionRatePerMinute);
  }

  async admit(record: SessionRecord, caps: { max: number; perOwner: number }, idleMs: number) {
    if (this.#live().length >= caps.max) return 'full';
    if ((await this.count(record.owner)) >= caps.perOwner) return 'owner-full';
    this.#sessions.set(record.id, { record, deadline: Date.now() + idleMs });
    return 'ok';
  }

  async touch(id: string, idleMs: number) {
    const entry = this.#sessions.get(id);
    if (!entry || entry.deadline < Date.now()) return undefined;
    entry.deadline = Date.now() + idleMs;
    return entry.record;
  }

  async remove(id: string) {
    this.#sessions.delete(id);
  }

  async count(owner?: string) {
    return this.#live().filter((e) => owner === undefined || e.record.owner === owner).length;
  }

  async takeRate(key: string, count: number) {
    return this.#rate.take(key, count);
  }

  events(): SessionEvents {
    const { sessionBytes, maxAgeMs } = this.options.eventStore;
    return new BoundedEventStore({ maxBytes: sessionBytes, maxAgeMs, budget: this.#budget });
  }

  eventBytes(): number {
    return this.#budget.bytes;
  }

  async lease(key: string, holder: string, ms: number) {
    const held = this.#leases.get(key);
    if (held && held.holder !== holder && held.until > Date.now()) return false;
    this.#leases.set(key, { holder, until: Date.now() + ms });
    return true;
  }

  async release(key: string, holder: string) {
    if (this.#leases.get(key)?.holder === holder) this.#leases.delete(key);
  }

  async addSubscriber(key: string, sessionId: string) {
    const set = this.#subscribers.get(key) ?? new Set();
    set.add(sessionId);
    this.#subscribers.set(key, set);
  }

  async removeSubscriber(key: string, sessionId: string) {
    const set = this.#subscribers.get(key);
    set?.delete(sessionId);
    if (set?.size === 0) this.#subscribers.delete(key);
  }

  async subscribers(key: string) {
    return [...(this.#subscribers.get(key) ?? [])];
  }

  publish(channel: string, message: string): void {
    for (const handler of this.#handlers.get(channel) ?? []) queueMicrotask(() => handler(message));
  }

  subscribe(channel: string, handler: (message: string) => void): () => void {
    const set = this.#handlers.get(channel) ?? new Set();
    set.add(handler);
    this.#handlers.set(channel, set);
    return () => set.delete(handler);
  }

  async close() {
    this.#handlers.clear();
  }

  /** Expired records go on the way, so the caps count live sessions only. */
  #live(): Entry[] {
    const now = Date.now();
    for (const [id, entry] of this.#sessions) if (entry.deadline < now) this.#sessions.delete(id);
    return [...this.#sessions.values()];
  }
}
