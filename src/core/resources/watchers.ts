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
        if (!controller.signal.aborted)
          this.log.warn({ uri, err: error }, 'resource watch stopped with an error');
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
