import type { OpenApiDocument, PlatformModule } from '../../core/platform.js';
import { AmigoClient } from './client.js';
import { AMIGO_CONFIG, type AmigoCredentials } from './credentials.js';
import { prompts } from './prompts.js';
import { AMIGO_RESOURCES } from './resources.js';
import { TOOLS } from './tools/index.js';

/** The Amigo Platform API, workspace-scoped (apis/amigo.md). */
export const amigo = {
  ...AMIGO_CONFIG,
  secrets: (c) => [c.apiKey],
  createClient: (credentials, options) => new AmigoClient(credentials, options),
  async probe(client, signal) {
    const me = await client.getAuthInfo(signal);
    if (me.workspace_id.toLowerCase() === client.workspaceId) return { reachable: true, authenticated: true };
    return {
      reachable: true,
      authenticated: true,
      detail: `the key belongs to workspace ${me.workspace_id}, but AMIGO_WORKSPACE_ID is ${client.workspaceId}`,
    };
  },
  tools: TOOLS,
  resources: AMIGO_RESOURCES,
  prompts,
  async startSandbox(options) {
    const { createAmigoEmulator } = await import('./emulator/index.js');
    const { AMIGO_SANDBOX_API_KEY, AMIGO_SANDBOX_WORKSPACE_ID } = await import('./emulator/credentials.js');
    const { emulator, world } = createAmigoEmulator(options);
    const { amigoGuide } = await import('./emulator/guide.js');
    const baseUrl = await emulator.listen();
    return {
      credentials: { baseUrl, apiKey: AMIGO_SANDBOX_API_KEY, workspaceId: AMIGO_SANDBOX_WORKSPACE_ID },
      emulator,
      world,
      guide: amigoGuide(world),
      close: () => emulator.close(),
    };
  },
  securitySchemes: { BearerAuth: { credential: 'apiKey', env: 'AMIGO_API_KEY' } },
  // FastAPI lists both turn routes as event streams; the workspace stream has no tool that holds it.
  streamedBy: {
    create_turn_v1__workspace_id__conversations__conversation_id__turns_post: 'amigo_send_message',
    create_turn_stream_v1__workspace_id__conversations__conversation_id__turns_stream_post:
      'amigo_send_message',
    'get-event-stream':
      'amigo_get_workspace_overview for a snapshot, or subscribe to amigo://conversations/{conversation_id} for one conversation',
  },
  async openapi() {
    // The whole vendored document, minified by scripts/extract-amigo-openapi.mjs; a chunk of its
    // own in the bundle, loaded on the catalog's first use.
    const { default: document } = await import('./openapi.min.json', { with: { type: 'json' } });
    return document as unknown as OpenApiDocument;
  },
  offlineCredentials: {
    baseUrl: 'http://127.0.0.1:9',
    apiKey: 'offline-key',
    workspaceId: '00000000-0000-4000-8000-000000000000',
  },
} satisfies PlatformModule<AmigoClient, AmigoCredentials>;
