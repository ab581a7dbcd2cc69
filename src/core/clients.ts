import { Ama2Client } from '../platforms/ama2/client.js';
import { AmigoClient } from '../platforms/amigo/client.js';
import { AttheneClient } from '../platforms/atthene/client.js';
import type { PlatformCredentials } from './config.js';
import type { HttpClientOptions } from './http-client.js';
import { forgetSecret, registerSecret } from './log.js';

/** What every platform client takes besides its credentials: timeouts, retry policy, logger, dispatcher. */
export type ClientOptions = Omit<HttpClientOptions, 'platform' | 'baseUrl' | 'headers'>;

export interface Clients {
  ama2?: Ama2Client;
  amigo?: AmigoClient;
  atthene?: AttheneClient;
}

const secretsOf = (c: PlatformCredentials) => [
  c.ama2?.token,
  c.ama2?.userToken,
  c.amigo?.apiKey,
  c.atthene?.apiKey,
];

/** The secret values among `credentials` (keys and tokens; not ids or URLs). */
export function credentialSecrets(credentials: PlatformCredentials): string[] {
  return secretsOf(credentials).filter((value): value is string => typeof value === 'string' && value !== '');
}

/** Clients whose credentials were registered process-wide (the server's own), to forget on close. */
const registered = new WeakSet<Clients>();

/** The credential values `clients` send: what a call made with them must never show. */
export function secretsOfClients(clients: Clients): string[] {
  return credentialSecrets({
    ...(clients.ama2 ? { ama2: clients.ama2.credentials } : {}),
    ...(clients.amigo ? { amigo: clients.amigo.credentials } : {}),
    ...(clients.atthene ? { atthene: clients.atthene.credentials } : {}),
  });
}

/**
 * One client per configured platform. The server's own credentials (`scope: 'server'`) are
 * registered for scrubbing everywhere; a session's (`'session'`) are not: its calls scrub them
 * through `secretsOfClients`, so they censor that session's output only.
 */
export function createClients(
  credentials: PlatformCredentials,
  options: ClientOptions = {},
  scope: 'server' | 'session' = 'server',
): Clients {
  if (scope === 'server') secretsOf(credentials).forEach(registerSecret);
  const clients: Clients = {
    ...(credentials.ama2 ? { ama2: new Ama2Client(credentials.ama2, options) } : {}),
    ...(credentials.amigo ? { amigo: new AmigoClient(credentials.amigo, options) } : {}),
    ...(credentials.atthene
      ? {
          atthene: new AttheneClient(credentials.atthene, {
            ...options,
            ...(credentials.atthene.executeTimeoutMs
              ? { executeTimeoutMs: credentials.atthene.executeTimeoutMs }
              : {}),
          }),
        }
      : {}),
  };
  if (scope === 'server') registered.add(clients);
  return clients;
}

export async function closeClients(clients: Clients): Promise<void> {
  await Promise.all([clients.ama2?.close(), clients.amigo?.close(), clients.atthene?.close()]);
  if (registered.delete(clients)) secretsOfClients(clients).forEach(forgetSecret);
}
