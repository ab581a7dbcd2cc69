// The benchmark of issue #15: every target measured against a floor (bench/floor.js: the same SDK,
// one tool, the same undici GET to the same sandbox endpoint) in the same run, on the BUILT artifact.
// The sandbox runs in its own process; HTTP is driven by a lean client in its own process; paths are
// interleaved in rounds (order rotated each round) and reported as the median of per-round figures
// with the min–max spread; heap is read after GC inside each server. Every child is killed on any
// exit (lib/children.js). Loopback only; every loop is bounded by a count.
//
//   npm run bench                 builds, runs everything (~2 min on 2 idle cores, ~5 busy), writes bench/RESULTS.md
//   BENCH_QUICK=1 node bench/run.js    tiny counts (< 60 s), prints the report, writes no file
//   BENCH_OUT=file                 where to write the report (default bench/RESULTS.md; quick: none)
//   BENCH_JSON=file                also write the targets and spawned pids as JSON
// Where the time and memory go (not part of the run): bench/profile.js (CPU profile of our HTTP
// server under this load, top functions by self time), bench/heap-diff.js (an idle session's heap
// by object kind). bench/replicas.js is the Redis scale-out run (needs redis-server).
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ask, release, spawnedPids, spawnNode, stop } from './lib/children.js';
import { renderReport, targetsOf } from './lib/report.js';
import { LATEST } from './lib/rpc.js';
import { CLI, cpuOf, EVERYTHING, FLOOR, heapOf, startHttp, startSandboxProcess } from './lib/servers.js';
import { pct, rotation } from './lib/stats.js';
import { initializeParams, openStdio, startStdio } from './lib/stdio.js';

const QUICK = process.env.BENCH_QUICK === '1';
const N = QUICK
  ? {
      rounds: 2,
      memCalls: 60,
      memWarmup: 30,
      httpCalls: 40,
      httpWarmup: 10,
      oldCalls: 30,
      throughput: { 1: 20, 8: 48, 64: 128 },
      opens: 5,
      warmSessions: 3,
      idleSessions: 10,
      growthWarmup: 50,
      growthCalls: 200,
      coldRuns: 2,
      turns: 2,
      toolsets: false,
    }
  : {
      rounds: 7,
      memCalls: 1500,
      memWarmup: 500,
      httpCalls: 800,
      httpWarmup: 150,
      oldCalls: 500,
      throughput: { 1: 500, 8: 1500, 64: 3000 },
      opens: 50,
      warmSessions: 20,
      idleSessions: 200,
      growthWarmup: 2000,
      growthCalls: 10_000,
      coldRuns: 20,
      turns: 30,
      toolsets: true,
    };
const OLD = '2025-06-18';
const ENTITY = '5a4d0b0c-0004-4000-8000-000000000001';
const CALL = { tool: 'amigo_get_entity', args: { entity_id: ENTITY } };
const progress = (text) => process.stderr.write(`bench: ${text}\n`);

async function inMemory(sandbox) {
  progress('in-memory tool call (ours, floor, direct undici)');
  const child = spawnNode([fileURLToPath(new URL('./inmemory.js', import.meta.url))], {
    ipc: true,
    name: 'in-memory',
  });
  const { samples } = await ask(child, {
    type: 'run',
    credentials: sandbox.credentials,
    entity: ENTITY,
    rounds: N.rounds,
    calls: N.memCalls,
    warmup: N.memWarmup,
  });
  await release(child);
  return samples;
}

/**
 * Round-robin jobs on the lean client: `jobs` maps a label to [server, message, calls]; rotated each
 * round. Returns each label's picked figures, and the server's CPU time per call (µs, read inside
 * the server around the job; `calls` counts every call of the job, warm-up included).
 */
async function rounds(client, jobs, pick) {
  const labels = Object.keys(jobs);
  const out = Object.fromEntries(labels.map((k) => [k, []]));
  const cpu = Object.fromEntries(labels.map((k) => [k, []]));
  for (let r = 0; r < N.rounds; r++) {
    for (const label of rotation(labels, r)) {
      const [server, message, calls] = jobs[label];
      const before = await cpuOf(server);
      out[label].push(pick(await ask(client, message)));
      cpu[label].push(((await cpuOf(server)) - before) / calls);
    }
  }
  return { out, cpu };
}

