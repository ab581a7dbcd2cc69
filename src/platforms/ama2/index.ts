import { PlatformError } from '../../core/errors.js';
import type { OpenApiDocument, PlatformModule } from '../../core/platform.js';
import { Ama2Client } from './client.js';
import { AMA2_CONFIG, type Ama2Credentials } from './credentials.js';
import { prompts } from './prompts.js';
import ama2Thread from './resources.js';
import { TOOLS } from './tools/index.js';

// No thread has the nil UUID: a 404 for it proves the token was accepted (401 would say otherwise),
// since an external-agent token has no cheap authenticated read of its own (apis/ama2.md §0.4).
const NIL_THREAD = '00000000-0000-0000-0000-000000000000';

/** AMA2, the Thread Runtime API (apis/ama2.md). */
export const ama2 = {
  ...AMA2_CONFIG,
  secrets: (c) => [c.token, c.userToken].filter((v): v is string => Boolean(v)),
  createClient: (credentials, options) => new Ama2Client(credentials, options),
  async probe(client, signal) {
    await client.health(signal);
    try {
      await client.pollEvents(NIL_THREAD, { limit: 1 }, signal);
    } catch (error) {
      if (!(error instanceof PlatformError && error.kind === 'not_found')) throw error;
    }
    return { reachable: true, authenticated: true };
  },
  tools: TOOLS,
  resources: [ama2Thread],
  prompts,
  async startSandbox(options) {
    const { createAma2Emulator } = await import('./emulator/index.js');
    const { AMA2_SANDBOX_TOKEN, AMA2_SANDBOX_USER_TOKEN } = await import('./emulator/credentials.js');
    const { emulator, world } = createAma2Emulator({
      ...options,
      ...(typeof options.ama2ReplyDelayMs === 'number' ? { replyDelayMs: options.ama2ReplyDelayMs } : {}),
      ...(typeof options.ama2RateLimits === 'boolean' ? { rateLimits: options.ama2RateLimits } : {}),
    });
    const { ama2Guide } = await import('./emulator/guide.js');
    const baseUrl = await emulator.listen();
    return {
      credentials: { baseUrl, token: AMA2_SANDBOX_TOKEN, userToken: AMA2_SANDBOX_USER_TOKEN },
      emulator,
      world,
      guide: ama2Guide(),
      async close() {
        world.close();
        await emulator.close();
      },
    };
  },
  openapi: async () =>
    (await import('./openapi.json', { with: { type: 'json' } })).default as OpenApiDocument,
  // apis/ama2.md §1: agent routes take the external-agent token, user and owner routes the user JWT.
  securitySchemes: {
    agentToken: { credential: 'token', env: 'AMA2_TOKEN' },
    userJwt: { credential: 'userToken', env: 'AMA2_USER_TOKEN' },
  },
  streamedBy: { stream_events: 'ama2_wait_for_events, or subscribe to ama2://threads/{thread_id}' },
  offlineCredentials: { baseUrl: 'http://127.0.0.1:9', token: 'ama_eat_offline0000', userToken: 'a.b.c' },
} satisfies PlatformModule<Ama2Client, Ama2Credentials>;
