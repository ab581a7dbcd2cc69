import type { PlatformClient } from './platform.js';

// Which credential values a set of clients sends, so a call made with them can scrub exactly those
// (issue #12 E2). Kept apart from clients.ts, which knows the platform modules: the registry needs
// this lookup, and the modules need the registry.

/** The clients of the configured platforms, by platform name. */
export type Clients = Readonly<Partial<Record<string, PlatformClient>>>;

const secretsByClients = new WeakMap<Clients, readonly string[]>();
const NONE: readonly string[] = Object.freeze([]);

export function rememberSecrets(clients: Clients, secrets: readonly string[]): void {
  secretsByClients.set(clients, secrets);
}

/** The credential values `clients` send: what a call made with them must never show. */
export function secretsOfClients(clients: Clients): readonly string[] {
  return secretsByClients.get(clients) ?? NONE;
}
