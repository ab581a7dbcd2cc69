// Run by bench/run.js with --expose-gc: one server (with its sandbox) in this process, 10,000 tool
// calls over the in-memory transport, heap and RSS after a full GC before and after. Prints JSON.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createClients } from '../dist/core/clients.js';
import { PLATFORMS } from '../dist/core/config.js';
import { createLogger } from '../dist/core/log.js';
import { startSandbox } from '../dist/sandbox.js';
import { createServer } from '../dist/server.js';

const CALLS = 10_000;
const sandbox = await startSandbox({ ama2RateLimits: false });
const clients = createClients({
  ama2: { baseUrl: sandbox.ama2.baseUrl, token: sandbox.ama2.token },
  atthene: { baseUrl: sandbox.atthene.baseUrl, apiKey: sandbox.atthene.apiKey },
});
const server = createServer({
  clients,
  log: createLogger({ level: 'silent' }),
  toolsets: PLATFORMS,
  readOnly: false,
  maxResultChars: 20_000,
});
const [a, b] = InMemoryTransport.createLinkedPair();
const client = new Client({ name: 'memory', version: '1' });
await Promise.all([server.connect(b), client.connect(a)]);
const session = (
  await client.callTool({ name: 'atthene_create_session', arguments: { agent_key: 'support_agent' } })
).structuredContent.session_id;
const read = () => client.callTool({ name: 'atthene_get_status', arguments: { session_id: session } });
// (atthene_get_status: a small read through the whole stack; the entity read is measured in run.js)
const measure = () => {
  global.gc();
  global.gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
};
for (let i = 0; i < 2000; i++) await read();
const start = measure();
for (let i = 0; i < CALLS; i++) await read();
const after = measure();
console.log(JSON.stringify({ calls: CALLS, start, after }));
process.exit(0);
