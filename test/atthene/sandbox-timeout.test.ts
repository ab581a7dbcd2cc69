import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI, cliEnv } from '../helpers/cli.js';

// ATTHENE_EXECUTE_TIMEOUT_SECONDS applies to the sandbox too (its credentials do not come from the
// environment, and once dropped the setting). Every sandbox answer is slowed to 1.6 s, so the turn
// outlives a 1 s limit.
let client: Client;
beforeAll(async () => {
  client = new Client({ name: 'timeout-test', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [CLI, '--sandbox', '--toolsets', 'atthene', '--sandbox-faults', 'seed=1,latency=1600-1600'],
      env: cliEnv({ ATTHENE_EXECUTE_TIMEOUT_SECONDS: '1' }) as Record<string, string>,
      stderr: 'pipe',
    }),
  );
}, 20_000);
afterAll(() => client?.close());

it('ATTHENE_EXECUTE_TIMEOUT_SECONDS=1 ends a slow sandbox turn with a timeout error naming the variable', async () => {
  const created = (await client.callTool({
    name: 'atthene_create_session',
    arguments: { config: { name: 'Slow', agent_type: 'llm_agent', system_prompt: 'Answer.' } },
  })) as CallToolResult;
  expect(created.isError, JSON.stringify(created.content)).toBeFalsy();
  const { session_id } = created.structuredContent as { session_id: string };
  const result = (await client.callTool({
    name: 'atthene_execute_turn',
    arguments: { session_id, content: 'hello' },
  })) as CallToolResult;
  expect(result.isError).toBe(true);
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
  expect(text).toMatch(/did not finish within 1 s \(ATTHENE_EXECUTE_TIMEOUT_SECONDS\)/);
}, 20_000);
