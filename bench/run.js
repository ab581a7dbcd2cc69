// Benchmarks, printed as markdown tables: overhead, throughput, cold start, memory, context
// economy. Loopback only, every loop bounded in count. Run with `npm run bench` (builds first).
// The machine is noisy: ratios measured in the same run matter more than absolute figures.
import { spawn } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Agent, request } from 'undici';
import { createClients } from '../dist/core/clients.js';
import { PLATFORMS } from '../dist/core/config.js';
import { createLogger } from '../dist/core/log.js';
import { listTools, tokens } from '../dist/core/reference.js';
import { startHttpServer } from '../dist/http/server.js';
import { sandboxPlatformCredentials, startSandbox } from '../dist/sandbox.js';
import { createServer } from '../dist/server.js';

// The SDK's HTTP client transport (the bench's side, not the server's) adds a fetch abort listener
// per request to one long-lived signal; Node frees them on GC but warns past 1,500.
setMaxListeners(0);

const N = Number(process.env.BENCH_CALLS ?? 2000);
const WARMUP = 200;
const COLD_RUNS = 10;
const IDLE_SESSIONS = 200;

const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (v) => v.toFixed(3);
const table = (title, head, rows) => {
  console.log(`\n### ${title}\n`);
  console.log(`| ${head.join(' | ')} |\n| ${head.map(() => '---').join(' | ')} |`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
};

const log = createLogger({ level: 'silent' });
const sandbox = await startSandbox({ ama2RateLimits: false, attheneExecuteDelayMs: 1, ama2ReplyDelayMs: 5 });
const credentials = sandboxPlatformCredentials(sandbox);
const clients = createClients(credentials);
const makeServer = () =>
  createServer({ clients, log, toolsets: PLATFORMS, readOnly: false, maxResultChars: 20_000 });

// The bench clients do not list tools first, so the SDK client does not validate results against
// the output schemas: what is measured is the server's overhead, not the client's.
async function inMemoryClient() {
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'bench', version: '1' });
  await Promise.all([makeServer().connect(b), client.connect(a)]);
  return client;
}

const memClient = await inMemoryClient();
const session = (
  await memClient.callTool({ name: 'atthene_create_session', arguments: { agent_key: 'support_agent' } })
).structuredContent.session_id;
const ENTITY = '5a4d0b0c-0004-4000-8000-000000000001';
const READ = { name: 'amigo_get_entity', arguments: { entity_id: ENTITY } };

async function timeCalls(call, count) {
  for (let i = 0; i < WARMUP; i++) await call();
  const samples = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await call();
    samples.push(performance.now() - t);
  }
  return samples;
}

// --- Overhead -------------------------------------------------------------------------------
const direct = new Agent({ keepAliveTimeout: 10_000 });
const entityUrl = `${sandbox.amigo.baseUrl}/v1/${sandbox.amigo.workspaceId}/world/entities/${ENTITY}`;
const directSamples = await timeCalls(async () => {
  const res = await request(entityUrl, {
    dispatcher: direct,
    headers: { authorization: `Bearer ${sandbox.amigo.apiKey}` },
  });
  await res.body.json();
}, N);
const memSamples = await timeCalls(() => memClient.callTool(READ), N);
const http = await startHttpServer(
  {
    host: '127.0.0.1',
    port: 0,
    allowedOrigins: [],
    allowedHosts: [],
    maxBodyBytes: 1 << 20,
    sessionIdleMs: 600_000,
    stateless: false,
    maxSessions: 1000,
    maxSessionsPerPrincipal: 1000,
    sessionRatePerMinute: 1_000_000,
    maxWatchers: 20,
    maxInFlightPerSession: 1000,
    eventStore: { sessionBytes: 1 << 20, totalBytes: 64 << 20, maxAgeMs: 300_000 },
    connections: {
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxConnections: 4096,
      maxConnectionsPerAddress: 4096,
    },
  },
  makeServer,
  log,
  { credentialHeaders: [] },
);
async function httpClient() {
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
  return client;
}
const httpOne = await httpClient();
const httpSamples = await timeCalls(() => httpOne.callTool(READ), N);
const d50 = pct(directSamples, 50);
table(
  `Overhead: \`amigo_get_entity\` (GET /v1/{workspace}/world/entities/{id} on the sandbox), ${N} calls after ${WARMUP} warm-up`,
  ['path', 'p50 ms', 'p99 ms', 'p50 ratio to direct'],
  [
    ['direct undici request', ms(d50), ms(pct(directSamples, 99)), '1.00'],
    [
      'MCP tool call, in-memory transport',
      ms(pct(memSamples, 50)),
      ms(pct(memSamples, 99)),
      (pct(memSamples, 50) / d50).toFixed(2),
    ],
    [
      'MCP tool call, streamable HTTP',
      ms(pct(httpSamples, 50)),
      ms(pct(httpSamples, 99)),
      (pct(httpSamples, 50) / d50).toFixed(2),
    ],
  ],
);

