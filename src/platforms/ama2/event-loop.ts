import { createHash } from 'node:crypto';
import type { PlatformError } from '../../core/errors.js';

// The request budget and reconnect policy of Ama2Client.streamEvents (apis/ama2.md §2 "Rate
// limits": 300/min per key for polling and streaming together; the stream's lifetime is not
// documented, so the server may end it at once).

/**
 * Requests a minute the event loops (waits and subscriptions) of one key may make to the poll and
 * stream routes together, across every client and session of this process: half the documented
 * 300 per key, so the key keeps room for explicit polls and other processes.
 */
export const EVENT_LOOP_REQUESTS_PER_MINUTE = 150;
/** Keys whose windows are kept; past this the least recently used idle window is dropped. */
export const MAX_KEY_WINDOWS = 1000;
const WINDOW_MS = 60_000;

/** One caller (a session) may hold at most this share of a key's window: others always find room. */
export const CALLER_SHARE = 2 / 3;

/**
 * At most `limit` requests in any `windowMs`. record() counts one at once (an explicit poll);
 * reserve() waits its turn: callers are served round robin (one grant each in turn), each
 * caller's own requests in order, and no caller holds more than CALLER_SHARE of the window, so
 * one session's many loops cannot starve another session's wait.
 */
export class RequestWindow {
  readonly #times: Array<{ at: number; caller: object | undefined }> = [];
  readonly #held = new Map<object, number>();
  readonly #queues = new Map<object, Array<() => void>>();
  #timer: NodeJS.Timeout | undefined;
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  record(): void {
    this.#prune();
    this.#push(undefined);
  }

  reserve(caller: object, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const grant = () => {
        signal.removeEventListener('abort', cancel);
        resolve();
      };
      const cancel = () => {
        const queue = this.#queues.get(caller) ?? [];
        const at = queue.indexOf(grant);
        if (at >= 0) queue.splice(at, 1);
        if (queue.length === 0) this.#queues.delete(caller);
        reject(signal.reason);
      };
      signal.addEventListener('abort', cancel, { once: true });
      const queue = this.#queues.get(caller);
      if (queue) queue.push(grant);
      else this.#queues.set(caller, [grant]);
      this.#drain();
    });
  }

  /** Neither a request in the window nor a caller waiting: the window can be dropped. */
  idle(): boolean {
    return this.#queues.size === 0 && this.#prune() === 0;
  }

  #drain(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (let caller = this.#next(); caller; caller = this.#next()) {
      const queue = this.#queues.get(caller) ?? [];
      // The caller goes to the back of the turn order (Map order is insertion order).
      this.#queues.delete(caller);
      const grant = queue.shift();
      if (queue.length > 0) this.#queues.set(caller, queue);
      this.#push(caller);
      grant?.();
    }
    if (this.#queues.size === 0) return;
    const oldest = this.#times[0]?.at ?? Date.now();
    this.#timer = setTimeout(() => this.#drain(), Math.max(1, oldest + this.windowMs - Date.now()));
    this.#timer.unref();
  }

  /** The first waiting caller, in turn order, that may make a request now. */
  #next(): object | undefined {
    if (this.#prune() >= this.limit) return undefined;
    const share = Math.max(1, Math.floor(this.limit * CALLER_SHARE));
    for (const caller of this.#queues.keys()) if ((this.#held.get(caller) ?? 0) < share) return caller;
    return undefined;
  }

  #push(caller: object | undefined): void {
    this.#times.push({ at: Date.now(), caller });
    if (caller) this.#held.set(caller, (this.#held.get(caller) ?? 0) + 1);
  }

  /** Drops requests that left the window; the count still inside. */
  #prune(): number {
    const since = Date.now() - this.windowMs;
    for (let first = this.#times[0]; first && first.at <= since; first = this.#times[0]) {
      this.#times.shift();
      const held = (first.caller && this.#held.get(first.caller)) || 0;
      if (first.caller && held > 1) this.#held.set(first.caller, held - 1);
      else if (first.caller) this.#held.delete(first.caller);
    }
    return this.#times.length;
  }
}

// One window per key for the whole process: sessions sharing the server's client and sessions
// sending the same key in headers draw on the same budget. Keyed by a hash, never the token.
const windows = new Map<string, RequestWindow>();

