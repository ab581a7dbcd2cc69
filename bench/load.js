// Load test of the streamable HTTP endpoint: 200 concurrent sessions against the sandbox, each
// making tool calls. Bounded in count (SESSIONS × CALLS) and loopback only. Prints a table.
import { spawn } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

// The SDK's HTTP client adds a fetch abort listener per request to one signal (client side).
setMaxListeners(0);
const SESSIONS = 200;
const CALLS = 10;
const ENTITY = '5a4d0b0c-0004-4000-8000-000000000001';

const server = spawn(process.execPath, ['dist/cli.js', '--sandbox', '--http', '--port', '0'], {
  stdio: ['ignore', 'ignore', 'pipe'],
  env: {
    ...process.env,
    LOG_LEVEL: 'warn',
    MCP_MAX_SESSIONS: String(SESSIONS + 10),
    MCP_MAX_SESSIONS_PER_PRINCIPAL: String(SESSIONS + 10),
    MCP_SESSION_RATE_PER_MINUTE: '100000',
    // Every session is one client address here; the defaults are sized for separate clients.
    MCP_HTTP_MAX_CONNECTIONS_PER_ADDRESS: String(4 * SESSIONS),
  },
});
const url = await new Promise((resolve, reject) => {
  let err = '';
  const timer = setTimeout(() => reject(new Error('server did not start')), 15_000);
  server.stderr.on('data', (c) => {
    err += c;
    const m = /listening on (http:\/\/\S+\/mcp)/.exec(err);
    if (m) {
      clearTimeout(timer);
      resolve(m[1]);
    }
  });
});
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) * 1024;

const rssBefore = rss();
const clients = await Promise.all(
  Array.from({ length: SESSIONS }, async () => {
    const client = new Client({ name: 'load', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    return client;
  }),
);
await new Promise((r) => setTimeout(r, 500));
const rssIdle = rss();

const latencies = [];
let errors = 0;
const started = performance.now();
await Promise.all(
  clients.map(async (client) => {
    for (let i = 0; i < CALLS; i++) {
      const t = performance.now();
      const result = await client
        .callTool({ name: 'amigo_get_entity', arguments: { entity_id: ENTITY } })
        .catch(() => ({ isError: true }));
      latencies.push(performance.now() - t);
      if (result.isError) errors++;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const sorted = latencies.sort((a, b) => a - b);
const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1);

console.log(
  `\n### Load: ${SESSIONS} concurrent HTTP sessions × ${CALLS} calls of \`amigo_get_entity\` (sandbox)\n`,
);
console.log('| sessions | calls | calls/s | p50 ms | p99 ms | errors | RSS per idle session |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
console.log(
  `| ${SESSIONS} | ${latencies.length} | ${(latencies.length / seconds).toFixed(0)} | ${pct(50)} | ${pct(99)} | ${errors} | ${((rssIdle - rssBefore) / SESSIONS / 1024).toFixed(0)} KB |`,
);
await Promise.all(clients.map((c) => c.close().catch(() => {})));
server.kill('SIGTERM');
process.exit(0);
