// `npm run mcpb`: builds the Claude Desktop extension, agent-platforms-mcp-<version>.mcpb, from the
// bundled CLI (dist/cli.js and its chunks, which need no node_modules) and a manifest generated
// from the platform modules' variables (src/packaging.ts). `--out DIR` writes it elsewhere (tests).
// `npm run server-json` (`--server-json`) rewrites server.json from the same source.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mcpbManifest, serverJson } from '../dist/packaging.js';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const { values } = parseArgs({ options: { out: { type: 'string' }, 'server-json': { type: 'boolean' } } });
const json = (value) => `${JSON.stringify(value, null, 2)}\n`;

if (values['server-json']) {
  writeFileSync(join(root, 'server.json'), json(serverJson(pkg)));
  console.error('server.json written');
  process.exit(0);
}

const mcpb = join(root, 'node_modules/@anthropic-ai/mcpb/dist/cli/cli.js');
const run = (...args) =>
  execFileSync(process.execPath, [mcpb, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });

const stage = mkdtempSync(join(tmpdir(), 'apmcp-mcpb-'));
try {
  mkdirSync(join(stage, 'server'));
  const dist = join(root, 'dist');
  for (const file of readdirSync(dist).filter((f) => f === 'cli.js' || /^bundle-.*\.js$/.test(f)))
    copyFileSync(join(dist, file), join(stage, 'server', file));
  // The CLI reads its name and version from ../package.json, and its .js files are ES modules.
  writeFileSync(join(stage, 'package.json'), json({ name: pkg.name, version: pkg.version, type: 'module' }));
  for (const file of ['README.md', 'LICENSE']) copyFileSync(join(root, file), join(stage, file));
  writeFileSync(join(stage, 'manifest.json'), json(mcpbManifest(pkg)));
  run('validate', join(stage, 'manifest.json'));
  const out = join(values.out ?? root, `${pkg.name}-${pkg.version}.mcpb`);
  run('pack', stage, out);
  console.error(`${out} written`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
