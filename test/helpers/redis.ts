import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { type AddressInfo, createConnection, createServer } from 'node:net';

/**
 * A Redis for the scale-out tests: TEST_REDIS_URL (.ci/run starts one), else a `redis-server` of
 * our own on a loopback port when it is on PATH. Without either the tests are skipped locally and
 * FAIL in CI (process.env.CI): the scale-out path must never go untested there silently.
 */
export interface TestRedis {
  /** redis://127.0.0.1:PORT/DB: each test file takes its own database so counts do not mix. */
  url(db: number): string;
  stop(): Promise<void>;
}

export const REDIS_MISSING =
  'Redis is needed for the scale-out tests: set TEST_REDIS_URL (.ci/run does) or install redis-server (apt-get install redis-server)';

export function redisAvailable(): boolean {
  if (process.env.TEST_REDIS_URL) return true;
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!found && process.env.CI) throw new Error(REDIS_MISSING);
  if (!found) console.warn(`skipped: ${REDIS_MISSING}`);
  return found;
}

export async function startTestRedis(): Promise<TestRedis> {
  const given = process.env.TEST_REDIS_URL;
  if (given) {
    const base = given.replace(/\/\d*$/, '');
    return { url: (db) => `${base}/${db}`, stop: async () => {} };
  }
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  await waitForPort(port, child);
  return {
    url: (db) => `redis://127.0.0.1:${port}/${db}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
      socket.setTimeout(500, () => done(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not listen on ${port} within 10 s`);
}
