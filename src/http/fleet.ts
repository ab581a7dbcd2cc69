import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../core/log.js';
import type { FleetWatch, RunWatch } from '../core/resources/watchers.js';
import type { Session, SessionTable } from './sessions.js';
import type { SharedState } from './shared.js';

/** A watch holds its lease this long without renewing it; a replica that died lets go after it. */
export const LEASE_MS = 10_000;
const UPDATED = 'resource-updated';

/**
 * Resource subscriptions across sessions and replicas (issue #15 "Scale-out on Redis"). A watch
 * key is the session's credential binding plus the URI: sessions that read a resource with the
 * same credentials share one watch, wherever it runs (a lease in SharedState; a subscriber whose
 * replica does not hold it waits and takes over when the holder goes). Each change is broadcast;
 * every replica tells the subscribers it holds a GET stream for, and the one that took the
 * subscribe tells its subscribers in any case (the event is then kept for a resume).
 */
export class Fleet implements FleetWatch {
  /** Watch key -> sessions whose subscribe this replica served. */
  readonly #interests = new Map<string, Set<string>>();
  readonly #unsubscribe: () => void;
  /** Each live server's way to subscribe again (server.ts offers it). */
  readonly #resubscribe = new WeakMap<object, (uri: string) => void>();

  constructor(
    private readonly shared: SharedState,
    private readonly sessions: SessionTable,
    private readonly log: Logger,
  ) {
    this.#unsubscribe = shared.subscribe(UPDATED, (message) => {
      this.#deliver(message).catch((error: unknown) =>
        log.warn({ err: error }, 'resource update not delivered'),
      );
    });
  }

  async watch(sessionId: string, uri: string, signal: AbortSignal, run: RunWatch): Promise<void> {
    const key = `${this.sessions.local(sessionId)?.credentials ?? ''}|${uri}`;
    const holder = randomUUID();
    this.#interest(key, sessionId, true);
    await this.shared.addSubscriber(key, sessionId);
    try {
      while (!signal.aborted) {
        if (await this.shared.lease(key, holder, LEASE_MS)) {
          if (await this.#lead(key, uri, holder, signal, run)) return;
        } else await sleep(LEASE_MS / 2, undefined, { signal }).catch(() => {});
      }
    } finally {
      this.#interest(key, sessionId, false);
      await this.shared.removeSubscriber(key, sessionId).catch(() => {});
    }
  }

  async remember(sessionId: string | undefined, uri: string, subscribed: boolean): Promise<void> {
    if (sessionId === undefined) return;
    if (subscribed) await this.shared.addSubscriber(`@${sessionId}`, uri);
    else await this.shared.removeSubscriber(`@${sessionId}`, uri);
  }

  offer(server: object, subscribe: (uri: string) => void): void {
    this.#resubscribe.set(server, subscribe);
  }

  /**
   * A GET stream of `session` opened here: this copy takes up the session's subscriptions too, so
   * they survive the replica that took them (it watches, or waits for the lease as a follower).
   */
  async resume(session: Session): Promise<void> {
    const subscribe = this.#resubscribe.get(session.handle.server);
    if (!subscribe) return;
    for (const uri of await this.shared.subscribers(`@${session.id}`)) subscribe(uri);
  }

  close(): void {
    this.#unsubscribe();
  }

  /** Runs the watch while the lease holds; true when it ended by itself (nothing more to watch). */
  async #lead(
    key: string,
    uri: string,
    holder: string,
    signal: AbortSignal,
    run: RunWatch,
  ): Promise<boolean> {
    this.log.debug({ uri }, 'watching a resource for its subscribers');
    const lost = new AbortController();
    const stop = () => lost.abort();
    signal.addEventListener('abort', stop, { once: true });
    const renew = setInterval(() => {
      this.shared.lease(key, holder, LEASE_MS).then((held) => held || stop(), stop);
    }, LEASE_MS / 3);
    try {
      await run(lost.signal, () => this.shared.publish(UPDATED, JSON.stringify({ key, uri })));
      return !lost.signal.aborted;
    } finally {
      clearInterval(renew);
      signal.removeEventListener('abort', stop);
      await this.shared.release(key, holder).catch(() => {});
    }
  }

  #interest(key: string, sessionId: string, on: boolean): void {
    const set = this.#interests.get(key) ?? new Set<string>();
    if (on) set.add(sessionId);
    else set.delete(sessionId);
    if (set.size > 0) this.#interests.set(key, set);
    else this.#interests.delete(key);
  }

  async #deliver(message: string): Promise<void> {
    const { key, uri } = JSON.parse(message) as { key: string; uri: string };
    const here = this.#interests.get(key);
    for (const id of await this.shared.subscribers(key)) {
      const session = this.sessions.local(id);
      if (!session || (session.listening === 0 && !here?.has(id))) continue;
      session.handle.server.sendResourceUpdated({ uri }).catch(() => {});
    }
  }
}
