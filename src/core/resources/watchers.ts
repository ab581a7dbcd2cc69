import { setTimeout as sleep } from 'node:timers/promises';
import { PlatformError } from '../errors.js';
import type { Logger } from '../log.js';

export class WatchLimitError extends Error {
  override name = 'WatchLimitError';
}

export type StartWatch = (signal: AbortSignal) => Promise<void>;

/**
 * The subscriptions of one MCP session: one running watch per URI, at most `max` at once, all
 * stopped on unsubscribe or when the session closes. A watch that ends by itself (the resource
 * was deleted, the platform failed for good) is forgotten so a new subscribe can start it again.
 */
export class Watchers {
  readonly #active = new Map<string, AbortController>();
  #closed = false;

  constructor(
    private readonly max: number,
    private readonly log: Logger,
    /** Told when a watch ends with an error (the server sends the client a log notification). */
    private readonly onFailure?: (uri: string, error: unknown) => void,
  ) {}

  get size(): number {
    return this.#active.size;
  }

  has(uri: string): boolean {
    return this.#active.has(uri);
  }

  subscribe(uri: string, start: StartWatch): void {
    if (this.#closed) throw new WatchLimitError('this session is closing; subscribe again in a new session');
    if (this.#active.has(uri)) return;
    if (this.#active.size >= this.max) {
      throw new WatchLimitError(
        `at most ${this.max} subscriptions per session; unsubscribe from one (resources/unsubscribe) before adding ${uri}`,
      );
    }
    const controller = new AbortController();
    this.#active.set(uri, controller);
    start(controller.signal)
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        this.log.warn({ uri, err: error }, 'resource watch stopped with an error');
        this.onFailure?.(uri, error);
      })
      .finally(() => {
        if (this.#active.get(uri) === controller) this.#active.delete(uri);
      });
  }

  unsubscribe(uri: string): boolean {
    const controller = this.#active.get(uri);
    if (!controller) return false;
    this.#active.delete(uri);
    controller.abort();
    return true;
  }

  closeAll(): void {
    this.#closed = true;
    for (const controller of this.#active.values()) controller.abort();
    this.#active.clear();
  }
}

/** Transient failures in a row (5xx, network, timeout, 429) a polling watch rides out before it ends. */
export const WATCH_RETRIES = 3;

export interface PollOptions<T> {
  signal: AbortSignal;
  intervalMs: number;
  read(signal: AbortSignal): Promise<T>;
  /** Handles one fresh value; returns true when there is nothing more to watch. */
  seen(value: T): boolean;
  retries?: number;
}

/**
 * Polls until `seen` says done or `signal` aborts. A transient failure backs off (doubling the
 * interval, at least the Retry-After) and is retried up to `retries` times in a row; any other
 * failure, or one transient failure too many, is thrown, which ends the watch (Watchers reports it).
 */
export async function pollWatch<T>(options: PollOptions<T>): Promise<void> {
  const { signal, intervalMs, retries = WATCH_RETRIES } = options;
  let failures = 0;
  let pause = intervalMs;
  while (!signal.aborted) {
    await sleep(pause, undefined, { signal }).catch(() => {});
    if (signal.aborted) return;
    try {
      const value = await options.read(signal);
      failures = 0;
      pause = intervalMs;
      if (options.seen(value)) return;
    } catch (error) {
      if (signal.aborted) return;
      if (!(error instanceof PlatformError && error.retryable) || ++failures > retries) throw error;
      pause = Math.max(intervalMs * 2 ** failures, error.retryAfterMs ?? 0);
    }
  }
}

/** A watch as server.ts runs it: until `signal` aborts, calling `changed` on each change. */
export type RunWatch = (signal: AbortSignal, changed: () => void) => Promise<void>;

/**
 * Subscriptions shared by the sessions and replicas of an HTTP deployment (src/http/fleet.ts): a
 * resource is watched once for all sessions with the same credentials, on whichever replica holds
 * the watch, and each update reaches a subscriber on the replica holding its GET stream.
 */
export interface FleetWatch {
  /** Runs until `signal` aborts or the watch ends by itself; throws what the watch throws. */
  watch(sessionId: string, uri: string, signal: AbortSignal, run: RunWatch): Promise<void>;
  /** Records (or forgets) a session's subscription where every replica sees it. */
  remember(sessionId: string | undefined, uri: string, subscribed: boolean): Promise<void>;
  /** How to subscribe `server`'s session again, on a replica that did not take its subscribe. */
  offer(server: object, subscribe: (uri: string) => void): void;
}