async function httpMeasures(client, ours, floor) {
  progress('HTTP tool call latency (2025-11-25 and 2025-06-18)');
  const latency = (server, version, calls) => [
    server,
    { type: 'latency', url: server.url, version, ...CALL, calls, warmup: N.httpWarmup },
    calls + N.httpWarmup,
  ];
  const http = await rounds(
    client,
    {
      [`ours ${LATEST}`]: latency(ours, LATEST, N.httpCalls),
      [`floor ${LATEST}`]: latency(floor, LATEST, N.httpCalls),
      [`ours ${OLD}`]: latency(ours, OLD, N.oldCalls),
      [`floor ${OLD}`]: latency(floor, OLD, N.oldCalls),
    },
    (m) => m.samples,
  );
  const throughput = {};
  for (const [c, calls] of Object.entries(N.throughput)) {
    progress(`HTTP throughput at concurrency ${c}`);
    const job = (server) => [
      server,
      { type: 'throughput', url: server.url, version: LATEST, ...CALL, calls, concurrency: +c },
      calls + +c,
    ];
    throughput[c] = await rounds(client, { ours: job(ours), floor: job(floor) }, (m) => m);
  }
  progress('HTTP session open');
  const open = (server) => [
    server,
    { type: 'open', url: server.url, version: LATEST, count: N.opens },
    N.opens,
  ];
  const opens = await rounds(client, { ours: open(ours), floor: open(floor) }, (m) => m.samples);
  return {
    http: http.out,
    httpCpu: http.cpu,
    throughput: Object.fromEntries(
      Object.entries(throughput).map(([c, t]) => [
        c,
        {
          ours: t.out.ours.map((m) => m.callsPerSecond),
          floor: t.out.floor.map((m) => m.callsPerSecond),
          clientCpu: t.out.floor.map((m) => m.clientCpu),
          cpu: t.cpu,
        },
      ]),
    ),
    opens: opens.out,
    openCpu: opens.cpu,
  };
}

/** Heap after GC before and after `growthCalls` calls (at concurrency 8, fresh sessions). */
async function growth(client, server) {
  progress(`memory growth over ${N.growthCalls} calls (${server.kind})`);
  const calls = (count) => ({
    type: 'calls',
    url: server.url,
    version: LATEST,
    ...CALL,
    calls: count,
    concurrency: 8,
  });
  await ask(client, calls(N.growthWarmup));
  const before = await heapOf(server);
  await ask(client, calls(N.growthCalls));
  return { before, after: await heapOf(server), calls: N.growthCalls };
}

/** Heap per idle session: warm sessions first, then `idleSessions` more left open. */
async function idleHeap(client, server) {
  progress(`heap per idle session (${server.kind})`);
  const idle = (count) => ({ type: 'idle', url: server.url, version: LATEST, count });
  await ask(client, idle(N.warmSessions));
  const before = await heapOf(server);
  const { samples } = await ask(client, idle(N.idleSessions));
  const after = await heapOf(server);
  return { before, after, sessions: N.idleSessions, openP50: pct(samples, 50) };
}

/** Spawn to the `initialize` answer over stdio, in ms. */
async function coldStart(args, env) {
  const started = performance.now();
  const server = startStdio(args, { env, name: `cold start ${args.join(' ')}` });
  await server.rpc('initialize', initializeParams());
  const elapsed = performance.now() - started;
  await stop(server.child);
  return elapsed;
}

async function coldStarts(sandboxEnv) {
  const variants = {
    'ours, keys in env': [[CLI], sandboxEnv],
    'ours --sandbox': [[CLI, '--sandbox'], {}],
    'floor (stdio)': [[FLOOR], sandboxEnv],
    'server-everything stdio': [[EVERYTHING, 'stdio'], {}],
  };
  const out = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let r = 0; r < N.coldRuns; r++) {
    progress(`cold start, run ${r + 1} of ${N.coldRuns}`);
    for (const label of rotation(Object.keys(variants), r))
      out[label].push(await coldStart(...variants[label]));
  }
  return out;
}

const tokens = (value) => JSON.stringify(value).length / 4;
const modelRead = ({ name, title, description, inputSchema }) =>
  tokens({ name, title, description, inputSchema });

/** tools/list of the built CLI over stdio: all platforms, and (full run) each toolset alone. */
async function contextEconomy(sandboxEnv) {
  progress('context economy (tools/list)');
  const sets = N.toolsets ? ['ama2', 'amigo', 'atthene', 'all'] : ['all'];
  const rows = [];
  for (const set of sets) {
    const server = await openStdio(set === 'all' ? [CLI] : [CLI, '--toolsets', set], { env: sandboxEnv });
    const { tools } = await server.rpc('tools/list');
    await stop(server.child);
    const read = tools.reduce((n, t) => n + modelRead(t), 0);
    rows.push({ set, tools: tools.length, tokens: tokens({ tools }), modelReadPerTool: read / tools.length });
  }
  return rows;
}

