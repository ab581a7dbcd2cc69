import { Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type Clients, closeClients, createClients } from '../../src/core/clients.js';
import { PLATFORMS, type Platform, type PlatformCredentials } from '../../src/core/config.js';
import type { FaultOptions } from '../../src/core/emulator/faults.js';
import { createLogger } from '../../src/core/log.js';
import type { ToolDefinition } from '../../src/core/registry.js';
import type { ResourceDefinition } from '../../src/core/resources/define.js';
import { type Sandbox, sandboxPlatformCredentials, startSandbox } from '../../src/sandbox.js';
import { createServer } from '../../src/server.js';

/** Log lines captured in memory, to assert on what the server logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export async function startTestSandbox(faults?: FaultOptions): Promise<Sandbox> {
  return startSandbox(faults ? { faults } : {});
}

export function sandboxCredentials(
  sandbox: Sandbox,
  only: readonly Platform[] = PLATFORMS,
): PlatformCredentials {
  const all = sandboxPlatformCredentials(sandbox);
  return Object.fromEntries(only.map((p) => [p, all[p]]));
}

export interface TestConnection {
  client: Client;
  clients: Clients;
  logs: LogCapture;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  credentials: PlatformCredentials;
  toolsets?: readonly Platform[];
  readOnly?: boolean;
  maxResultChars?: number;
  maxWatchers?: number;
  tools?: readonly ToolDefinition[];
  resources?: readonly ResourceDefinition[];
  clientCapabilities?: ConstructorParameters<typeof Client>[1];
}

/** A real SDK Client talking to our server over the SDK's in-memory transport pair. */
export async function connectTestClient(options: ConnectOptions): Promise<TestConnection> {
  const logs = new LogCapture();
  const log = createLogger({ level: 'trace', destination: logs });
  const clients = createClients(options.credentials, {
    logger: log,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
  });
  const server = createServer({
    clients,
    log,
    toolsets: options.toolsets ?? PLATFORMS,
    readOnly: options.readOnly ?? false,
    maxResultChars: options.maxResultChars ?? 20_000,
    ...(options.maxWatchers ? { maxWatchers: options.maxWatchers } : {}),
    ...(options.tools ? { tools: options.tools } : {}),
    ...(options.resources ? { resources: options.resources } : {}),
  });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'test-client', version: '1.0.0' }, options.clientCapabilities);
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  // Like real clients, list tools first: the SDK client then validates every structuredContent
  // against the tool's outputSchema, so a result with an undeclared field fails the test.
  await client.listTools();
  return {
    client,
    clients,
    logs,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await server.close();
      await closeClients(clients);
    },
  };
}

export function resultText(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}
