// In-memory tool call, in one child process of bench/run.js (IPC): ours (dist/server.js with the
// clients of dist/core/clients.js) and the floor (bench/floor.js), each behind the SDK Client over
// InMemoryTransport, plus the same GET made directly with undici; all against the sandbox process.
// Interleaved rounds, the order rotated each round. Answers {type:'run'} with each path's samples.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Pool } from 'undici';
import { createClients } from '../dist/core/clients.js';
import { PLATFORMS } from '../dist/core/config.js';
import { createLogger } from '../dist/core/log.js';
import { createServer } from '../dist/server.js';
import { createFloorServer } from './floor.js';
import { rotation } from './lib/stats.js';
import { tether } from './lib/tether.js';

tether();

async function connect(server) {
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'bench', version: '1' });
  await Promise.all([server.connect(b), client.connect(a)]);
  return client;
}

/** The bench's call through an SDK client; fails loudly on an error result (never time an error path). */
const caller = (client, args) => async () => {
  const result = await client.callTool({ name: 'amigo_get_entity', arguments: args });
  if (result.isError) throw new Error(`amigo_get_entity: ${JSON.stringify(result.content)}`);
};

async function paths({ credentials, entity }) {
  const ours = createServer({
    clients: createClients(credentials),
    log: createLogger({ level: 'silent' }),
    toolsets: PLATFORMS,
    readOnly: false,
    maxResultChars: 20_000,
  });
  const { amigo } = credentials;
  const pool = new Pool(new URL(amigo.baseUrl).origin, { keepAliveTimeout: 4_000 });
  const path = `/v1/${amigo.workspaceId}/world/entities/${entity}`;
  const headers = { authorization: `Bearer ${amigo.apiKey}` };
  return {
    ours: caller(await connect(ours), { entity_id: entity }),
    floor: caller(await connect(createFloorServer(amigo)), { entity_id: entity }),
    direct: async () => {
      const res = await pool.request({ method: 'GET', path, headers });
      if (res.statusCode !== 200) throw new Error(`direct GET: ${res.statusCode}`);
      await res.body.json();
    },
  };
}

async function run({ credentials, entity, rounds, calls, warmup }) {
  const fns = await paths({ credentials, entity });
  const names = Object.keys(fns);
  for (const name of names) for (let i = 0; i < warmup; i++) await fns[name]();
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of rotation(names, r)) {
      const round = [];
      for (let i = 0; i < calls; i++) {
        const t = performance.now();
        await fns[name]();
        round.push(performance.now() - t);
      }
      samples[name].push(round);
    }
  }
  return { samples };
}

process.on('message', async (message) => {
  if (message?.type !== 'run') return;
  try {
    process.send({ type: 'run', ...(await run(message)) });
  } catch (error) {
    process.send({ type: 'run', error: String(error?.stack ?? error) });
  }
});
