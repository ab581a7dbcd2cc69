// Benchmarks, printed as markdown tables. Loopback only, bounded in count and time.
// Run with `npm run bench` (builds first). Figures from one run; the machine is noisy, so ratios
// measured in the same run matter more than absolute numbers.
import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createClients } from '../dist/clients/index.js';
import { PLATFORMS } from '../dist/config.js';
import { createLogger } from '../dist/log.js';
import { createServer } from '../dist/server.js';

const COLD_START_RUNS = 10;

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Milliseconds from spawning the built CLI on --sandbox to its answer to initialize. */
function coldStartOnce() {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['dist/cli.js', '--sandbox'], {
      stdio: 'pipe',
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('no initialize answer within 15 s'));
    }, 15_000);
    child.stdout.once('data', () => {
      const ms = performance.now() - started;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(ms);
    });
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } })}\n`,
    );
  });
}

async function coldStart() {
  const runs = [];
  for (let i = 0; i < COLD_START_RUNS; i++) runs.push(await coldStartOnce());
  console.log('\n### Cold start (spawn to initialize answer, stdio, --sandbox)\n');
  console.log('| runs | p50 ms | p90 ms | min ms |\n| --- | --- | --- | --- |');
  console.log(
    `| ${runs.length} | ${percentile(runs, 50).toFixed(0)} | ${percentile(runs, 90).toFixed(0)} | ${Math.min(...runs).toFixed(0)} |`,
  );
}

async function toolsListSize(toolsets) {
  const offline = {
    ama2: { baseUrl: 'http://127.0.0.1:9', token: 'ama_eat_bench000000', userToken: 'a.b.c' },
    amigo: {
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'bench-key-000',
      workspaceId: '00000000-0000-4000-8000-000000000000',
    },
    atthene: { baseUrl: 'http://127.0.0.1:9/api/v1', apiKey: 'bench-key-000' },
  };
  const server = createServer({
    clients: createClients(offline),
    log: createLogger({ level: 'silent' }),
    toolsets,
    readOnly: false,
    maxResultChars: 20_000,
  });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'bench', version: '1' });
  await Promise.all([server.connect(b), client.connect(a)]);
  const { tools } = await client.listTools();
  await client.close();
  const chars = JSON.stringify(tools).length;
  return { tools: tools.length, chars };
}

async function contextEconomy() {
  console.log('\n### tools/list size (tokens = characters / 4)\n');
  console.log('| toolset | tools | tokens | tokens per tool |\n| --- | --- | --- | --- |');
  for (const set of [...PLATFORMS.map((p) => [p]), PLATFORMS]) {
    const { tools, chars } = await toolsListSize(set);
    const tokens = Math.round(chars / 4);
    console.log(`| ${set.join('+')} | ${tools} | ${tokens} | ${Math.round(tokens / Math.max(1, tools))} |`);
  }
}

console.log(
  `# agent-platforms-mcp bench (${new Date().toISOString()}, node ${process.version}, ${process.platform}/${process.arch})`,
);
await coldStart();
await contextEconomy();
