// The lean HTTP client, in its own process (spawned by bench/run.js with an IPC channel): runs one
// job per message and answers with its figures. Every loop is bounded by a call count.
import { createAgent, Session } from './lib/rpc.js';
import { tether } from './lib/tether.js';

tether();
const agent = createAgent();
const idle = [];

async function timed(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const jobs = {
  /** Sequential calls on one session: per-call latencies. */
  async latency({ url, version, tool, args, calls, warmup }) {
    const session = await new Session(agent, url, version).open();
    if (session.negotiated !== version) throw new Error(`asked for ${version}, got ${session.negotiated}`);
    for (let i = 0; i < warmup; i++) await session.call(tool, args);
    const samples = [];
    for (let i = 0; i < calls; i++) samples.push(await timed(() => session.call(tool, args)));
    await session.close();
    return { samples, negotiated: session.negotiated };
  },
  /** `concurrency` sessions, each calling in a loop until `calls` calls are made in all. */
  async throughput({ url, version, tool, args, calls, concurrency }) {
    const sessions = await Promise.all(
      Array.from({ length: concurrency }, () => new Session(agent, url, version).open()),
    );
    await Promise.all(sessions.map((s) => s.call(tool, args)));
    let next = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(
      sessions.map(async (s) => {
        while (next++ < calls) await s.call(tool, args);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const { user, system } = process.cpuUsage(cpu);
    await Promise.all(sessions.map((s) => s.close()));
    // The client's own CPU share: near 1 means the client, not the server, limits the rate.
    return { callsPerSecond: calls / seconds, clientCpu: (user + system) / 1e6 / seconds };
  },
  /** Sessions opened one after another (initialize + initialized), each closed after, untimed. */
  async open({ url, version, count }) {
    const samples = [];
    for (let i = 0; i < count; i++) {
      const session = new Session(agent, url, version);
      samples.push(await timed(() => session.open()));
      await session.close();
    }
    return { samples };
  },
  /** Sessions opened and left idle (for the heap per idle session); their open times. */
  async idle({ url, version, count }) {
    const samples = [];
    for (let i = 0; i < count; i++) {
      const session = new Session(agent, url, version);
      samples.push(await timed(() => session.open()));
      idle.push(session);
    }
    return { samples };
  },
  /** Calls at a fixed concurrency on fresh sessions (memory growth), closed after. */
  async calls({ url, version, tool, args, calls, concurrency }) {
    const { callsPerSecond } = await jobs.throughput({ url, version, tool, args, calls, concurrency });
    return { callsPerSecond };
  },
  /** One request on a fresh session: e.g. tools/list. */
  async request({ url, version, method, params }) {
    const session = await new Session(agent, url, version).open();
    const result = await session.request(method, params);
    await session.close();
    return { result };
  },
};

process.on('message', async (message) => {
  try {
    process.send({ type: message.type, ...(await jobs[message.type](message)) });
  } catch (error) {
    process.send({ type: message.type, error: String(error?.stack ?? error) });
  }
});