/** The event-loop window of a key (API origin and bearer token) for this process. */
export function windowFor(origin: string, token: string | undefined): RequestWindow {
  const key = createHash('sha256')
    .update(`${origin}\n${token ?? ''}`)
    .digest('hex');
  const found = windows.get(key);
  if (found) {
    // Most recently used last, so eviction finds the stalest first.
    windows.delete(key);
    windows.set(key, found);
    return found;
  }
  const created = new RequestWindow(EVENT_LOOP_REQUESTS_PER_MINUTE, WINDOW_MS);
  windows.set(key, created);
  if (windows.size > MAX_KEY_WINDOWS) evictOne(key);
  return created;
}

/**
 * Drops the least recently used idle window, else the least recently used one (memory stays
 * bounded; only with more busy keys than MAX_KEY_WINDOWS can a key's count start afresh).
 */
function evictOne(keep: string): void {
  let stalest: string | undefined;
  for (const [key, window] of windows) {
    if (key === keep) continue;
    stalest ??= key;
    if (window.idle()) {
      windows.delete(key);
      return;
    }
  }
  if (stalest !== undefined) windows.delete(stalest);
}

/** How many key windows the process holds (for tests of the bound). */
export function keyWindowCount(): number {
  return windows.size;
}

/** Exponential backoff with full jitter: a random wait in [0, min(cap, base * 2^attempt)). */
export class Backoff {
  #attempt = 0;
  constructor(
    readonly baseMs: number,
    readonly capMs: number,
    readonly random: () => number,
  ) {}
  next(): number {
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    return this.random() * ceiling;
  }
  reset(): void {
    this.#attempt = 0;
  }
}

/** Reconnect backoff between streams: full jitter from 1 s, never longer than the poll interval. */
export const RECONNECT_BACKOFF = { baseMs: 1000 } as const;
/** Streams ending this many times in a row without being healthy make the loop poll instead. */
export const SHORT_STREAMS_BEFORE_POLLING = 3;
/** While polling, the stream is tried again after this long, doubling up to STREAM_RETRY_MAX_MS. */
export const STREAM_RETRY_MS = 30_000;
const STREAM_RETRY_MAX_MS = 300_000;
/** A stream that stayed open this long (or delivered a frame) was healthy. */
const HEALTHY_STREAM_MS = 30_000;
/** Backoff after failed requests (5xx, 429, network), reset by the next success. */
const FAILURE_BACKOFF = { baseMs: 1000, capMs: 30_000 } as const;

/** What one turn of the loop did. */
export interface Turn {
  /** A stream was open (it ended or failed). */
  streamed: boolean;
  /** How long it was open. */
  openMs: number;
  /** It delivered a frame. */
  delivered: boolean;
  failure?: PlatformError;
}

/**
 * Whether the next turn streams and how long to pause before it. Every pause is at most the poll
 * interval unless requests fail, so no reply waits behind a blind sleep: streams that end at once
 * a few times in a row make the loop poll every interval (the stream is retried now and then).
 */
export class ReconnectPolicy {
  #shortStreams = 0;
  #pollingUntil: number | undefined;
  #retryMs = STREAM_RETRY_MS;
  readonly #backoff: Backoff;
  readonly #failures: Backoff;
  constructor(
    readonly intervalMs: number,
    random: () => number,
  ) {
    this.#backoff = new Backoff(RECONNECT_BACKOFF.baseMs, intervalMs, random);
    this.#failures = new Backoff(FAILURE_BACKOFF.baseMs, FAILURE_BACKOFF.capMs, random);
  }

  useStream(): boolean {
    return this.#pollingUntil === undefined || Date.now() >= this.#pollingUntil;
  }

  /** The pause before the next turn. */
  after(turn: Turn): number {
    if (turn.failure) {
      if (turn.streamed || this.useStream()) this.#poll();
      return Math.max(this.intervalMs, this.#failures.next(), turn.failure.retryAfterMs ?? 0);
    }
    this.#failures.reset();
    if (!turn.streamed) return this.intervalMs;
    if (turn.delivered || turn.openMs >= HEALTHY_STREAM_MS) {
      this.#shortStreams = 0;
      this.#pollingUntil = undefined;
      this.#retryMs = STREAM_RETRY_MS;
      this.#backoff.reset();
      return Math.min(this.intervalMs, this.#backoff.next());
    }
    if (this.#pollingUntil !== undefined || ++this.#shortStreams >= SHORT_STREAMS_BEFORE_POLLING) {
      this.#poll();
      return this.intervalMs;
    }
    return Math.min(this.intervalMs, this.#backoff.next());
  }

  /** Polls from now on; the stream is tried again later, each retry later than the last. */
  #poll(): void {
    if (this.#pollingUntil !== undefined) this.#retryMs = Math.min(this.#retryMs * 2, STREAM_RETRY_MAX_MS);
    this.#pollingUntil = Date.now() + this.#retryMs;
  }
}
