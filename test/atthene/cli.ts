import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CLI, cliEnv } from '../helpers/cli.js';

// The built CLI (dist/cli.js) as an npx user runs it, pointed at an Atthene base URL of the test's
// choosing: a sandbox emulator started in the test, or a loopback stub serving other shapes.

export const STUB_KEY = 'atthene_stub_key_0000000000';

export interface CliConnection {
  client: Client;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export async function connectCli(baseUrl: string, apiKey = STUB_KEY, env: Record<string, string> = {}) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI],
    env: cliEnv({ ATTHENE_BASE_URL: baseUrl, ATTHENE_API_KEY: apiKey, ...env }) as Record<string, string>,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'atthene-test', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    call: async (name: string, args: Record<string, unknown> = {}) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: () => client.close(),
  } satisfies CliConnection;
}

export interface StubRequest {
  method: string;
  url: string;
  body: string;
}

export type StubHandler = (
  req: StubRequest,
) =>
  | { status: number; json?: unknown; headers?: Record<string, string> }
  | Promise<{ status: number; json?: unknown; headers?: Record<string, string> }>;

/** A loopback node:http Atthene stand-in; it records every request. */
export async function startStub(handler: StubHandler) {
  const requests: StubRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(seen);
      void Promise.resolve(handler(seen)).then(
        (answer) => {
          res.writeHead(answer.status, {
            ...(answer.json !== undefined ? { 'content-type': 'application/json' } : {}),
            ...answer.headers,
          });
          res.end(answer.json === undefined ? undefined : JSON.stringify(answer.json));
        },
        () => res.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    baseUrl: `${origin}/api/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function textOf(result: CallToolResult): string {
  return result.content
    .filter((c): c is { type: 'text'; text: string } => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
}
