import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { cliEnv } from './cli.js';

const STEP_MS = 20_000;

export interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/**
 * Starts an installed or unpacked copy of the server over stdio (as a client config would) and
 * returns what it lists, what platforms_status says and the results of `calls`; every request is
 * bounded in time.
 */
export async function driveOverStdio(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  cwd?: string,
  calls: ToolCall[] = [],
) {
  const transport = new StdioClientTransport({
    command,
    args,
    env: cliEnv(env) as Record<string, string>,
    stderr: 'pipe',
    ...(cwd ? { cwd } : {}),
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'package-test', version: '1.0.0' });
  try {
    await client.connect(transport, { timeout: STEP_MS });
    const { tools } = await client.listTools({}, { timeout: STEP_MS });
    const status = await client.callTool({ name: 'platforms_status', arguments: {} }, undefined, {
      timeout: STEP_MS,
    });
    const results = [];
    for (const call of calls) results.push(await client.callTool(call, undefined, { timeout: STEP_MS }));
    return {
      tools: tools.map((t) => t.name),
      status: status.structuredContent as { platforms: Array<{ reachable: boolean }> },
      results,
    };
  } catch (error) {
    throw new Error(`${command} ${args.join(' ')}: ${(error as Error).message}; stderr: ${stderr}`);
  } finally {
    await client.close();
  }
}
