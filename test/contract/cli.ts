import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type CliProcess, startCli } from '../helpers/cli.js';

// The built CLI over stdio, pointed at a sandbox emulator started in the test, so the test reads
// the wire traffic the emulator recorded for each tool call.

export interface ToolCli {
  call(
    name: string,
    args: Record<string, unknown>,
  ): Promise<CallToolResult & { structuredContent?: Record<string, unknown> }>;
  close(): void;
}

export async function startToolCli(env: Record<string, string>): Promise<ToolCli> {
  const cli: CliProcess = await startCli([], env);
  return {
    async call(name, args) {
      const answer = await cli.rpc('tools/call', { name, arguments: args });
      const result = answer.result as CallToolResult & { structuredContent?: Record<string, unknown> };
      if (!result || result.isError)
        throw new Error(`${name} failed: ${JSON.stringify(answer.result ?? answer.error)}`);
      return result;
    },
    close: () => cli.kill(),
  };
}
