import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv } from '../helpers/cli.js';
import { driveOverStdio } from '../helpers/package.js';

// The package as users get it (issue #16): a fresh clone packs it (`prepack` bundles the CLI), the
// tarball installs into an empty directory with no registry (every dependency is in the bundle),
// and it launches by its bin, by `node .../dist/cli.js`, through npx as mcp.json.example writes
// it, and from `npm install -g <clone>`. Nothing here needs the network: npm runs --offline.

const ROOT = join(import.meta.dirname, '../..');
const NPM_MS = 60_000;
let work: string;
let clone: string;
let app: string;
let globalPrefix: string;
let tarball: string;
let files: string[];
let packedSize: number;

let installWarnings: string;

/** Runs npm offline; its warnings go to `warnings` when given. */
function npm(args: string[], cwd: string, warnings?: (text: string) => void): string {
  const result = spawnSync('npm', [...args, '--offline', '--no-audit', '--no-fund'], {
    cwd,
    encoding: 'utf8',
    timeout: NPM_MS,
    env: { ...process.env, npm_config_loglevel: 'warn', npm_config_update_notifier: 'false' },
  });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed: ${result.error ?? result.stderr}`);
  warnings?.(result.stderr);
  return result.stdout;
}

/** A fresh clone of the working tree: its tracked and new files, no dist/, our node_modules. */
function freshClone(into: string): void {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  for (const file of listed.split('\0').filter(Boolean)) {
    const from = join(ROOT, file);
    if (!statSync(from, { throwIfNoEntry: false })?.isFile()) continue; // deleted, not yet committed
    mkdirSync(dirname(join(into, file)), { recursive: true });
    cpSync(from, join(into, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(into, 'node_modules'), 'dir');
}

/** Installed packages (each folder holding a package.json directly under a node_modules) and bytes. */
function census(nodeModules: string): { packages: string[]; bytes: number } {
  const packages: string[] = [];
  let bytes = 0;
  const walk = (dir: string, underNodeModules: boolean, scoped: boolean) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isFile()) bytes += statSync(path).size;
      if (!entry.isDirectory()) continue;
      const isScope = underNodeModules && entry.name.startsWith('@');
      if ((underNodeModules || scoped) && !isScope && entry.name !== '.bin') packages.push(path);
      walk(path, entry.name === 'node_modules', isScope);
    }
  };
  walk(nodeModules, true, false);
  return { packages, bytes };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'apmcp-pack-'));
  clone = join(work, 'clone');
  app = join(work, 'app');
  globalPrefix = join(work, 'global');
  freshClone(clone);
  const [info] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], clone)) as Array<{
    filename: string;
    size: number;
    files: Array<{ path: string }>;
  }>;
  tarball = join(work, info!.filename);
  files = info!.files.map((f) => f.path);
  packedSize = info!.size;
  mkdirSync(app);
  npm(['init', '-y'], app);
  npm(['install', '--omit=dev', tarball], app, (text) => {
    installWarnings = text;
  });
  npm(['install', '-g', '--prefix', globalPrefix, clone], work);
}, 150_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the published package', () => {
  it('is built by `npm pack` in a fresh clone and holds only what runs', () => {
    const unexpected = files.filter(
      (f) => !/^(dist\/cli\.js|dist\/bundle-[\w.-]+\.js|README\.md|LICENSE|package\.json)$/.test(f),
    );
    expect(unexpected).toEqual([]);
    expect(files).toContain('dist/cli.js');
    // The server, every dependency (undici, pino, the SDK, zod, ajv...) and the Amigo OpenAPI
    // document the catalog serves, minified: about 700 KB packed.
    expect(packedSize).toBeLessThan(900_000);
  });

  it('installs with --omit=dev and no registry as itself alone: at most 3 packages and 5 MB', () => {
    const { packages, bytes } = census(join(app, 'node_modules'));
    expect(packages.map((p) => p.slice(app.length + 1))).toEqual(['node_modules/agent-platforms-mcp']);
    expect(packages.length).toBeLessThanOrEqual(3);
    expect(bytes).toBeLessThan(5 * 1024 * 1024);
    // No lifecycle script for npm to hold for approval (npm 11 names `prepare` to every installer).
    expect(installWarnings).not.toMatch(/install-scripts|prepare/);
  });

  it('its installed bin serves the sandbox over stdio', async () => {
    const { tools, status } = await driveOverStdio(join(app, 'node_modules/.bin/agent-platforms-mcp'), [
      '--sandbox',
    ]);
    expect(tools).toContain('ama2_send_message');
    expect(status.platforms.every((p) => p.reachable)).toBe(true);
  }, 45_000);

  it('`node <prefix>/node_modules/agent-platforms-mcp/dist/cli.js` serves the sandbox, lazy parts too', async () => {
    const cli = join(app, 'node_modules/agent-platforms-mcp/dist/cli.js');
    // api_read loads the chunks the start-up path leaves out: the OpenAPI document, ajv, undici.
    const read = { platform: 'amigo', operation_id: 'list-agents', params: { limit: 5 } };
    const { tools, status, results } = await driveOverStdio(process.execPath, [cli, '--sandbox'], {}, app, [
      { name: 'api_read', arguments: read },
    ]);
    expect(tools).toContain('atthene_execute_turn');
    expect(status.platforms.every((p) => p.reachable)).toBe(true);
    expect(results[0]?.isError).toBeFalsy();
    expect(results[0]?.structuredContent).toMatchObject({ status: 200 });
  }, 45_000);

  it('`npm install -g <clone>` leaves a working bin', async () => {
    const { tools, status } = await driveOverStdio(join(globalPrefix, 'bin/agent-platforms-mcp'), [
      '--sandbox',
    ]);
    expect(tools).toContain('amigo_send_message');
    expect(status.platforms.every((p) => p.reachable)).toBe(true);
  }, 45_000);

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
    // As written, but npx takes the package from the tarball instead of the registry, offline.
    const args = entry.args!.flatMap((a) => (a === 'agent-platforms-mcp' ? ['--package', tarball, a] : [a]));
    const { tools } = await driveOverStdio(entry.command!, args, { npm_config_offline: 'true' }, work);
    expect(tools).toContain('atthene_execute_turn');

    // The keyed entries have the same command; their placeholder token is refused with a clear message.
    const desktop = example['claude-desktop']!.config.mcpServers!['agent-platforms']!;
    expect(desktop.command).toBe('npx');
    const bin = join(app, 'node_modules/.bin/agent-platforms-mcp');
    let message = '';
    try {
      execFileSync(bin, [], {
        env: cliEnv(desktop.env),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 15_000,
      });
    } catch (error) {
      message = String((error as { stderr?: string }).stderr);
      expect((error as { status?: number }).status).toBe(2);
    }
    expect(message).toContain('AMA2_TOKEN must be an external-agent token starting with ama_eat_');
    expect(example.vscode!.config.servers!['agent-platforms']!.args).toEqual(desktop.args);
    expect(example.remote!.config.mcpServers!['agent-platforms']!.url).toMatch(/\/mcp$/);
  }, 60_000);
});
