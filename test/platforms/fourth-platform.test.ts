import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closeClients, createClients } from '../../src/core/clients.js';
import { credentialHeaders, credentialsFromHeaders, parseConfig, usage } from '../../src/core/config.js';
import { secret } from '../../src/core/env.js';
import { createLogger } from '../../src/core/log.js';
import type { PlatformModule } from '../../src/core/platform.js';
import { defineTool } from '../../src/core/registry.js';
import { PLATFORM_MODULES } from '../../src/platforms/index.js';
import { createServer } from '../../src/server.js';

// Issue #13: a platform is one module. A fourth one, defined here and handed to the shared layers,
// shows up in config, --help, credential headers, tools/list, the instructions and platforms_status
// without any other file knowing its name.

class DemoClient {
  constructor(readonly credentials: { baseUrl: string; apiKey: string }) {}
  async echo(text: string) {
    return `${this.credentials.baseUrl} says ${text}`;
  }
  async close() {}
}

const echo = defineTool<{ text: z.ZodString }, { said: z.ZodString }, DemoClient>({
  name: 'demo_echo',
  title: 'Echo on Demo',
  description: 'Echoes a text through the Demo platform client.',
  platform: 'demo',
  input: { text: z.string().describe('What to echo.') },
  output: { said: z.string().describe('What came back.') },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(input, ctx) {
    return { said: await ctx.client.echo(input.text) };
  },
});

const demo: PlatformModule<DemoClient, { baseUrl: string; apiKey: string }> = {
  name: 'demo',
  title: 'Demo',
  summary: 'the Demo platform',
  env: {
    DEMO_API_KEY: {
      describe: 'Demo API key',
      header: 'x-demo-api-key',
      schema: secret('DEMO_API_KEY', 'ask Demo for one').optional(),
    },
    DEMO_BASE_URL: { describe: 'Demo API origin', schema: z.string().optional() },
  },
  setup: 'DEMO_API_KEY',
  credentials: (env) =>
    typeof env.DEMO_API_KEY === 'string'
      ? { baseUrl: String(env.DEMO_BASE_URL ?? 'https://demo.invalid'), apiKey: env.DEMO_API_KEY }
      : undefined,
  secrets: (c) => [c.apiKey],
  createClient: (credentials) => new DemoClient(credentials),
  probe: async () => ({ reachable: true, authenticated: true, detail: 'demo probe' }),
  hints: { auth: 'DEMO_API_KEY', baseUrlVar: 'DEMO_BASE_URL' },
  tools: [echo],
  resources: [],
  startSandbox: async () => {
    throw new Error('no sandbox for demo');
  },
  offlineCredentials: { baseUrl: 'http://127.0.0.1:9', apiKey: 'offline-key' },
};

const MODULES: readonly PlatformModule[] = [...PLATFORM_MODULES, demo];
const KEY = 'demo_key_0123456789abcdef';

describe('a fourth platform module', () => {
  it('is configured from its own variables, listed in --help and accepted as credential headers', () => {
    const action = parseConfig(['--toolsets', 'demo'], { DEMO_API_KEY: KEY }, MODULES);
    expect(action.kind === 'run' && action.config.credentials).toEqual({
      demo: { baseUrl: 'https://demo.invalid', apiKey: KEY },
    });
    expect(() => parseConfig([], {}, MODULES)).toThrow(/DEMO_API_KEY for Demo/);
    expect(usage(MODULES)).toMatch(/DEMO_API_KEY\s+Demo API key/);
    expect(credentialHeaders(MODULES)).toMatchObject({ 'x-demo-api-key': 'DEMO_API_KEY' });
    expect(credentialsFromHeaders({ 'x-demo-api-key': KEY }, {}, {}, MODULES)).toMatchObject({
      demo: { apiKey: KEY },
    });
  });

  it('serves its tools with its typed client, and platforms_status probes it', async () => {
    const credentials = { demo: { baseUrl: 'https://demo.invalid', apiKey: KEY } };
    const clients = createClients(credentials as never, {}, 'session', MODULES);
    const server = createServer({
      clients,
      platforms: MODULES,
      log: createLogger({ level: 'silent' }),
      toolsets: MODULES.map((m) => m.name),
      readOnly: false,
      maxResultChars: 20_000,
    });
    const [a, b] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'fourth', version: '1' });
    await Promise.all([server.connect(b), client.connect(a)]);
    try {
      expect(client.getInstructions()).toContain('demo_ (the Demo platform)');
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(['demo_echo', 'platforms_status']);
      const said = await client.callTool({ name: 'demo_echo', arguments: { text: 'hi' } });
      expect(said.structuredContent).toEqual({ said: 'https://demo.invalid says hi' });
      const status = await client.callTool({ name: 'platforms_status', arguments: {} });
      expect((status.structuredContent as { platforms: unknown[] }).platforms).toContainEqual({
        platform: 'demo',
        configured: true,
        base_url: 'https://demo.invalid',
        reachable: true,
        authenticated: true,
        detail: 'demo probe',
        latency_ms: expect.any(Number),
      });
    } finally {
      await client.close();
      await closeClients(clients);
    }
  });
});
