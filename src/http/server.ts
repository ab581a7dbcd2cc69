import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { ConfigError, type HttpOptions, isLoopbackHost } from '../core/config.js';
import { type Logger, scrubSecrets } from '../core/log.js';
import { VERSION } from '../version.js';
import {
  credentialFingerprint,
  guardConnections,
  messageCount,
  type Principal,
  principalOf,
  RateLimiter,
  requestsIn,
} from './guard.js';
import { CancelledStreams } from './streams.js';
import { type AuthResult, BoundedEventStore, createOAuthVerifier, EventBudget } from './support.js';

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

/** One MCP server for a session (or, stateless, for one request), built from the request's headers. */
export interface SessionHandle {
  server: McpServer;
  close(): Promise<void>;
}
/** Throws ConfigError for credential headers that fail validation (answered 400). */
export type SessionFactory = (req: IncomingMessage) => Promise<SessionHandle>;

export interface HttpExtras {
  /** For /readyz: whether the configured platforms answer. */
  readiness?: () => Promise<{ ready: boolean; detail: unknown }>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  handle: SessionHandle;
  lastSeen: number;
  /** Requests (JSON-RPC messages with an id) not yet answered. */
  inFlight: number;
  events: BoundedEventStore;
  cancels: CancelledStreams;
  /** Bound at initialize (issue #12 E1): who opened it, and with which credential headers. */
  principal: string;
  credentials: string;
}

