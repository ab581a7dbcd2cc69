import type { AttheneCredentials } from '../config.js';
import { HttpClient } from './core.js';
import type { ClientOptions } from './index.js';

export interface AttheneAgent {
  id: string;
  name: string;
  agent_key?: string;
  [key: string]: unknown;
}

/** Atthene AMAS REST API (apis/atthene.md): `x-api-key`, every path with its trailing slash. */
export class AttheneClient {
  readonly http: HttpClient;

  constructor(
    readonly credentials: AttheneCredentials,
    options: ClientOptions = {},
  ) {
    this.http = new HttpClient({
      ...options,
      platform: 'atthene',
      baseUrl: credentials.baseUrl,
      headers: { 'x-api-key': credentials.apiKey },
    });
  }

  /** GET /agent/: saved agents, a bare array (no pagination documented). */
  async listAgents(signal?: AbortSignal): Promise<AttheneAgent[]> {
    return (await this.http.request<AttheneAgent[]>({ method: 'GET', path: '/agent/', signal })).data;
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
