import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox.js';
import { type CliProcess, startHttpCli } from '../helpers/cli.js';
import { resultText, startTestSandbox } from '../helpers/mcp.js';

// Issue #14: over HTTP, a session's catalog offers only the platforms its own credentials reach.

let sandbox: Sandbox;
let proc: (CliProcess & { url: string }) | undefined;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox?.close());
afterEach(() => proc?.kill());

async function connect(url: string, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'catalog-remote', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

describe('catalog in remote sessions (built CLI over HTTP)', () => {
  it('a session with only an Atthene key searches Atthene operations and is refused the others', async () => {
    // The server holds an AMA2 token; a session that brings its own key is served with its own only.
    proc = await startHttpCli([], {
      AMA2_TOKEN: sandbox.ama2.token,
      AMA2_BASE_URL: sandbox.ama2.baseUrl,
      ATTHENE_BASE_URL: sandbox.atthene.baseUrl,
    });
    const own = await connect(proc.url, { 'X-Atthene-Api-Key': sandbox.atthene.apiKey });
    const bare = await connect(proc.url, {});
    try {
      const search = async (client: Client, platform: string) =>
        (await client.callTool({
          name: 'api_search_operations',
          arguments: { platform, query: 'sessions' },
        })) as CallToolResult;
      const found = await search(own, 'atthene');
      expect(found.isError, resultText(found)).toBeFalsy();
      expect((found.structuredContent as { total: number }).total).toBeGreaterThan(0);
      for (const other of ['ama2', 'amigo']) {
        const refused = await search(own, other);
        expect(refused.isError).toBe(true);
        expect(resultText(refused)).toContain('use one of atthene (');
      }
      // A session without the header has only the server's AMA2.
      const none = await search(bare, 'atthene');
      expect(resultText(none)).toContain('has no operation catalog here: use one of ama2 (');
    } finally {
      await Promise.all([own.close(), bare.close()]);
    }
  }, 20_000);
});