const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127(?:\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;
const READINESS_CACHE_MS = 5000;

/** Bodies of refusals are JSON-RPC errors so MCP clients can show them. */
function refuse(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

const displayHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

const NO_SESSION = 'Session not found (it expired or the server restarted); initialize a new session';

function sameSecret(given: string, expected: string): boolean {
  // Hash both sides so the comparison is constant-time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Streamable HTTP per DESIGN.md "Transports": /mcp, /healthz, /readyz; Host and Origin checks
 * against DNS rebinding; a static bearer or OAuth resource-server mode; per-session credentials,
 * limits and resumable streams; a stateless mode for replicas; graceful shutdown.
 */
export async function startHttpServer(
  options: HttpOptions,
  makeSession: SessionFactory,
  log: Logger,
  extras: HttpExtras = {},
): Promise<HttpServerHandle> {
  const sessions = new Map<string, Session>();
  let statelessLive = 0;
  let inFlight = 0;
  let closing = false;
  let boundPort = options.port;
  const verify = options.oauth ? await createOAuthVerifier(options.oauth) : undefined;
  let readiness: { at: number; value: Promise<{ ready: boolean; detail: unknown }> } | undefined;
  const limiter = new RateLimiter(options.sessionRatePerMinute);
  const eventBudget = new EventBudget(options.eventStore.totalBytes);
  const publicHost = options.publicUrl ? new URL(options.publicUrl).host : undefined;

  // Every route but /healthz (see there). Behind a non-loopback bind config.ts guarantees a list.
  const allowedHost = (host: string | undefined): boolean => {
    if (!host) return false;
    if (options.allowedHosts.includes(host) || host === publicHost) return true;
    const hostname = host.replace(/:\d+$/, '');
    return isLoopbackHost(options.host) && isLoopbackHost(hostname) && host.endsWith(`:${boundPort}`);
  };
  const allowedOrigin = (origin: string | undefined): boolean =>
    origin === undefined || LOOPBACK_ORIGIN.test(origin) || options.allowedOrigins.includes(origin);
  // From configuration only, never from the request's Host (issue #12 E8).
  const baseUrl = () => options.publicUrl ?? `http://${displayHost(options.host)}:${boundPort}`;
  const metadataUrl = () => `${baseUrl()}/.well-known/oauth-protected-resource`;

  async function authenticate(req: IncomingMessage): Promise<AuthResult> {
    if (options.token === undefined && !verify) return { ok: true };
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const token = match?.[1]?.trim();
    if (!token)
      return { ok: false, status: 401, error: '', description: 'send "Authorization: Bearer <token>"' };
    if (verify) {
      const verified = await verify(token);
      return verified.ok ? { ...verified, token } : verified;
    }
    return sameSecret(token, options.token!)
      ? { ok: true, token }
      : {
          ok: false,
          status: 401,
          error: 'invalid_token',
          description: 'the bearer token is not MCP_HTTP_TOKEN',
        };
  }

  function refuseAuth(res: ServerResponse, result: Exclude<AuthResult, { ok: true }>): void {
    // RFC 6750 §3 and RFC 9728 §5.1: say where the protected-resource metadata is.
    const parts = [
      verify ? `resource_metadata="${metadataUrl()}"` : 'realm="agent-platforms-mcp"',
      ...(result.error ? [`error="${result.error}"`, `error_description="${result.description}"`] : []),
    ];
    refuse(res, result.status, `Unauthorized: ${result.description}`, {
      'www-authenticate': `Bearer ${parts.join(', ')}`,
    });
  }

  async function handleMcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    if (!allowedOrigin(origin)) {
      return refuse(res, 403, `Origin ${origin} is not allowed; add it to MCP_ALLOWED_ORIGINS to allow it`);
    }
    if (origin) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader(
        'access-control-expose-headers',
        'Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate',
      );
      res.setHeader('vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
        'access-control-allow-headers': `content-type, authorization, mcp-session-id, mcp-protocol-version, last-event-id, accept, x-ama2-token, x-ama2-user-token, x-amigo-api-key, x-amigo-workspace-id, x-atthene-api-key`,
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    const auth = await authenticate(req);
    if (!auth.ok) return refuseAuth(res, auth);
    if (closing)
      return refuse(res, 503, 'Server is shutting down; reconnect shortly', { connection: 'close' });
    if (options.stateless && req.method !== 'POST') {
      return refuse(
        res,
        405,
        'This server runs stateless (--stateless): only POST is served; there are no server-initiated streams or subscriptions',
        { allow: 'POST' },
      );
    }
    if (req.method !== 'POST' && req.method !== 'GET' && req.method !== 'DELETE')
      return refuse(res, 405, 'Use POST, GET or DELETE on /mcp', { allow: 'GET, POST, DELETE' });

    const body = req.method === 'POST' ? await parseBody(req, res) : undefined;
    if (req.method === 'POST' && body === undefined) return;
    // Every message of a batch counts, per principal (the address when unauthenticated), in
    // both modes and for initialize too, so neither a batch nor a new session escapes it (E4).
    const principal = principalOf(req, auth);
    if (!takeRate(principal, messageCount(body), res)) return;
    if (options.stateless) return handleStateless(req, res, body);

    const sessionId = req.headers['mcp-session-id'];
    const found = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    // Another principal, or other credential headers, get the same answer as an unknown id (E1).
    const session = found && boundTo(found, principal, req) ? found : undefined;
    if (typeof sessionId === 'string' && !session) {
      if (found) log.warn({ session: sessionId.slice(0, 8) }, 'session id presented by another client; 404');
      return refuse(res, 404, NO_SESSION);
    }
    if (!session) {
      if (req.method !== 'POST') return refuse(res, 400, 'Mcp-Session-Id header is required');
      if (!isInitializeRequest(body)) {
        return refuse(
          res,
          400,
          'No session: send initialize first, then the Mcp-Session-Id header it returns',
        );
      }
      if (sessions.size >= options.maxSessions) {
        return refuse(
          res,
          503,
          `Too many open sessions (MCP_MAX_SESSIONS=${options.maxSessions}); close idle ones or retry later`,
          { 'retry-after': '5' },
        );
      }
      const opened = await openSession(req, res, principal);
      if (!opened) return;
      await handlePost(opened, req, res, body);
      // The transport refused the initialize (e.g. 406): nothing references this server any more.
      if (!opened.transport.sessionId) await opened.handle.close();
      return;
    }
    session.lastSeen = Date.now();
    if (req.method !== 'POST') return session.transport.handleRequest(req, res);
    await handlePost(session, req, res, body);
  }

  function takeRate(principal: Principal, count: number, res: ServerResponse): boolean {
    const allowed = limiter.take(principal.rateKey, count);
    if (allowed.ok) return true;
    refuse(
      res,
      429,
      `Too many requests (MCP_SESSION_RATE_PER_MINUTE=${options.sessionRatePerMinute} JSON-RPC messages a minute per client); retry after ${allowed.retryAfterSeconds} s`,
      { 'retry-after': String(allowed.retryAfterSeconds) },
    );
    return false;
  }

  function boundTo(session: Session, principal: Principal, req: IncomingMessage): boolean {
    return session.principal === principal.id && session.credentials === credentialFingerprint(req);
  }

  async function handlePost(
    session: Session,
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
  ): Promise<void> {
    const requests = requestsIn(body);
    if (session.inFlight + requests > options.maxInFlightPerSession) {
      return refuse(
        res,
        429,
        `Too many calls in flight in this session (MCP_SESSION_MAX_IN_FLIGHT=${options.maxInFlightPerSession}); wait for some to finish`,
        { 'retry-after': '1' },
      );
    }
    session.inFlight += requests;
    inFlight++;
    res.once('close', () => {
      session.inFlight -= requests;
      inFlight--;
      session.lastSeen = Date.now();
    });
    session.cancels.track(body, res);
    await session.transport.handleRequest(req, res, body);
    session.cancels.cancelledIn(body);
  }

  /** JSON body within the size limit, or undefined after answering 413/400. */
  async function parseBody(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    try {
      return JSON.parse(await readBody(req, options.maxBodyBytes));
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        refuse(res, 413, `Request body exceeds ${options.maxBodyBytes} bytes (MCP_HTTP_MAX_BODY_BYTES)`, {
          connection: 'close',
        });
      } else {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            jsonrpc: '2.0',
            error: { code: -32700, message: 'Parse error: body is not JSON' },
            id: null,
          }),
        );
      }
      return undefined;
    }
  }

  /** A session's server from its credential headers; answers 400 and returns undefined when they are invalid. */
  async function sessionServer(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<SessionHandle | undefined> {
    try {
      return await makeSession(req);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      refuse(res, 400, scrubSecrets(`Invalid credential headers: ${error.message}`));
      return undefined;
    }
  }

  async function openSession(
    req: IncomingMessage,
    res: ServerResponse,
    principal: Principal,
  ): Promise<Session | undefined> {
    const handle = await sessionServer(req, res);
    if (!handle) return undefined;
    const events = new BoundedEventStore({
      maxBytes: options.eventStore.sessionBytes,
      maxAgeMs: options.eventStore.maxAgeMs,
      budget: eventBudget,
    });
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      // A stream that drops can resume with Last-Event-ID.
      eventStore: events,
      onsessioninitialized: (id) => {
        sessions.set(id, session);
        log.info({ session: id.slice(0, 8), sessions: sessions.size }, 'session opened');
      },
    });
    const session: Session = {
      transport,
      handle,
      lastSeen: Date.now(),
      inFlight: 0,
      events,
      cancels: new CancelledStreams(transport),
      principal: principal.id,
      credentials: credentialFingerprint(req),
    };
    transport.onclose = () => {
      const id = transport.sessionId;
      if (id && sessions.delete(id))
        log.info({ session: id.slice(0, 8), sessions: sessions.size }, 'session closed');
      events.clear();
      void handle.close();
    };
    await handle.server.connect(transport);
    return session;
  }

  /** Stateless: a server and transport for this request only, gone when the response ends. */
  async function handleStateless(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const handle = await sessionServer(req, res);
    if (!handle) return;
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    statelessLive++;
    inFlight++;
    res.once('close', () => {
      statelessLive--;
      inFlight--;
      void transport.close();
      void handle.close();
    });
    await handle.server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  function protectedResourceMetadata(res: ServerResponse): void {
    if (!options.oauth) {
      refuse(res, 404, 'Not found: this server does not use OAuth (MCP_AUTH_* unset)');
      return;
    }
    // RFC 9728: who protects this resource and how to present a token.
    sendJson(res, 200, {
      resource: `${baseUrl()}/mcp`,
      authorization_servers: [options.oauth.issuer],
      scopes_supported: options.oauth.scopes,
      bearer_methods_supported: ['header'],
      resource_name: 'agent-platforms-mcp',
    });
  }

  async function ready(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!extras.readiness) return sendJson(res, 200, { ready: true });
    if (!readiness || Date.now() - readiness.at > READINESS_CACHE_MS)
      readiness = { at: Date.now(), value: extras.readiness() };
    const result = await readiness.value;
    // Base URLs and platform errors only for whoever may use /mcp; a probe gets the verdict (E8).
    const detailed = (await authenticate(req)).ok;
    sendJson(res, result.ready ? 200 : 503, detailed ? result : { ready: result.ready });
  }

  const httpServer = createHttpServer(
    // Node enforces the two timeouts below only this often (default 30 s).
    { connectionsCheckingInterval: Math.min(1000, options.connections.headersTimeoutMs / 2) },
    (req, res) => {
      if (refusedSockets.has(req.socket)) return;
      route(req, res);
    },
  );
  const refusedSockets = guardConnections(httpServer, options.connections);

  function route(req: IncomingMessage, res: ServerResponse) {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.once('finish', () => {
      // Access log: no headers, no bodies, a session id prefix at most.
      const session = req.headers['mcp-session-id'];
      log.info(
        {
          method: req.method,
          path: url.pathname,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
          ...(typeof session === 'string' ? { session: session.slice(0, 8) } : {}),
        },
        'http request',
      );
    });
    const fail = (error: unknown) => {
      log.error({ err: error }, 'error while handling an HTTP request');
      refuse(res, 500, 'Internal error');
    };
    // /healthz skips the Host check: liveness probes (a load balancer, Kubernetes) send the
    // node's address as Host, and it shows nothing a rebinding page could use: no names, no URLs.
    if (req.method === 'GET' && url.pathname === '/healthz') {
      return sendJson(res, 200, {
        status: 'ok',
        version: VERSION,
        sessions: sessions.size,
        live_servers: sessions.size + statelessLive,
        event_store_bytes: eventBudget.bytes,
      });
    }
    if (!allowedHost(req.headers.host)) {
      return refuse(
        res,
        403,
        `Host ${req.headers.host ?? '(none)'} is not allowed; add it to MCP_ALLOWED_HOSTS to allow it`,
      );
    }
    if (req.method === 'GET' && url.pathname === '/readyz') return void ready(req, res).catch(fail);
    if (req.method === 'GET' && url.pathname.startsWith('/.well-known/oauth-protected-resource'))
      return protectedResourceMetadata(res);
    if (url.pathname !== '/mcp') return refuse(res, 404, 'Not found: the MCP endpoint is /mcp');
    handleMcp(req, res).catch(fail);
  }

  const sweep = setInterval(
    () => {
      const cutoff = Date.now() - options.sessionIdleMs;
      for (const [id, session] of sessions) {
        session.events.prune();
        if (session.inFlight === 0 && session.lastSeen < cutoff) {
          log.info({ session: id.slice(0, 8) }, 'closing idle session');
          void session.transport.close();
        }
      }
    },
    Math.min(60_000, Math.max(500, Math.min(options.sessionIdleMs, options.eventStore.maxAgeMs) / 2)),
  );
  sweep.unref();

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  boundPort = (httpServer.address() as AddressInfo).port;

  return {
    url: `http://${displayHost(options.host)}:${boundPort}/mcp`,
    port: boundPort,
    sessionCount: () => sessions.size,
    liveServers: () => sessions.size + statelessLive,
    async close(deadlineMs = 10_000) {
      if (closing) return;
      closing = true;
      clearInterval(sweep);
      const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      const deadline = Date.now() + deadlineMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      await Promise.allSettled([...sessions.values()].map((s) => s.transport.close()));
      httpServer.closeAllConnections();
      await stopped;
    },
  };
}
