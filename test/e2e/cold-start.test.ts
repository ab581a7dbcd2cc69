import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterEach, describe, expect, it } from 'vitest';
import { closeClients, createClients } from '../../src/core/clients.js';
import { createLogger } from '../../src/core/log.js';
import { PLATFORM_MODULES } from '../../src/platforms/index.js';
import { createServer } from '../../src/server.js';
import { type CliProcess, INITIALIZE_PARAMS, spawnCli } from '../helpers/cli.js';

// Cold start (issue #15): on stdio the CLI answers `initialize` from its configuration before the
// logger, tools, clients and sandbox load (src/core/early-initialize.ts); the server built after
// it must declare the same, and no request may reach a server or sandbox that is not ready.

const LOOPBACK = 'http://127.0.0.1:9';
const KEYS = {
  AMIGO_API_KEY: 'cold-start-amigo-key',
  AMIGO_WORKSPACE_ID: '00000000-0000-4000-8000-000000000001',
  AMIGO_BASE_URL: LOOPBACK,
  ATTHENE_API_KEY: 'cold-start-atthene-key',
  ATTHENE_BASE_URL: LOOPBACK,
  AMA2_TOKEN: `ama_eat_${'ab'.repeat(32)}`,
  AMA2_BASE_URL: LOOPBACK,
};

let proc: CliProcess | undefined;
afterEach(() => {
  proc?.kill();
  proc = undefined;
});

/** What createServer itself answers to `initialize`, over the SDK's in-memory pair. */
async function builtAnswer(options: { sandbox: boolean; readOnly?: boolean; toolsets?: string[] }) {
  const credentials = Object.fromEntries(PLATFORM_MODULES.map((m) => [m.name, m.offlineCredentials]));
  const log = createLogger({ level: 'silent' });
  const clients = createClients(credentials, { logger: log });
  const server = createServer({
    clients,
    log,
    toolsets: options.toolsets ?? PLATFORM_MODULES.map((m) => m.name),
    readOnly: options.readOnly ?? false,
    maxResultChars: 100_000,
    ...(options.sandbox ? { sandboxGuide: [] } : {}),
  });
  const client = new Client({ name: 'cold-start', version: '1' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.connect(clientSide);
  const answer = {
    capabilities: client.getServerCapabilities(),
    serverInfo: client.getServerVersion(),
    instructions: client.getInstructions(),
  };
  await client.close();
  await closeClients(clients);
  return answer;
}

describe('cold start: initialize answered before the server is built (built CLI, stdio)', () => {
  const configs = [
    { name: 'platform keys', args: [], env: KEYS, sandbox: false },
    { name: '--sandbox', args: ['--sandbox'], env: {}, sandbox: true },
    {
      name: '--read-only --toolsets amigo',
      args: ['--read-only', '--toolsets', 'amigo'],
      env: KEYS,
      sandbox: false,
      readOnly: true,
      toolsets: ['amigo'],
    },
  ];
  for (const config of configs) {
    it(`answers what the built server declares (${config.name})`, async () => {
      proc = spawnCli(config.args, { ...config.env, LOG_LEVEL: 'warn' });
      const answer = (await proc.rpc('initialize', INITIALIZE_PARAMS)).result as Record<string, unknown>;
      proc.notify('notifications/initialized');
      const list = (await proc.rpc('tools/list')).result as { tools: unknown[] };
      expect(list.tools.length).toBeGreaterThan(0);
      const built = await builtAnswer(config);
      expect(answer).toEqual({ protocolVersion: INITIALIZE_PARAMS.protocolVersion, ...built });
      // The server built after the answer compared its own: no difference was logged.
      expect(proc.stderr()).not.toMatch(/differs/);
    }, 30_000);
  }

  it('answers initialize before the logger and platforms load (no start-up line yet)', async () => {
    proc = spawnCli([], { ...KEYS, LOG_LEVEL: 'info' });
    const answer = await proc.rpc('initialize', INITIALIZE_PARAMS);
    expect(answer.result).toBeDefined();
    expect(proc.stderr()).not.toMatch(/"msg":"starting"/);
    proc.notify('notifications/initialized');
    await proc.rpc('tools/list');
    expect(proc.stderr()).toMatch(/"msg":"starting"/);
  }, 30_000);

  it('--sandbox: a call written together with initialize waits for the started sandbox', async () => {
    proc = spawnCli(['--sandbox'], { LOG_LEVEL: 'warn' });
    // One write, no waiting: the call arrives while the sandbox is still being started.
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: INITIALIZE_PARAMS };
    const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };
    const call = {
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'amigo_list_agents', arguments: {} },
    };
    const guide = { jsonrpc: '2.0', id: 3, method: 'resources/read', params: { uri: 'sandbox://guide' } };
    proc.child.stdin.write(
      `${[initialize, initialized, call, guide].map((m) => JSON.stringify(m)).join('\n')}\n`,
    );
    const answers = await waitForIds(proc, [1, 2, 3]);
    // Requests run concurrently (the guide may answer before the call); initialize comes first.
    expect(answers.map((a) => a.id)[0]).toBe(1);
    const byId = (id: number) => answers.find((a) => a.id === id);
    const result = byId(2)?.result as { isError?: boolean; content: Array<{ text: string }> };
    expect(result.isError).toBeFalsy();
    expect(result.content[0]?.text).toContain('Maple Reception Agent');
    const read = byId(3)?.result as { contents: Array<{ text: string }> };
    expect(read.contents[0]?.text).toContain('## Amigo');
  }, 30_000);
});

describe('cold start: a first message other than initialize', () => {
  it('is answered by the built server, and initialize after it as usual', async () => {
    proc = spawnCli([], { ...KEYS, LOG_LEVEL: 'warn' });
    const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
    const initialize = { jsonrpc: '2.0', id: 2, method: 'initialize', params: INITIALIZE_PARAMS };
    proc.child.stdin.write(`${JSON.stringify(ping)}\n${JSON.stringify(initialize)}\n`);
    const answers = await waitForIds(proc, [1, 2]);
    expect(answers.find((a) => a.id === 1)?.result).toEqual({});
    const result = answers.find((a) => a.id === 2)?.result as Record<string, unknown>;
    expect(result).toEqual({
      protocolVersion: INITIALIZE_PARAMS.protocolVersion,
      ...(await builtAnswer({ sandbox: false })),
    });
  }, 30_000);
});

/** The answers to `ids`, in the order they came on stdout (all of them, or those within 15 s). */
async function waitForIds(cli: CliProcess, ids: number[]): Promise<Array<Record<string, unknown>>> {
  const answered = () =>
    cli.stdoutLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((m) => ids.includes(m.id as number));
  for (let i = 0; i < 300 && answered().length < ids.length; i++) await new Promise((r) => setTimeout(r, 50));
  return answered();
}
