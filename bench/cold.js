// Cold start, interleaved: spawn -> `initialize` answered over stdio, for the built CLI with
// platform keys in the environment (base URLs on 127.0.0.1, nothing leaves the machine), the
// built CLI with --sandbox, and @modelcontextprotocol/server-everything as the reference.
// Usage: node bench/cold.js [runs] (default 21). Needs `npm run build` first.
import { spawn } from 'node:child_process';

const RUNS = Number(process.argv[2] ?? 21);
const cli = new URL('../dist/cli.js', import.meta.url).pathname;
const everything = new URL(
  '../node_modules/@modelcontextprotocol/server-everything/dist/index.js',
  import.meta.url,
).pathname;

const keys = {
  AMIGO_API_KEY: 'bench-amigo-key-0123456789',
  AMIGO_WORKSPACE_ID: '00000000-0000-4000-8000-000000000001',
  AMIGO_BASE_URL: 'http://127.0.0.1:9/',
  ATTHENE_API_KEY: 'bench-atthene-key-0123456789',
  ATTHENE_BASE_URL: 'http://127.0.0.1:9/',
  AMA2_TOKEN: `ama_eat_${'ab'.repeat(32)}`,
  AMA2_BASE_URL: 'http://127.0.0.1:9/',
};
// COLD_CASES='[["dist/cli.js","--sandbox"],["other.js"]]' measures other command lines (keys in env
// for every case); the reference is always the last case.
const custom = process.env.COLD_CASES && JSON.parse(process.env.COLD_CASES);
const CASES = custom
  ? [
      ...custom.map((args) => ({ name: args.join(' '), args, env: keys })),
      { name: 'server-everything stdio', args: [everything, 'stdio'], env: {} },
    ]
  : [
      { name: 'ours, platform keys', args: [cli], env: keys },
      { name: 'ours, --sandbox', args: [cli, '--sandbox'], env: {} },
      { name: 'server-everything stdio', args: [everything, 'stdio'], env: {} },
    ];

const children = new Set();
const killAll = () => {
  for (const child of children) child.kill('SIGKILL');
};
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

// COLD_UNTIL=tools/list: also send notifications/initialized and tools/list, and time until the
// tools/list answer (id 2): the start-up work done after the initialize answer counts too.
const UNTIL_LIST = process.env.COLD_UNTIL === 'tools/list';
const ANSWER_ID = UNTIL_LIST ? 2 : 1;
const INIT = [
  {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
  },
  ...(UNTIL_LIST
    ? [
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      ]
    : []),
]
  .map((m) => `${JSON.stringify(m)}\n`)
  .join('');

/** Milliseconds from spawn to the line answering initialize (or tools/list) on stdout. */
function coldStart({ args, env }) {
  return new Promise((resolve, reject) => {
    const clean = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(AMIGO|ATTHENE|AMA2)_/.test(k)) clean[k] = v;
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...clean, LOG_LEVEL: 'warn', ...env },
    });
    children.add(child);
    const done = (fn) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      children.delete(child);
      fn();
    };
    const timer = setTimeout(() => done(() => reject(new Error(`no answer from ${args.join(' ')}`))), 15_000);
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      for (const line of buffered.split('\n').slice(0, -1)) {
        if (line.includes(`"id":${ANSWER_ID}`) && line.includes('"result"')) {
          const elapsed = performance.now() - started;
          return done(() => resolve(elapsed));
        }
      }
    });
    child.on('exit', (code) => done(() => reject(new Error(`${args.join(' ')} exited ${code}`))));
    child.stdin.on('error', () => {});
    child.stdin.write(INIT);
  });
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const times = CASES.map(() => []);
for (let i = 0; i < RUNS + 1; i++) {
  // Rotate the order each round so no case always runs right after another; round 0 warms the disk cache.
  for (let j = 0; j < CASES.length; j++) {
    const k = (i + j) % CASES.length;
    const t = await coldStart(CASES[k]);
    if (i > 0) times[k].push(t);
  }
}
const ref = pct(times[CASES.length - 1], 50);
console.log(
  `Cold start, spawn -> ${UNTIL_LIST ? 'tools/list' : 'initialize'} answered (stdio), ${RUNS} runs each, interleaved; node ${process.version}`,
);
console.log('| case | p50 ms | min-max ms | p50 ratio |\n| --- | --- | --- | --- |');
CASES.forEach((c, k) => {
  const xs = times[k];
  const row = [c.name, pct(xs, 50).toFixed(1), `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}`];
  console.log(`| ${row.join(' | ')} | ${(pct(xs, 50) / ref).toFixed(2)} |`);
});
