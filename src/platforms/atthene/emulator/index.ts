import { createEmulator, type Emulator } from '../../../core/emulator/emulator.js';
import type { FaultOptions } from '../../../core/emulator/faults.js';
import type { Logger } from '../../../core/log.js';
import { registerAgents } from './agents.js';
import { ATTHENE_EXPIRED_KEY, ATTHENE_SANDBOX_API_KEY } from './credentials.js';
import { registerKnowledgeBases } from './knowledge-bases.js';
import { apiError, attheneRoutes } from './routes.js';
import { registerRuntime } from './runtime.js';
import { registerSessions } from './sessions.js';
import { AttheneWorld } from './state.js';

export interface AttheneEmulatorOptions {
  faults?: FaultOptions;
  logger?: Logger;
  /** How long an execute runs (the session is `processing` meanwhile); default 100 ms. */
  executeDelayMs?: number;
}

const ERROR_TYPES = {
  not_found: 'not_found_error',
  method_not_allowed: 'invalid_request_error',
  server_error: 'server_error',
  rate_limited: 'rate_limit_error',
  too_large: 'invalid_request_error',
  bad_json: 'invalid_request_error',
} as const;

function createBase(options: AttheneEmulatorOptions): Emulator {
  return createEmulator({
    platform: 'atthene',
    redirectToSlash: true,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    errorBody: (_status, errorCase, message) =>
      errorCase === 'not_found'
        ? { detail: 'Not found.' }
        : { error: { type: ERROR_TYPES[errorCase], message } },
    authenticate: (req) => {
      const key = req.headers['x-api-key'];
      if (key === ATTHENE_EXPIRED_KEY) return apiError(401, 'authentication_error', 'API key has expired');
      if (key !== ATTHENE_SANDBOX_API_KEY)
        return apiError(401, 'authentication_error', 'Invalid or missing authentication credentials');
      return null;
    },
  });
}

/**
 * The Atthene AMAS API (apis/atthene.md): x-api-key, Django trailing slashes, base /api/v1. Each
 * resource's routes live in their own module (routes.ts holds what they share).
 */
export function createAttheneEmulator(options: AttheneEmulatorOptions = {}): {
  emulator: Emulator;
  world: AttheneWorld;
} {
  const world = new AttheneWorld(options.executeDelayMs ?? 100);
  const emulator = createBase(options);
  const routes = attheneRoutes(emulator, world);

  emulator.route('GET', '/api/v1/health/', () => ({ status: 200, json: { status: 'ok' } }), { public: true });
  for (const register of [registerAgents, registerSessions, registerRuntime, registerKnowledgeBases])
    register(routes);
  return { emulator, world };
}
