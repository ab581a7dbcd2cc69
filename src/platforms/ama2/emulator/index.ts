import { createEmulator, type Emulator } from '../../../core/emulator/emulator.js';
import type { FaultOptions } from '../../../core/emulator/faults.js';
import type { Logger } from '../../../core/log.js';
import { AMA2_SANDBOX_LIMITED_TOKEN, AMA2_SANDBOX_TOKEN, AMA2_SANDBOX_USER_TOKEN } from './credentials.js';
import { registerEvents } from './events.js';
import { registerMessages } from './messages.js';
import { registerMode } from './mode.js';
import { ama2Routes } from './routes.js';
import { Ama2World } from './state.js';
import { registerThreads } from './threads.js';
import { AMA2_SHAPES, checkQuery } from './validate.js';
import { registerWebhooks } from './webhooks.js';

export interface Ama2EmulatorOptions {
  faults?: FaultOptions;
  logger?: Logger;
  /** How long seeded users take to reply (default 150 ms). */
  replyDelayMs?: number;
  /** Enforce the documented per-key rate limits (default true). */
  rateLimits?: boolean;
}

const ERROR_CODES = {
  not_found: 'NOT_FOUND',
  method_not_allowed: 'BAD_REQUEST',
  server_error: 'INTERNAL_ERROR',
  rate_limited: 'RATE_LIMITED',
  too_large: 'BAD_REQUEST',
  bad_json: 'BAD_REQUEST',
} as const;

const TOKENS = new Set([AMA2_SANDBOX_TOKEN, AMA2_SANDBOX_LIMITED_TOKEN, AMA2_SANDBOX_USER_TOKEN]);

/**
 * The AMA2 Thread Runtime API (apis/ama2.md §2): base URL is the origin, API under /api/v1. Each
 * resource's routes live in their own module (routes.ts holds what they share).
 */
export function createAma2Emulator(options: Ama2EmulatorOptions = {}): {
  emulator: Emulator;
  world: Ama2World;
} {
  const world = new Ama2World(options.replyDelayMs ?? 150);
  const emulator = createEmulator({
    platform: 'ama2',
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    errorBody: (_status, errorCase, message) => ({ code: ERROR_CODES[errorCase], message }),
    authenticate: (req) => {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !TOKENS.has(token)) {
        return { status: 401, json: { code: 'UNAUTHORIZED', message: 'Missing or invalid token' } };
      }
      return null;
    },
  });
  emulator.route(
    'GET',
    '/health',
    (req) => {
      const query = checkQuery(req, AMA2_SHAPES.none);
      if ('error' in query) return query.error;
      return { status: 200, json: { status: 'ok', service: 'backend-go', version: 'sandbox' } };
    },
    {
      public: true,
    },
  );
  const routes = ama2Routes(emulator, world, {
    agentToken: AMA2_SANDBOX_TOKEN,
    limitedToken: AMA2_SANDBOX_LIMITED_TOKEN,
    userToken: AMA2_SANDBOX_USER_TOKEN,
    rateLimits: options.rateLimits ?? true,
  });
  for (const register of [registerThreads, registerMessages, registerEvents, registerMode, registerWebhooks])
    register(routes);
  return { emulator, world };
}
