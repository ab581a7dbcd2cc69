// What an idle HTTP session of ours holds: heap snapshots of the CLI (src/cli.ts bundled like
// dist/cli.js but unminified, for readable names; taken inside it by bench/heap-hook.js, after GC) before and after opening idle sessions, diffed by object kind
// (constructor, closure name, string, array...). Not part of `npm run bench`.
//   npm run build && node bench/heap-diff.js [sessions] [--floor]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readableBundle } from './lib/bundle.js';
import { ask, release, spawnNode } from './lib/children.js';
import { LATEST } from './lib/rpc.js';
import { startHttp, startSandboxProcess } from './lib/servers.js';
import { table } from './lib/stats.js';

const SESSIONS = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 200);
const KIND = process.argv.includes('--floor') ? 'floor' : 'ours';
const TOP = 25;

/** Self size and count per kind of node ("object Foo", "closure bar", "string"...). */
function byKind(file) {
  const { snapshot, nodes, strings } = JSON.parse(readFileSync(file, 'utf8'));
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[0];
  const [t, n, s] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const kinds = new Map();
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + t]];
    const named = ['object', 'closure', 'native', 'hidden', 'array', 'code'].includes(type);
    const key = named ? `${type} ${String(strings[nodes[i + n]]).slice(0, 70)}` : type;
    const kind = kinds.get(key) ?? { count: 0, size: 0 };
    kind.count++;
    kind.size += nodes[i + s];
    kinds.set(key, kind);
  }
  return kinds;
}

const dir = mkdtempSync(join(tmpdir(), 'bench-heap-'));
try {
  const sandbox = await startSandboxProcess();
  const cli = KIND === 'ours' ? await readableBundle(dir) : undefined;
  const server = await startHttp(KIND, sandbox.env, [], cli);
  const client = spawnNode([fileURLToPath(new URL('./client.js', import.meta.url))], {
    ipc: true,
    name: 'client',
  });
  const idle = (count) => ask(client, { type: 'idle', url: server.url, version: LATEST, count });
  const snap = async (name) => (await ask(server.child, { type: 'snapshot', file: join(dir, name) })).file;
  await idle(20);
  const before = byKind(await snap('before.heapsnapshot'));
  await idle(SESSIONS);
  const after = byKind(await snap('after.heapsnapshot'));
  await Promise.all([release(client), release(server.child), release(sandbox.child)]);
  const rows = [...after]
    .map(([key, a]) => {
      const b = before.get(key) ?? { count: 0, size: 0 };
      return { key, count: a.count - b.count, size: a.size - b.size };
    })
    .sort((x, y) => y.size - x.size);
  const total = rows.reduce((sum, r) => sum + r.size, 0);
  console.log(
    `\n### Heap per idle session of ${KIND}: ${(total / SESSIONS / 1024).toFixed(1)} KB (self sizes, ${SESSIONS} sessions)\n`,
  );
  console.log(
    table(
      ['kind', 'objects per session', 'bytes per session'],
      rows.slice(0, TOP).map((r) => [r.key, (r.count / SESSIONS).toFixed(1), (r.size / SESSIONS).toFixed(0)]),
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
