import type { AmigoCredentials } from '../config.js';
import { HttpClient } from './core.js';
import type { ClientOptions } from './index.js';

/** `GET /v1/auth/me` (operation get-auth-info). */
export interface AmigoAuthInfo {
  key_id: string;
  name?: string | null;
  workspace_id: string;
  expires_at?: string | null;
  expires_in_seconds?: number | null;
}

/** Amigo Platform API (apis/amigo.md): workspace-scoped routes under /v1/{workspace_id}. */
export class AmigoClient {
  readonly http: HttpClient;

  constructor(
    readonly credentials: AmigoCredentials,
    options: ClientOptions = {},
  ) {
    this.http = new HttpClient({
      ...options,
      platform: 'amigo',
      baseUrl: credentials.baseUrl,
      headers: { authorization: `Bearer ${credentials.apiKey}` },
    });
  }

  get workspaceId(): string {
    return this.credentials.workspaceId;
  }

  /** GET /v1/auth/me: who the key is, and its workspace. */
  async getAuthInfo(signal?: AbortSignal): Promise<AmigoAuthInfo> {
    return (await this.http.request<AmigoAuthInfo>({ method: 'GET', path: '/v1/auth/me', signal })).data;
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
