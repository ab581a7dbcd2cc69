import type { Logger } from '../log.js';
import { ATTHENE_EXPIRED_KEY, ATTHENE_SANDBOX_API_KEY } from './credentials.js';
import { Emulator } from './emulator.js';
import type { FaultOptions } from './faults.js';

export interface AttheneEmulatorOptions {
  faults?: FaultOptions;
  logger?: Logger;
}

const ERROR_TYPES = {
  not_found: 'not_found_error',
  method_not_allowed: 'invalid_request_error',
  server_error: 'server_error',
  rate_limited: 'rate_limit_error',
  too_large: 'invalid_request_error',
  bad_json: 'invalid_request_error',
} as const;

/** The Atthene AMAS API (apis/atthene.md): x-api-key, Django trailing slashes, base /api/v1. */
export function createAttheneEmulator(options: AttheneEmulatorOptions = {}): { emulator: Emulator } {
  const emulator = new Emulator({
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
      if (key === ATTHENE_EXPIRED_KEY) {
        return {
          status: 401,
          json: { error: { type: 'authentication_error', message: 'API key has expired' } },
        };
      }
      if (key !== ATTHENE_SANDBOX_API_KEY) {
        return {
          status: 401,
          json: {
            error: { type: 'authentication_error', message: 'Invalid or missing authentication credentials' },
          },
        };
      }
      return null;
    },
  });
  emulator.route('GET', '/api/v1/health/', () => ({ status: 200, json: { status: 'ok' } }), { public: true });
  emulator.route('GET', '/api/v1/agent/', () => ({ status: 200, json: [] }));
  return { emulator };
}
