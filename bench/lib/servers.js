// The processes the bench measures, all spawned through the one registry (lib/children.js): the
// sandbox, and HTTP servers (ours from dist/cli.js, the floor, server-everything) preloaded with the
// heap hook so their heap after GC is read inside them.
import { createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ask, spawnNode, waitFor } from './children.js';

const file = (relative) => fileURLToPath(new URL(relative, import.meta.url));
export const CLI = file('../../dist/cli.js');
export const FLOOR = file('../floor.js');
export const EVERYTHING = file('../../node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const HOOK = pathToFileURL(file('../heap-hook.js')).href;

/** Our HTTP limits lifted: one client address opens every session and makes every call here. */
export const LIFTED = {
  LOG_LEVEL: 'silent',
  MCP_SESSION_RATE_PER_MINUTE: '1000000',
  MCP_MAX_SESSIONS: '100000',
  MCP_MAX_SESSIONS_PER_PRINCIPAL: '100000',
  MCP_SESSION_MAX_IN_FLIGHT: '10000',
  MCP_HTTP_MAX_CONNECTIONS: '1000000',
  MCP_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
};

export async function startSandboxProcess() {
  const child = spawnNode([file('../sandbox.js')], { ipc: true, name: 'sandbox' });
  const [, line] = await waitFor(child, 'stdout', /^(\{.*\})\n/m);
  return { child, ...JSON.parse(line) };
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/**
 * An HTTP server with the heap hook: 'ours' (the built CLI, platform keys in env pointing at the
 * sandbox process), 'floor' or 'everything'. `nodeFlags` e.g. ['--cpu-prof']; `cli` another build of ours.
 */
export async function startHttp(kind, sandboxEnv, nodeFlags = [], cli = CLI) {
  const node = ['--expose-gc', '--import', HOOK, ...nodeFlags];
  if (kind === 'ours') {
    const child = spawnNode([...node, cli, '--http', '--port', '0'], {
      ipc: true,
      env: { ...sandboxEnv, ...LIFTED },
      name: 'ours (http)',
    });
    const [, url] = await waitFor(child, 'stderr', /listening on (http:\/\/\S+\/mcp)/);
    return { kind, child, url };
  }
  if (kind === 'floor') {
    const child = spawnNode([...node, FLOOR, '--http'], { ipc: true, env: sandboxEnv, name: 'floor (http)' });
    const [, url] = await waitFor(child, 'stderr', /listening on (http:\/\/\S+\/mcp)/);
    return { kind, child, url };
  }
  const port = await freePort();
  const child = spawnNode([...node, EVERYTHING, 'streamableHttp'], {
    ipc: true,
    env: { PORT: String(port) },
    name: 'server-everything (http)',
  });
  await waitFor(child, 'stderr', /listening on port/);
  return { kind, child, url: `http://127.0.0.1:${port}/mcp` };
}

/** The server's heap in use after full GCs, read inside its process by the heap hook. */
export async function heapOf(server) {
  const { heapUsed } = await ask(server.child, { type: 'heap' });
  return heapUsed;
}

/** The server's CPU time so far (user + system), in µs, read inside its process by the heap hook. */
export async function cpuOf(server) {
  const { micros } = await ask(server.child, { type: 'cpu' });
  return micros;
}
