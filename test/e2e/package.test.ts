import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv } from '../helpers/cli.js';

// The package as users get it: packed, installed into an empty directory, launched by its bin and
// through npx exactly as a client config does. Needs the npm registry for the dependencies.

const ROOT = join(import.meta.dirname, '../..');
let work: string;
let tarball: string;
let files: string[];
let packedSize: number;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'apmcp-pack-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [info] = JSON.parse(out) as Array<{ filename: string; size: number; files: Array<{ path: string }> }>;
  tarball = join(work, info!.filename);
  files = info!.files.map((f) => f.path);
  packedSize = info!.size;
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', tarball], {
    cwd: work,
    stdio: 'ignore',
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
}, 180_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

async function driveOverStdio(command: string, args: string[], env: Record<string, string> = {}) {
  const transport = new StdioClientTransport({
    command,
    args,
    cwd: work,
    env: cliEnv(env) as Record<string, string>,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'package-test', version: '1.0.0' });
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    const status = await client.callTool({ name: 'platforms_status', arguments: {} });
    return {
      tools: tools.map((t) => t.name),
      status: status.structuredContent as { platforms: Array<{ reachable: boolean }> },
    };
  } finally {
    await client.close();
  }
}

describe('the published package', () => {
  it('holds only what runs, and is small', () => {
    const unexpected = files.filter(
      (f) => !/^(dist\/cli\.js|dist\/bundle-[\w.-]+\.js|README\.md|LICENSE|package\.json)$/.test(f),
    );
    expect(unexpected).toEqual([]);
    expect(files).toContain('dist/cli.js');
    expect(files.some((f) => f.endsWith('.test.js') || f.startsWith('src/') || f.startsWith('test/'))).toBe(
      false,
    );
    // The bin is a minified bundle of the server and its protocol dependencies (for start-up speed),
    // plus the Amigo OpenAPI document the operation catalog serves (about 160 KB packed, issue #14).
    expect(packedSize).toBeLessThan(600_000);
  });

  it('its bin, installed from the tarball, serves the sandbox over stdio', async () => {
    const bin = join(work, 'node_modules/.bin/agent-platforms-mcp');
    const { tools, status } = await driveOverStdio(bin, ['--sandbox']);
    expect(tools).toContain('platforms_status');
    expect(tools).toContain('ama2_send_message');
    expect(status.platforms.every((p) => p.reachable)).toBe(true);
  }, 60_000);

  it('the mcp.json.example entries launch as written (npx, pointed at the tarball)', async () => {
    const example = JSON.parse(readFileSync(join(ROOT, 'mcp.json.example'), 'utf8')) as Record<
      string,
      {
        config: {
          mcpServers?: Record<
            string,
            { command?: string; args?: string[]; env?: Record<string, string>; url?: string }
          >;
          servers?: Record<string, { command: string; args: string[] }>;
        };
      }
    >;
    expect(Object.keys(example)).toEqual([
      'claude-desktop',
      'cursor',
      'vscode',
      'claude-code',
      'sandbox',
      'remote',
    ]);
    const entry = example.sandbox!.config.mcpServers!['agent-platforms-sandbox']!;
    // As written, but npx takes the package from the tarball instead of the registry.
    const args = entry.args!.flatMap((a) => (a === 'agent-platforms-mcp' ? ['--package', tarball, a] : [a]));
    const { tools } = await driveOverStdio(entry.command!, args);
    expect(tools).toContain('atthene_execute_turn');

    // The keyed entries have the same command; their placeholder token is refused with a clear message.
    const desktop = example['claude-desktop']!.config.mcpServers!['agent-platforms']!;
    expect(desktop.command).toBe('npx');
    const bin = join(work, 'node_modules/.bin/agent-platforms-mcp');
    let message = '';
    try {
      execFileSync(bin, [], {
        env: cliEnv(desktop.env),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      message = String((error as { stderr?: string }).stderr);
      expect((error as { status?: number }).status).toBe(2);
    }
    expect(message).toContain('AMA2_TOKEN must be an external-agent token starting with ama_eat_');
    expect(example.vscode!.config.servers!['agent-platforms']!.args).toEqual(desktop.args);
    expect(example.remote!.config.mcpServers!['agent-platforms']!.url).toMatch(/\/mcp$/);
  }, 120_000);
});