const SAMPLE_CALLS = (session, agentId) => ({
  platforms_status: {},
  ama2_list_threads: { limit: 100 },
  atthene_list_agents: { limit: 100 },
  atthene_list_sessions: { limit: 100 },
  atthene_get_agent: { agent_id: agentId },
  atthene_get_messages: { session_id: session, limit: 100 },
  atthene_get_session: { session_id: session },
  atthene_get_status: { session_id: session },
  amigo_list_agents: { limit: 20 },
  amigo_list_services: { limit: 20 },
  amigo_list_entities: { limit: 100 },
  amigo_get_entity: { entity_id: ENTITY },
  amigo_get_entity_timeline: { entity_id: ENTITY, limit: 200 },
  amigo_list_calls: { limit: 100 },
  amigo_get_call: { call_id: '5a4d0b0c-0007-4000-8000-000000000001' },
  amigo_list_entity_types: {},
  amigo_get_workspace_overview: {},
  amigo_get_analytics: { days: 90 },
  amigo_list_functions: {},
});

/** The size of each read tool's result on the seeded sandbox, after an Atthene session grew. */
async function largestResults(sandboxEnv) {
  progress('largest read results');
  const server = await openStdio([CLI], { env: sandboxEnv });
  const call = (name, args) => server.rpc('tools/call', { name, arguments: args });
  const session = (await call('atthene_create_session', { agent_key: 'support_agent' })).structuredContent
    .session_id;
  const agents = (await call('atthene_list_agents', {})).structuredContent.agents;
  for (let i = 0; i < N.turns; i++)
    await call('atthene_execute_turn', { session_id: session, content: `turn ${i} ${'words '.repeat(40)}` });
  const rows = [];
  for (const [name, args] of Object.entries(SAMPLE_CALLS(session, agents[1]?.id ?? agents[0]?.id))) {
    const result = await call(name, args);
    const chars = result.content.filter((c) => c.type === 'text').reduce((n, c) => n + c.text.length, 0);
    rows.push({
      name,
      chars,
      cut: Boolean(result.structuredContent?.truncated),
      error: Boolean(result.isError),
    });
  }
  await stop(server.child);
  return rows;
}

function machine(loadStart) {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${cpu.length} × ${cpu[0]?.model ?? 'cpu'}`,
    ramMb: Math.round(totalmem() / 2 ** 20),
    load: `${loadStart.map((l) => l.toFixed(1)).join(' ')} → ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
    quick: QUICK,
    counts: N,
  };
}

async function main() {
  const loadStart = loadavg();
  const started = performance.now();
  const sandbox = await startSandboxProcess();
  const r = { inMemory: await inMemory(sandbox) };
  const client = spawnNode([fileURLToPath(new URL('./client.js', import.meta.url))], {
    ipc: true,
    name: 'client',
  });
  const ours = await startHttp('ours', sandbox.env);
  const floor = await startHttp('floor', sandbox.env);
  Object.assign(r, await httpMeasures(client, ours, floor));
  r.growth = { ours: await growth(client, ours), floor: await growth(client, floor) };
  const everything = await startHttp('everything', {});
  r.heap = {};
  for (const server of [ours, floor, everything]) r.heap[server.kind] = await idleHeap(client, server);
  await Promise.all([ours, floor, everything].map((s) => release(s.child)));
  await release(client);
  r.cold = await coldStarts(sandbox.env);
  r.context = await contextEconomy(sandbox.env);
  r.largest = await largestResults(sandbox.env);
  await release(sandbox.child);
  r.machine = { ...machine(loadStart), seconds: Math.round((performance.now() - started) / 1000) };
  return r;
}

const results = await main();
const targets = targetsOf(results);
const report = renderReport(results, targets);
process.stdout.write(`${report}\n`);
const out =
  process.env.BENCH_OUT ?? (QUICK ? undefined : fileURLToPath(new URL('./RESULTS.md', import.meta.url)));
if (out) {
  // The scale-out section comes from bench/replicas.js (needs redis-server), run separately: kept.
  let kept = '';
  try {
    const previous = readFileSync(out, 'utf8');
    const at = previous.indexOf('\n### Scale-out');
    if (at !== -1) kept = previous.slice(at);
  } catch {}
  writeFileSync(out, `${report}\n${kept}`);
}
if (process.env.BENCH_JSON) {
  writeFileSync(process.env.BENCH_JSON, JSON.stringify({ targets, pids: spawnedPids() }, null, 2));
}
process.exit(0);
