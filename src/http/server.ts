import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpOptions } from '../core/config.js';
import type { Logger } from '../core/log.js';
import { createAuth } from './auth.js';
import { Fleet } from './fleet.js';
import { guardConnections, Limits } from './limits.js';
import { createMcpRoute, type McpContext, type SessionFactory } from './mcp.js';
import { createRouter } from './routes.js';
import { SessionTable } from './sessions.js';
import { MemoryState, type SharedState } from './shared.js';

export type { SessionFactory } from './mcp.js';
export type { SessionHandle } from './sessions.js';

export interface HttpServerHandle {
  /** The MCP endpoint, e.g. http://127.0.0.1:3333/mcp */
  url: string;
  port: number;
  sessionCount(): number;
  /** MCP servers alive right now: one per stateful session, one per in-flight stateless request. */
  liveServers(): number;
  /** Stops accepting, lets in-flight calls finish (up to `deadlineMs`), closes every session. */
  close(deadlineMs?: number): Promise<void>;
}

export interface HttpExtras {
  /** For /readyz: whether the configured platforms answer. */
  readiness?: () => Promise<{ ready: boolean; detail: unknown }>;
  /**
   * The platform credential headers (lower case): a browser may send them (CORS), and a session
   * is bound to their values at initialize.
   */
  credentialHeaders: readonly string[];
}

const displayHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

/**
 * Streamable HTTP (README "HTTP transport"): /mcp, /healthz, /readyz; Host and Origin checks
 * against DNS rebinding; a static bearer or OAuth resource-server mode; per-session credentials,
 * limits and resumable streams; replicas either stateless or sharing sessions through Redis
 * (MCP_REDIS_URL, README "Deployment: more than one replica"); graceful shutdown. The parts:
 * auth.ts (who is calling), sessions.ts (the session table), limits.ts and streams.ts (what a
 * client may use), mcp.ts and routes.ts (what each path answers).
 */
export async function startHttpServer(
  options: HttpOptions,
  makeSession: SessionFactory,
  log: Logger,
  extras: HttpExtras,
): Promise<HttpServerHandle> {
  let boundPort = options.port;
  // From configuration only, never from the request's Host (issue #12 E8).
  const baseUrl = () => options.publicUrl ?? `http://${displayHost(options.host)}:${boundPort}`;
  const auth = await createAuth(options, () => `${baseUrl()}/.well-known/oauth-protected-resource`);
  const { credentialHeaders } = extras;
  const shared: SharedState = options.redisUrl
    ? await (await import('./redis.js')).connectRedis(options.redisUrl, options, log)
    : new MemoryState(options);
  const sessions = new SessionTable(options, credentialHeaders, log, shared);
  const limits = new Limits(options, shared);
  const fleet = new Fleet(shared, sessions, log);
  const state = { closing: false, statelessLive: 0 };
  const mcpContext: McpContext = {
    options,
    log,
    auth,
    limits,
    sessions,
    fleet,
    makeSession,
    credentialHeaders,
    state,
  };
  const liveServers = () => sessions.size + state.statelessLive;
  const route = createRouter({
    options,
    log,
    auth,
    sessions,
    ...(extras.readiness ? { readiness: extras.readiness } : {}),
    mcp: createMcpRoute(mcpContext),
    baseUrl,
    boundPort: () => boundPort,
    liveServers,
  });

  const httpServer = createHttpServer(
    // Node enforces the two timeouts below only this often (default 30 s).
    { connectionsCheckingInterval: Math.min(1000, options.connections.headersTimeoutMs / 2) },
    (req, res) => {
      if (!refusedSockets.has(req.socket)) route(req, res);
    },
  );
  const refusedSockets = guardConnections(httpServer, options.connections);
  const sweep = setInterval(
    () => sessions.sweep(Date.now() - options.sessionIdleMs),
    Math.min(60_000, Math.max(500, Math.min(options.sessionIdleMs, options.eventStore.maxAgeMs) / 2)),
  );
  sweep.unref();

  boundPort = await listen(httpServer, options.port, options.host);

  return {
    url: `http://${displayHost(options.host)}:${boundPort}/mcp`,
    port: boundPort,
    sessionCount: () => sessions.size,
    liveServers,
    async close(deadlineMs = 10_000) {
      if (state.closing) return;
      state.closing = true;
      clearInterval(sweep);
      // Calls only: an open GET stream (a listener) is closed, not waited for.
      const busy = () => sessions.callsInFlight() + limits.statelessCalls.total > 0;
      await drain(httpServer, busy, () => sessions.closeAll(), deadlineMs);
      fleet.close();
      await shared.close();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting, waits while `busy` (up to the deadline), then closes the sessions and every connection. */
async function drain(
  server: Server,
  busy: () => boolean,
  closeSessions: () => Promise<void>,
  deadlineMs: number,
): Promise<void> {
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const deadline = Date.now() + deadlineMs;
  while (busy() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  await closeSessions();
  server.closeAllConnections();
  await stopped;
}
