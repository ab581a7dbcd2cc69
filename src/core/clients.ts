import { PLATFORM_MODULES, type PlatformCredentials } from '../platforms/index.js';
import { type Clients, rememberSecrets, secretsOfClients } from './client-secrets.js';
import { forgetSecret, registerSecret } from './log.js';
import type { ClientOptions, PlatformClient, PlatformModule } from './platform.js';

export type { ClientOptions, Clients };
export { secretsOfClients };

/** The secret values among `credentials` (keys and tokens; not ids or URLs). */
export function credentialSecrets(
  credentials: PlatformCredentials,
  modules: readonly PlatformModule[] = PLATFORM_MODULES,
): string[] {
  const all = credentials as Readonly<Record<string, { baseUrl: string } | undefined>>;
  return modules.flatMap((m) => {
    const own = all[m.name];
    return own ? m.secrets(own).filter((value) => value !== '') : [];
  });
}

/** Clients whose credentials were registered process-wide (the server's own), to forget on close. */
const registered = new WeakMap<Clients, string[]>();

/**
 * One client per configured platform. The server's own credentials (`scope: 'server'`) are
 * registered for scrubbing everywhere; a session's (`'session'`) are not: its calls scrub them
 * through `secretsOfClients`, so they censor that session's output only.
 */
export function createClients(
  credentials: PlatformCredentials,
  options: ClientOptions = {},
  scope: 'server' | 'session' = 'server',
  modules: readonly PlatformModule[] = PLATFORM_MODULES,
): Clients {
  const all = credentials as Readonly<Record<string, { baseUrl: string } | undefined>>;
  const clients: Record<string, PlatformClient> = {};
  for (const m of modules) {
    const own = all[m.name];
    if (own) clients[m.name] = m.createClient(own, options);
  }
  const secrets = credentialSecrets(credentials, modules);
  rememberSecrets(clients, secrets);
  if (scope === 'server') {
    secrets.forEach(registerSecret);
    registered.set(clients, secrets);
  }
  return clients;
}

export async function closeClients(clients: Clients): Promise<void> {
  await Promise.all(Object.values(clients).map((client) => client?.close()));
  const secrets = registered.get(clients);
  if (registered.delete(clients)) secrets?.forEach(forgetSecret);
}
