import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { type HttpOptions, isLoopbackHost } from './config.js';
import type { Logger } from './log.js';
import { VERSION } from './version.js';

export interface HttpServerHandle {
  /** The MCP endpoint, e.g. http://127.0.0.1:3333/mcp */
  url: string;
  port: number;
  sessionCount(): number;
  /** Stops accepting, lets in-flight calls finish (up to `deadlineMs`), closes every session. */
  close(deadlineMs?: number): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  lastSeen: number;
  inFlight: number;
}

const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127(?:\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

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
 * Streamable HTTP per DESIGN.md "Transports": /mcp and /healthz, Host and Origin checks against DNS
 * rebinding, an optional bearer, a body limit, idle session expiry and graceful shutdown.
 */
export async function startHttpServer(
  options: HttpOptions,
  makeServer: () => McpServer,
  log: Logger,
): Promise<HttpServerHandle> {
  const sessions = new Map<string, Session>();
  let inFlight = 0;
  let closing = false;
  let boundPort = options.port;

  const allowedHost = (host: string | undefined): boolean => {
    if (!host) return false;
    if (options.allowedHosts.includes(host)) return true;
    const hostname = host.replace(/:\d+$/, '');
    if (isLoopbackHost(options.host)) return isLoopbackHost(hostname) && host.endsWith(`:${boundPort}`);
    // Bound to a public address behind a token: Host is checked only when a list is configured.
    return options.allowedHosts.length === 0;
  };
  const allowedOrigin = (origin: string | undefined): boolean =>
    origin === undefined || LOOPBACK_ORIGIN.test(origin) || options.allowedOrigins.includes(origin);

  const corsHeaders = (origin: string | undefined): Record<string, string> =>
    origin
      ? {
          'access-control-allow-origin': origin,
          'access-control-expose-headers': 'Mcp-Session-Id, Mcp-Protocol-Version',
          vary: 'Origin',
        }
      : {};

  async function handleMcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    if (!allowedHost(req.headers.host))
      return refuse(res, 403, `Host ${req.headers.host ?? '(none)'} is not allowed`);
    if (!allowedOrigin(origin)) {
      return refuse(res, 403, `Origin ${origin} is not allowed; add it to MCP_ALLOWED_ORIGINS to allow it`);
    }
    for (const [key, value] of Object.entries(corsHeaders(origin))) res.setHeader(key, value);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
        'access-control-allow-headers':
          'content-type, authorization, mcp-session-id, mcp-protocol-version, last-event-id, accept',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    if (options.token !== undefined) {
      const header = req.headers.authorization ?? '';
      const match = /^Bearer\s+(.+)$/i.exec(header);
      if (!match?.[1] || !sameSecret(match[1].trim(), options.token)) {
        return refuse(
          res,
          401,
          'Missing or invalid bearer token: send "Authorization: Bearer <MCP_HTTP_TOKEN>"',
          {
            'www-authenticate': `Bearer realm="agent-platforms-mcp", error="invalid_token"`,
          },
        );
      }
    }
    if (closing)
      return refuse(res, 503, 'Server is shutting down; reconnect shortly', { connection: 'close' });

    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (typeof sessionId === 'string' && !existing) {
      return refuse(
        res,
        404,
        'Session not found (it expired or the server restarted); initialize a new session',
      );
    }

    if (req.method === 'GET' || req.method === 'DELETE') {
      if (!existing) return refuse(res, 400, 'Mcp-Session-Id header is required');
      existing.lastSeen = Date.now();
      await existing.transport.handleRequest(req, res);
      return;
    }
    if (req.method !== 'POST')
      return refuse(res, 405, 'Use POST, GET or DELETE on /mcp', { allow: 'GET, POST, DELETE' });

    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, options.maxBodyBytes));
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        return refuse(
          res,
          413,
          `Request body exceeds ${options.maxBodyBytes} bytes (MCP_HTTP_MAX_BODY_BYTES)`,
          {
            connection: 'close',
          },
        );
      }
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          jsonrpc: '2.0',
          error: { code: -32700, message: 'Parse error: body is not JSON' },
          id: null,
        }),
      );
      return;
    }

    let session = existing;
    if (!session) {
      if (!isInitializeRequest(body)) {
        return refuse(
          res,
          400,
          'No session: send initialize first, then the Mcp-Session-Id header it returns',
        );
      }
      session = await openSession();
    }
    session.lastSeen = Date.now();
    session.inFlight++;
    inFlight++;
    res.once('close', () => {
      session.inFlight--;
      inFlight--;
      session.lastSeen = Date.now();
    });
    await session.transport.handleRequest(req, res, body);
  }

  async function openSession(): Promise<Session> {
    const server = makeServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, session);
        log.info({ session: id.slice(0, 8), sessions: sessions.size }, 'session opened');
      },
    });
    const session: Session = { transport, server, lastSeen: Date.now(), inFlight: 0 };
    transport.onclose = () => {
      const id = transport.sessionId;
      if (id && sessions.delete(id))
        log.info({ session: id.slice(0, 8), sessions: sessions.size }, 'session closed');
    };
    await server.connect(transport);
    return session;
  }

  const httpServer = createHttpServer((req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.once('finish', () => {
      log.debug(
        {
          method: req.method,
          path: url.pathname,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'http request',
      );
    });
    if (url.pathname === '/healthz' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', version: VERSION, sessions: sessions.size }));
      return;
    }
    if (url.pathname !== '/mcp') return refuse(res, 404, 'Not found: the MCP endpoint is /mcp');
    handleMcp(req, res).catch((error: unknown) => {
      log.error({ err: error }, 'error while handling an MCP request');
      refuse(res, 500, 'Internal error');
    });
  });
  httpServer.requestTimeout = 0; // SSE streams are long-lived; idle expiry below bounds sessions instead.

  const sweep = setInterval(
    () => {
      const cutoff = Date.now() - options.sessionIdleMs;
      for (const [id, session] of sessions) {
        if (session.inFlight === 0 && session.lastSeen < cutoff) {
          log.info({ session: id.slice(0, 8) }, 'closing idle session');
          void session.transport.close();
        }
      }
    },
    Math.min(60_000, Math.max(1000, options.sessionIdleMs / 2)),
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
  const displayHost = options.host.includes(':') ? `[${options.host}]` : options.host;

  return {
    url: `http://${displayHost}:${boundPort}/mcp`,
    port: boundPort,
    sessionCount: () => sessions.size,
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