// --- Throughput -----------------------------------------------------------------------------
const throughputRows = [];
for (const concurrency of [1, 8, 64]) {
  const sessions = await Promise.all(Array.from({ length: concurrency }, httpClient));
  const total = Math.max(500, concurrency * 40);
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    sessions.map(async (client) => {
      while (next++ < total) {
        const result = await client.callTool(READ).catch(() => ({ isError: true }));
        if (result.isError) errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  throughputRows.push([String(concurrency), String(total), (total / seconds).toFixed(0), String(errors)]);
  await Promise.all(sessions.map((c) => c.close()));
}
table(
  'Throughput over streamable HTTP (one session per concurrent caller)',
  ['concurrency', 'calls', 'calls/s', 'errors'],
  throughputRows,
);

// --- Cold start -----------------------------------------------------------------------------
function coldStart(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      stdio: 'pipe',
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no initialize answer from ${args.join(' ')}`));
    }, 15_000);
    child.stdout.once('data', () => {
      clearTimeout(timer);
      resolve(performance.now() - started);
      child.kill('SIGKILL');
    });
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } })}\n`,
    );
  });
}
const ours = [];
const reference = [];
const everything = new URL(
  '../node_modules/@modelcontextprotocol/server-everything/dist/index.js',
  import.meta.url,
).pathname;
for (let i = 0; i < COLD_RUNS; i++) {
  ours.push(await coldStart(['dist/cli.js', '--sandbox']));
  reference.push(await coldStart([everything, 'stdio']));
}
table(
  `Cold start: spawn to \`initialize\` answered over stdio, ${COLD_RUNS} runs each, interleaved`,
  ['server', 'p50 ms', 'min ms', 'max ms', 'p50 ratio'],
  [
    [
      'agent-platforms-mcp --sandbox',
      ms(pct(ours, 50)),
      ms(Math.min(...ours)),
      ms(Math.max(...ours)),
      (pct(ours, 50) / pct(reference, 50)).toFixed(2),
    ],
    [
      '@modelcontextprotocol/server-everything stdio',
      ms(pct(reference, 50)),
      ms(Math.min(...reference)),
      ms(Math.max(...reference)),
      '1.00',
    ],
  ],
);

