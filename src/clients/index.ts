import type { PlatformCredentials } from '../config.js';
import { registerSecret } from '../log.js';
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

/** One client per configured platform. Every credential is registered for scrubbing first. */
export function createClients(credentials: PlatformCredentials, options: ClientOptions = {}): Clients {
  registerSecret(credentials.ama2?.token);
  registerSecret(credentials.ama2?.userToken);
  registerSecret(credentials.amigo?.apiKey);
  registerSecret(credentials.atthene?.apiKey);
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
}
