import type { Logger } from '../log.js';
import { AMIGO_SANDBOX_API_KEY, AMIGO_SANDBOX_WORKSPACE_ID } from './credentials.js';
import { Emulator } from './emulator.js';
import type { FaultOptions } from './faults.js';

export interface AmigoEmulatorOptions {
  faults?: FaultOptions;
  logger?: Logger;
}

const KEY_ID = 'sbx-key-0001';

/** The Amigo Platform API (apis/amigo.md, openapi.json): FastAPI error bodies, workspace-scoped paths. */
export function createAmigoEmulator(options: AmigoEmulatorOptions = {}): { emulator: Emulator } {
  const emulator = new Emulator({
    platform: 'amigo',
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    errorBody: (_status, errorCase, message) => ({
      detail: errorCase === 'not_found' ? 'Not Found' : message,
    }),
    authenticate: (req) => {
      if (req.headers.authorization !== `Bearer ${AMIGO_SANDBOX_API_KEY}`) {
        return { status: 401, json: { detail: 'Invalid or expired API key' } };
      }
      // The key is bound to one workspace; any other workspace id in the path is refused.
      const workspace = /^\/v1\/([0-9a-f-]{36})(\/|$)/i.exec(req.path)?.[1];
      if (workspace && workspace.toLowerCase() !== AMIGO_SANDBOX_WORKSPACE_ID) {
        return { status: 403, json: { detail: 'API key is not authorized for this workspace' } };
      }
      return null;
    },
  });
  emulator.route('GET', '/health', () => ({ status: 200, json: { status: 'ok' } }), { public: true });
  emulator.route('GET', '/v1/auth/me', () => {
    const expires = new Date(Date.now() + 30 * 86_400_000);
    return {
      status: 200,
      json: {
        key_id: KEY_ID,
        name: 'Sandbox key',
        workspace_id: AMIGO_SANDBOX_WORKSPACE_ID,
        expires_at: expires.toISOString(),
        expires_in_seconds: 30 * 86_400,
      },
    };
  });
  return { emulator };
}
