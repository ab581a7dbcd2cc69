import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const CLI = join(import.meta.dirname, '../../dist/cli.js');

if (!existsSync(CLI))
  throw new Error('dist/cli.js is missing: run `npm run build` (npm test does it for you)');

/** The environment a spawned CLI sees: ours minus every platform credential, plus `env`. */
export function cliEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(AMA2_|AMIGO_|ATTHENE_|MCP_|SANDBOX_|LOG_LEVEL)/.test(k)),
  );
  return { ...base, ...env };
}

export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdoutLines: string[];
  stderr(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a JSON-RPC request over stdin and resolves with the response of the same id. */
  rpc(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  notify(method: string, params?: Record<string, unknown>): void;
  kill(): void;
}

export function spawnCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv(env), stdio: 'pipe' });
  const stdoutLines: string[] = [];
  let stderr = '';
  let buffer = '';
  const waiting = new Map<number, (message: Record<string, unknown>) => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let newline = buffer.indexOf('\n');
    while (newline !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      stdoutLines.push(line);
      try {
        const message = JSON.parse(line) as Record<string, unknown>;
        if (typeof message.id === 'number') waiting.get(message.id)?.(message);
      } catch {
        // Kept in stdoutLines; the test asserts every line is JSON-RPC.
      }
      newline = buffer.indexOf('\n');
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let nextId = 1;
  return {
    child,
    stdoutLines,
    stderr: () => stderr,
    exit,
    rpc(method, params = {}) {
      const id = nextId++;
      const answer = new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no answer to ${method} in 15 s; stderr: ${stderr}`)),
          15_000,
        );
        waiting.set(id, (message) => {
          clearTimeout(timer);
          resolve(message);
        });
      });
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
      return answer;
    },
    notify(method, params = {}) {
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
    },
    kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Starts the CLI in HTTP mode on a free port and resolves with the endpoint it printed. */
export async function startHttpCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<CliProcess & { url: string }> {
  const proc = spawnCli(['--http', '--port', '0', ...args], env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start; stderr: ${proc.stderr()}`)),
      15_000,
    );
    const check = () => {
      const match = /listening on (http:\/\/\S+\/mcp)/.exec(proc.stderr());
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    proc.child.stderr.on('data', check);
    void proc.exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited; stderr: ${proc.stderr()}`));
    });
  });
  return { ...proc, url };
}

export const INITIALIZE_PARAMS = {
  protocolVersion: '2025-06-18',
  capabilities: {},
  clientInfo: { name: 'e2e-test', version: '1.0.0' },
};

/** spawnCli, then initialize and notifications/initialized: a CLI ready for tools/call. */
export async function startCli(args: string[], env: Record<string, string> = {}): Promise<CliProcess> {
  const cli = spawnCli(args, env);
  try {
    await cli.rpc('initialize', INITIALIZE_PARAMS);
  } catch (error) {
    cli.kill();
    throw error;
  }
  cli.notify('notifications/initialized');
  return cli;
}

/** A tools/call over the CLI's stdio: its error flag, its text and its structured content. */
export async function callTool(
  cli: CliProcess,
  name: string,
  args: Record<string, unknown>,
): Promise<{ isError?: boolean; text: string; structured?: Record<string, unknown> }> {
  const answer = (await cli.rpc('tools/call', { name, arguments: args })).result as Record<string, unknown>;
  const content = answer.content as Array<{ text?: string }>;
  return {
    isError: answer.isError as boolean | undefined,
    text: content.map((c) => c.text ?? '').join('\n'),
    structured: answer.structuredContent as Record<string, unknown>,
  };
}
