import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { McpbManifestAny } from '@anthropic-ai/mcpb';
import { getMcpConfigForManifest } from '@anthropic-ai/mcpb/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_MODULES } from '../../src/platforms/index.js';
import { cliEnv } from '../helpers/cli.js';
import { driveOverStdio } from '../helpers/package.js';

// The Claude Desktop extension as a user gets it: `npm run mcpb`'s script builds the .mcpb, the
// mcpb CLI validates and unpacks it, and the server starts the way Claude Desktop starts it (the
// launch command from the mcpb library's own getMcpConfigForManifest, user settings filled in).

const ROOT = join(import.meta.dirname, '../..');
const MCPB_CLI = join(ROOT, 'node_modules/@anthropic-ai/mcpb/dist/cli/cli.js');
let work: string;
let unpacked: string;
let manifest: McpbManifestAny;

const mcpb = (...args: string[]) =>
  execFileSync(process.execPath, [MCPB_CLI, ...args], { encoding: 'utf8', timeout: 30_000 });

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'apmcp-mcpb-test-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts/mcpb.mjs'), '--out', work], {
    stdio: 'ignore',
    timeout: 60_000,
  });
  const [bundle] = readdirSync(work).filter((f) => f.endsWith('.mcpb'));
  unpacked = join(work, 'unpacked');
  mcpb('unpack', join(work, bundle!), unpacked);
  manifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8')) as McpbManifestAny;
}, 90_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The command Claude Desktop would run for these settings. */
async function launch(userConfig: Record<string, string | boolean>) {
  const config = await getMcpConfigForManifest({
    manifest,
    extensionPath: unpacked,
    systemDirs: {},
    userConfig,
    pathSeparator: '/',
  });
  if (!config) throw new Error('getMcpConfigForManifest gave no launch config');
  return { command: config.command, args: config.args ?? [], env: config.env ?? {} };
}

describe('the Claude Desktop extension (npm run mcpb)', () => {
  it('passes `mcpb validate` once unpacked', () => {
    expect(mcpb('validate', join(unpacked, 'manifest.json'))).toMatch(/valid/i);
  });

  it('asks for every platform variable, keys as sensitive, and offers a sandbox switch', () => {
    const options = manifest.user_config ?? {};
    for (const m of PLATFORM_MODULES) {
      for (const [name, v] of Object.entries(m.env)) {
        const option = options[name.toLowerCase()];
        expect(option, name).toBeDefined();
        expect(option?.sensitive, name).toBe(v.header !== undefined && !v.notSecret);
      }
    }
    expect(options.amigo_api_key?.sensitive).toBe(true);
    expect(options.amigo_workspace_id?.sensitive).toBe(false);
    expect(options.mcp_sandbox).toMatchObject({ type: 'boolean', default: false });
  });

  it('starts from the unpacked bundle on the sandbox and answers initialize and tools/list', async () => {
    const { command, args, env } = await launch({ mcp_sandbox: true });
    expect(env.MCP_SANDBOX).toBe('true');
    const { tools, status } = await driveOverStdio(
      command === 'node' ? process.execPath : command,
      args,
      env,
    );
    expect(tools).toContain('amigo_send_message');
    expect(status.platforms.every((p) => p.reachable)).toBe(true);
  }, 45_000);

  it('left unconfigured, it exits 2 naming the variables to set (unset options arrive empty)', async () => {
    const { args, env } = await launch({});
    const result = spawnSync(process.execPath, args, { env: cliEnv(env), encoding: 'utf8', timeout: 15_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no platform is configured');
    expect(result.stderr).not.toContain('user_config');
  });
});
