export interface RecentResource {
  uri: string;
  name: string;
  platform: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

/**
 * Conversations this session created or touched, newest first, bounded. Tools record what they
 * see; resources/list and id completion read it. It holds ids, never message bodies.
 */
export class RecentResources {
  readonly #items = new Map<string, RecentResource>();
  constructor(readonly capacity = 200) {}

  /** The newest URI: touching it again keeps its place (a delete and set would leave a hole). */
  #newest: string | undefined;

  touch(resource: RecentResource): void {
    if (resource.uri === this.#newest) return void this.#items.set(resource.uri, resource);
    this.#newest = resource.uri;
    this.#items.delete(resource.uri);
    this.#items.set(resource.uri, resource);
    if (this.#items.size > this.capacity) {
      const oldest = this.#items.keys().next().value;
      if (oldest !== undefined) this.#items.delete(oldest);
    }
  }

  /** Newest first; only those whose URI starts with `prefix` when given. */
  list(prefix?: string): RecentResource[] {
    const all = [...this.#items.values()].reverse();
    return prefix ? all.filter((r) => r.uri.startsWith(prefix)) : all;
  }
}