// --- Memory ---------------------------------------------------------------------------------
// Measured in separate server processes (stdio for calls, HTTP for idle sessions) through /proc.
const rssOf = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
const child = spawn(process.execPath, ['--expose-gc', 'bench/memory-child.js'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let childOut = '';
child.stdout.on('data', (c) => {
  childOut += c;
});
await new Promise((resolve) => child.once('exit', resolve));
const memory = JSON.parse(childOut);
const server = spawn(process.execPath, ['dist/cli.js', '--sandbox', '--http', '--port', '0'], {
  stdio: ['ignore', 'ignore', 'pipe'],
  env: {
    ...process.env,
    LOG_LEVEL: 'warn',
    MCP_MAX_SESSIONS: String(IDLE_SESSIONS + 10),
    MCP_MAX_SESSIONS_PER_PRINCIPAL: String(IDLE_SESSIONS + 10),
    // All idle sessions come from one address here; the defaults are sized for separate clients.
    MCP_SESSION_RATE_PER_MINUTE: '100000',
    MCP_HTTP_MAX_CONNECTIONS_PER_ADDRESS: String(4 * IDLE_SESSIONS),
  },
});
const url = await new Promise((resolve) => {
  let err = '';
  server.stderr.on('data', (c) => {
    err += c;
    const m = /listening on (http:\/\/\S+\/mcp)/.exec(err);
    if (m) resolve(m[1]);
  });
});
const idleBefore = rssOf(server.pid);
const idle = [];
for (let i = 0; i < IDLE_SESSIONS; i++) {
  const client = new Client({ name: 'idle', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  idle.push(client);
}
await new Promise((r) => setTimeout(r, 500));
const idleAfter = rssOf(server.pid);
server.kill('SIGKILL');
const mb = (b) => (b / 1024 / 1024).toFixed(1);
const growth = (from, to) => `${(((to - from) / from) * 100).toFixed(1)}%`;
table(
  "Memory (after a full GC; heap is what the server holds, RSS includes the allocator's reserve)",
  ['measure', 'value'],
  [
    [
      'server with sandbox after start and 2,000 warm-up calls: heap / RSS',
      `${mb(memory.start.heap)} MB / ${mb(memory.start.rss)} MB`,
    ],
    [
      `after ${memory.calls.toLocaleString('en')} more tool calls: heap / RSS`,
      `${mb(memory.after.heap)} MB (${growth(memory.start.heap, memory.after.heap)}) / ${mb(memory.after.rss)} MB (${growth(memory.start.rss, memory.after.rss)})`,
    ],
    [
      `HTTP server, per idle session (${IDLE_SESSIONS} sessions)`,
      `${((idleAfter - idleBefore) / IDLE_SESSIONS / 1024).toFixed(1)} KB`,
    ],
  ],
);

// --- Context economy ------------------------------------------------------------------------
const economy = [];
for (const set of [...PLATFORMS.map((p) => [p]), PLATFORMS]) {
  const tools = await listTools(set);
  economy.push([
    set.join('+'),
    String(tools.length),
    String(tokens(tools)),
    String(Math.round(tokens(tools) / tools.length)),
  ]);
}
table(
  'Context economy: `tools/list` (tokens = characters / 4; each toolset includes platforms_status)',
  ['toolset', 'tools', 'tokens', 'tokens per tool'],
  economy,
);

const samples = {
  platforms_status: {},
  ama2_list_threads: { limit: 100 },
  atthene_list_agents: { limit: 100 },
  atthene_list_sessions: { limit: 100 },
  atthene_get_agent: null,
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
};
const agents = (await memClient.callTool({ name: 'atthene_list_agents', arguments: {} })).structuredContent
  .agents;
samples.atthene_get_agent = { agent_id: agents[1].id };
for (let i = 0; i < 30; i++)
  await memClient.callTool({
    name: 'atthene_execute_turn',
    arguments: { session_id: session, content: `turn ${i} ${'words '.repeat(40)}` },
  });
const sizes = [];
for (const [name, args] of Object.entries(samples)) {
  const result = await memClient.callTool({ name, arguments: args });
  const chars = result.content.filter((c) => c.type === 'text').reduce((n, c) => n + c.text.length, 0);
  sizes.push([
    name,
    String(chars),
    result.structuredContent?.truncated ? 'cut with cursor' : 'whole',
    result.isError ? 'error' : 'ok',
  ]);
}
table(
  'Largest read results on seeded data (budget 20,000 characters)',
  ['tool', 'characters', 'page', 'outcome'],
  sizes,
);

console.log(
  `\n_${new Date().toISOString()}, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${mb(totalmem())} MB RAM_`,
);
await Promise.all([...idle.map((c) => c.close().catch(() => {})), httpOne.close(), memClient.close()]);
await http.close(1000);
await sandbox.close();
await direct.close();
process.exit(0);
