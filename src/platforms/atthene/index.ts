import type { OpenApiDocument, PlatformModule } from '../../core/platform.js';
import { AttheneClient } from './client.js';
import { ATTHENE_CONFIG, type AttheneCredentials } from './credentials.js';
import { prompts } from './prompts.js';
import attheneSession from './resources.js';
import { TOOLS } from './tools/index.js';

/** Atthene AMAS, the Agent Studio API (apis/atthene.md). */
export const atthene = {
  ...ATTHENE_CONFIG,
  secrets: (c) => [c.apiKey],
  createClient: (credentials, options) =>
    new AttheneClient(credentials, {
      ...options,
      ...(credentials.executeTimeoutMs ? { executeTimeoutMs: credentials.executeTimeoutMs } : {}),
    }),
  async probe(client, signal) {
    await client.listAgents(signal);
    return { reachable: true, authenticated: true };
  },
  tools: TOOLS,
  resources: [attheneSession],
  prompts,
  async startSandbox(options) {
    const { createAttheneEmulator } = await import('./emulator/index.js');
    const { ATTHENE_SANDBOX_API_KEY } = await import('./emulator/credentials.js');
    const { emulator, world } = createAttheneEmulator({
      ...options,
      ...(typeof options.attheneExecuteDelayMs === 'number'
        ? { executeDelayMs: options.attheneExecuteDelayMs }
        : {}),
    });
    const { attheneGuide } = await import('./emulator/guide.js');
    const origin = await emulator.listen();
    return {
      // The platform's base includes /api/v1 (apis/atthene.md §1).
      credentials: { baseUrl: `${origin}/api/v1`, apiKey: ATTHENE_SANDBOX_API_KEY },
      emulator,
      world,
      guide: attheneGuide(world),
      close: () => emulator.close(),
    };
  },
  // apis/atthene.md §1: the x-api-key header; the delete-by-agent example's Bearer is unverified.
  securitySchemes: { apiKey: { credential: 'apiKey', env: 'ATTHENE_API_KEY' } },
  openapi: async () =>
    (await import('./openapi.json', { with: { type: 'json' } })).default as OpenApiDocument,
  offlineCredentials: { baseUrl: 'http://127.0.0.1:9/api/v1', apiKey: 'offline-key' },
} satisfies PlatformModule<AttheneClient, AttheneCredentials>;
