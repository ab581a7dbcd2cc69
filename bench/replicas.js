// Scale-out load run (issue #15): 1,000 sessions across two replicas of the built CLI sharing one
// Redis (MCP_REDIS_URL), behind a round-robin "load balancer" in this process: every request goes
// to the other replica than the one before, so every session is served by both. Bounded in count
// (SESSIONS, CALLS, CONCURRENCY) and loopback only; every child is killed on any exit. Not a timed
// test: it prints a table for bench/RESULTS.md.
//
//   npm run build && node bench/replicas.js          (redis-server on PATH, or BENCH_REDIS_URL)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const SESSIONS = 1000;
const CALLS = 2;
const CONCURRENCY = 50;
const ENTITY = '5a4d0b0c-0004-4000-8000-000000000001';
const children = [];
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(1));

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function startRedis() {
  if (process.env.BENCH_REDIS_URL) return process.env.BENCH_REDIS_URL;
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], {
    stdio: 'ignore',
  });
  children.push(child);
  await new Promise((r) => setTimeout(r, 300));
  return `redis://127.0.0.1:${port}/9`;
}

function startReplica(redisUrl) {
  const child = spawn(process.execPath, ['dist/cli.js', '--sandbox', '--http', '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      MCP_REDIS_URL: redisUrl,
      MCP_MAX_SESSIONS: String(SESSIONS + 10),
      MCP_MAX_SESSIONS_PER_PRINCIPAL: String(SESSIONS + 10),
      MCP_SESSION_RATE_PER_MINUTE: '1000000',
      MCP_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '4096',
    },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`replica did not start: ${err}`)), 20_000);
    child.stderr.on('data', (c) => {
      err += c;
      const m = /listening on (http:\/\/\S+\/mcp)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
  });
}

const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

const redisUrl = await startRedis();
const replicas = await Promise.all([startReplica(redisUrl), startReplica(redisUrl)]);
let turn = 0;
/** The round-robin balancer: no stickiness at all. */
const next = () => replicas[turn++ % replicas.length].url;
const post = (body, headers = {}) =>
  fetch(next(), { method: 'POST', headers: { ...HEADERS, ...headers }, body: JSON.stringify(body) });

const opens = [];
const calls = [];
let errors = 0;
async function oneSession(n) {
  let t = performance.now();
  const init = await post({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: `load-${n}`, version: '1' },
    },
  });
  await init.text();
  const id = init.headers.get('mcp-session-id');
  if (init.status !== 200 || !id) return void errors++;
  const session = { 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' };
  await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session)).text();
  opens.push(performance.now() - t);
  for (let i = 0; i < CALLS; i++) {
    t = performance.now();
    const res = await post(
      {
        jsonrpc: '2.0',
        id: 2 + i,
        method: 'tools/call',
        params: { name: 'amigo_get_entity', arguments: { entity_id: ENTITY } },
      },
      session,
    );
    const text = await res.text();
    calls.push(performance.now() - t);
    if (res.status !== 200 || text.includes('"isError":true')) errors++;
  }
  return session;
}

const before = replicas.map((r) => rss(r.child.pid));
const started = performance.now();
const sessions = [];
for (let i = 0; i < SESSIONS; i += CONCURRENCY)
  sessions.push(...(await Promise.all(Array.from({ length: CONCURRENCY }, (_, j) => oneSession(i + j)))));
const seconds = (performance.now() - started) / 1000;
const after = replicas.map((r) => rss(r.child.pid));
const health = await Promise.all(
  replicas.map(async (r) => (await fetch(r.url.replace('/mcp', '/healthz'))).json()),
);
const { Redis } = await import('ioredis');
const redis = new Redis(redisUrl);
const redisMemory = /used_memory:(\d+)/.exec(await redis.info('memory'))[1];
const keys = await redis.dbsize();
for (const session of sessions.filter(Boolean))
  await fetch(next(), { method: 'DELETE', headers: session }).then((r) => r.text());
const left = await redis.zcard('mcp:sessions');
await redis.quit();

const pct = (list, p) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1);
};
console.log(
  `\n### Scale-out: ${SESSIONS} sessions across 2 replicas on one Redis, round-robin per request (\`node bench/replicas.js\`)\n`,
);
console.log(
  '| sessions | calls | errors | wall s | open p50/p99 ms | call p50/p99 ms | copies held (A, B) | RSS growth (A, B) | Redis used_memory | keys | left after DELETE |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
console.log(
  `| ${opens.length} | ${calls.length} | ${errors} | ${seconds.toFixed(1)} | ${pct(opens, 50)} / ${pct(opens, 99)} | ${pct(calls, 50)} / ${pct(calls, 99)} | ${health.map((h) => h.sessions).join(', ')} | ${after.map((a, i) => `${((a - before[i]) / 1024 / 1024).toFixed(0)} MB`).join(', ')} | ${(Number(redisMemory) / 1024 / 1024).toFixed(1)} MB | ${keys} | ${left} |`,
);
process.exit(errors === 0 ? 0 : 1);
