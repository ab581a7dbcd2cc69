// Where our HTTP server spends its CPU under the bench's load: the CLI bundled like dist/cli.js but
// not minified (readable function names), run with --cpu-prof against the sandbox process, driven by
// the lean client (sequential calls, concurrency 8 and 64, session opens); prints the top functions
// by self time and the share of each package. Not part of `npm run bench` (profiling slows the
// server). `npm run build && node bench/profile.js [top] [--floor]`; BENCH_QUICK=1 for tiny counts.
// --floor profiles bench/floor.js under the same load instead, for comparison. --keep=FILE also
// writes the .cpuprofile there (open it in Chrome DevTools, or read inclusive times from it).
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readableBundle } from './lib/bundle.js';
import { ask, release, spawnNode, waitFor } from './lib/children.js';
import { LATEST } from './lib/rpc.js';
import { LIFTED, startSandboxProcess } from './lib/servers.js';
import { table } from './lib/stats.js';

const FLOOR = process.argv.includes('--floor');
const TOP = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 15);
const QUICK = process.env.BENCH_QUICK === '1';
const KEEP = process.argv.find((a) => a.startsWith('--keep='))?.slice('--keep='.length);
const repo = (relative) => fileURLToPath(new URL(`../${relative}`, import.meta.url));
const CALL = { tool: 'amigo_get_entity', args: { entity_id: '5a4d0b0c-0004-4000-8000-000000000001' } };

async function load(url) {
  const client = spawnNode([repo('bench/client.js')], { ipc: true, name: 'client' });
  const n = QUICK ? 50 : 3000;
  const job = { url, version: LATEST, ...CALL };
  await ask(client, { type: 'latency', ...job, calls: n, warmup: 100 });
  for (const concurrency of [8, 64]) await ask(client, { type: 'throughput', ...job, calls: n, concurrency });
  await ask(client, { type: 'open', url, version: LATEST, count: QUICK ? 10 : 300 });
  await release(client);
}

const maps = new Map();
/** The source file and line a bundle position came from (node_modules/<package>/... or src/...). */
function origin(url, line, column) {
  const installed = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (installed) return { file: `${installed[1]}/${installed[2]}`, line: line + 1, where: installed[1] };
  if (!url.startsWith('file:'))
    return {
      file: url || '(vm)',
      line: line + 1,
      where: url.startsWith('node:') ? 'node internals' : '(vm)',
    };
  if (!maps.has(url)) {
    try {
      maps.set(url, new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8'))));
    } catch {
      maps.set(url, undefined);
    }
  }
  const entry = maps.get(url)?.findEntry(line, column);
  const source = entry?.originalSource?.replace(/^.*?(node_modules\/|src\/)/, '$1') ?? url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1];
  const where = pkg ?? (source.startsWith('src/') ? source.split('/').slice(0, 2).join('/') : source);
  return { file: source, line: (entry?.originalLine ?? line) + 1, where };
}

/** Self time per function (name, source file, line) and per package or src/ folder, from a .cpuprofile. */
function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const fns = new Map();
  const packages = new Map();
  let busy = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber, columnNumber } = byId.get(id).callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    busy += us;
    const { file, line, where } = origin(url, lineNumber, columnNumber);
    const key = `${functionName || '(anonymous)'} ${file}:${line}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    const place = url === '' ? `(${functionName})` : where;
    packages.set(place, (packages.get(place) ?? 0) + us);
  }
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  const row = ([k, us]) => [k, (us / 1000).toFixed(1), `${((us / busy) * 100).toFixed(1)}%`];
  return { busy, top: top(fns, TOP).map(row), packages: top(packages, 12).map(row) };
}

const root = mkdtempSync(join(tmpdir(), 'bench-profile-'));
try {
  const cli = FLOOR ? repo('bench/floor.js') : await readableBundle(root);
  const sandbox = await startSandboxProcess();
  const profiles = join(root, 'profiles');
  mkdirSync(profiles);
  const hook = pathToFileURL(repo('bench/heap-hook.js')).href;
  const server = spawnNode(
    ['--cpu-prof', `--cpu-prof-dir=${profiles}`, '--import', hook, cli, '--http', '--port', '0'],
    { ipc: true, env: { ...sandbox.env, ...LIFTED }, name: `${FLOOR ? 'floor' : 'ours'} (profiled)` },
  );
  const [, url] = await waitFor(server, 'stderr', /listening on (http:\/\/\S+\/mcp)/);
  await load(url);
  await release(server, 15_000);
  await release(sandbox.child);
  const file = readdirSync(profiles).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('the profiled server wrote no .cpuprofile');
  if (KEEP) copyFileSync(join(profiles, file), KEEP);
  const { busy, top, packages } = summarize(JSON.parse(readFileSync(join(profiles, file), 'utf8')));
  const what = FLOOR ? 'The floor' : 'Our';
  console.log(`\n### ${what} HTTP server's CPU under the bench load: ${(busy / 1000).toFixed(0)} ms busy\n`);
  console.log(table(['function, source', 'self ms', 'share of busy'], top));
  console.log(`\n${table(['package or src/ folder', 'self ms', 'share of busy'], packages)}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
process.exit(0);
