import type { PlatformCredentials } from '../config.js';
import { forgetSecret, registerSecret } from '../log.js';
import { Ama2Client } from './ama2.js';
import { AmigoClient } from './amigo.js';
import { AttheneClient } from './atthene.js';
import type { HttpClientOptions } from './core.js';

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

/** One client per configured platform. Every credential is registered for scrubbing first. */
export function createClients(credentials: PlatformCredentials, options: ClientOptions = {}): Clients {
  secretsOf(credentials).forEach(registerSecret);
  return {
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
}

export async function closeClients(clients: Clients): Promise<void> {
  await Promise.all([clients.ama2?.close(), clients.amigo?.close(), clients.atthene?.close()]);
  secretsOf({
    ama2: clients.ama2?.credentials,
    amigo: clients.amigo?.credentials,
    atthene: clients.atthene?.credentials,
  }).forEach(forgetSecret);
}
