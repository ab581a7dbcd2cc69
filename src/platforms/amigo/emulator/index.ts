import { createEmulator, type Emulator } from '../../../core/emulator/emulator.js';
import type { FaultOptions } from '../../../core/emulator/faults.js';
import type { Logger } from '../../../core/log.js';
import { registerAgents, registerServices } from './agents.js';
import { registerCalls } from './calls.js';
import { registerConversations } from './conversations.js';
import { AMIGO_SANDBOX_API_KEY, AMIGO_SANDBOX_WORKSPACE_ID } from './credentials.js';
import { registerEntities } from './entities.js';
import { registerContextGraphs } from './graphs.js';
import { registerAnalytics, registerFunctions } from './insights.js';
import { amigoRoutes, detail, ok } from './routes.js';
import { registerSimulations } from './simulations.js';
import { jsonInvalid } from './validate.js';
import { AmigoWorld } from './world.js';

export interface AmigoEmulatorOptions {
  faults?: FaultOptions;
  logger?: Logger;
  /** How long a conversation turn takes (default 30 ms). */
  turnDelayMs?: number;
}

const KEY_ID = 'sbx-key-0001';

function createBase(options: AmigoEmulatorOptions): Emulator {
  return createEmulator({
    platform: 'amigo',
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    // FastAPI's 422 (apis/amigo.md §3), for the operations only the document describes.
    invalidRequest: (found) => ({
      status: 422,
      json: {
        detail: found.map(({ loc: [where, ...rest], msg }) => ({
          type: 'value_error',
          loc: where === 'body' ? ['body', ...rest] : ['query', ...rest],
          msg,
        })),
      },
    }),
    badJson: (req) => ({ status: 422, json: { detail: [jsonInvalid(req.bodyText)] } }),
    errorBody: (_status, errorCase, message) => ({
      detail: errorCase === 'not_found' ? 'Not Found' : message,
    }),
    authenticate: (req) => {
      if (req.headers.authorization !== `Bearer ${AMIGO_SANDBOX_API_KEY}`)
        return detail(401, 'Invalid or expired API key');
      // The key is bound to one workspace; any other workspace id in the path is refused.
      const workspace = /^\/v1\/([0-9a-f-]{36})(\/|$)/i.exec(req.path)?.[1];
      if (workspace && workspace.toLowerCase() !== AMIGO_SANDBOX_WORKSPACE_ID) {
        return detail(403, 'API key is not authorized for this workspace');
      }
      return null;
    },
  });
}

/**
 * The Amigo Platform API (apis/amigo.md, openapi.json): FastAPI error bodies, workspace-scoped
 * paths. Each resource's routes live in their own module; every request is validated against the
 * operation's schema first (routes.ts, validate.ts).
 */
export function createAmigoEmulator(options: AmigoEmulatorOptions = {}): {
  emulator: Emulator;
  world: AmigoWorld;
} {
  const world = new AmigoWorld(AMIGO_SANDBOX_WORKSPACE_ID, options.turnDelayMs ?? 30);
  const emulator = createBase(options);
  const routes = amigoRoutes(emulator, world);

  emulator.route('GET', '/health', () => ok({ status: 'ok' }), { public: true });
  routes.op('GET', '/v1/auth/me', () =>
    ok({
      key_id: KEY_ID,
      name: 'Sandbox key',
      workspace_id: AMIGO_SANDBOX_WORKSPACE_ID,
      expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      expires_in_seconds: 30 * 86_400,
    }),
  );
  for (const register of [
    registerAgents,
    registerServices,
    registerContextGraphs,
    registerConversations,
    registerCalls,
    registerEntities,
    registerAnalytics,
    registerFunctions,
    registerSimulations,
  ])
    register(routes);
  return { emulator, world };
}
