import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { ConfigError, type HttpOptions } from '../core/config.js';
import { type Logger, scrubSecrets } from '../core/log.js';
import type { FleetWatch } from '../core/resources/watchers.js';
import { type Auth, type Principal, principalOf } from './auth.js';
import type { Fleet } from './fleet.js';
import { type Limits, messageCount, requestsIn } from './limits.js';
import { NO_SESSION, parseBody, refuse } from './reply.js';
import type { Found, Session, SessionHandle, SessionTable } from './sessions.js';
import { resumable } from './streams.js';
import { HttpTransport } from './transport.js';

/**
 * Throws ConfigError for credential headers that fail validation (answered 400). A stateful
 * session gets the shared subscriptions (`fleet`).
 */
export type SessionFactory = (req: IncomingMessage, fleet?: FleetWatch) => Promise<SessionHandle>;

export interface McpContext {
  options: HttpOptions;
  log: Logger;
  auth: Auth;
  limits: Limits;
  sessions: SessionTable;
  fleet: Fleet;
  makeSession: SessionFactory;
  /** Request headers a browser may send besides the protocol's own: the platform credential headers. */
  credentialHeaders: readonly string[];
  /** Shared with the server handle: shutdown started; stateless servers alive. */
  state: { closing: boolean; statelessLive: number };
}

const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127(?:\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

/** /mcp: the streamable HTTP transport, stateful (sessions) or stateless (one server per POST). */
export function createMcpRoute(
  ctx: McpContext,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    if (!corsAllows(ctx, req, res)) return;
    const auth = await ctx.auth.check(req);
    if (!auth.ok) return ctx.auth.refuse(res, auth);
    if (ctx.state.closing)
      return refuse(res, 503, 'Server is shutting down; reconnect shortly', { connection: 'close' });
    if (!methodAllowed(ctx.options, req, res)) return;
    const body = req.method === 'POST' ? await parseBody(req, res, ctx.options.maxBodyBytes) : undefined;
    if (req.method === 'POST' && body === undefined) return;
    // Every message of a batch counts, per principal (the address when unauthenticated), in
    // both modes and for initialize too, so neither a batch nor a new session escapes it (E4).
    const principal = principalOf(req, auth);
    if (!(await ctx.limits.takeRate(principal, messageCount(body), res))) return;
    if (ctx.options.stateless) return serveStateless(ctx, req, res, body, principal);
    return serveStateful(ctx, req, res, body, principal);
  };
}

/** Origin check against DNS rebinding, CORS headers, and the answer to a preflight. */
function corsAllows(ctx: McpContext, req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined && !LOOPBACK_ORIGIN.test(origin) && !ctx.options.allowedOrigins.includes(origin)) {
    refuse(res, 403, `Origin ${origin} is not allowed; add it to MCP_ALLOWED_ORIGINS to allow it`);
    return false;
  }
  if (origin) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', 'Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate');
    res.setHeader('vary', 'Origin');
  }
  if (req.method !== 'OPTIONS') return true;
  const allowed = [
    'content-type',
    'authorization',
    'mcp-session-id',
    'mcp-protocol-version',
    'last-event-id',
    'accept',
    ...ctx.credentialHeaders,
  ];
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
    'access-control-allow-headers': allowed.join(', '),
    'access-control-max-age': '600',
  });
  res.end();
  return false;
}

function methodAllowed(options: HttpOptions, req: IncomingMessage, res: ServerResponse): boolean {
  if (options.stateless && req.method !== 'POST') {
    refuse(
      res,
      405,
      'This server runs stateless (--stateless): only POST is served; there are no server-initiated streams or subscriptions',
      { allow: 'POST' },
    );
    return false;
  }
  if (req.method === 'POST' || req.method === 'GET' || req.method === 'DELETE') return true;
  refuse(res, 405, 'Use POST, GET or DELETE on /mcp', { allow: 'GET, POST, DELETE' });
  return false;
}

async function serveStateful(
  ctx: McpContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  principal: Principal,
): Promise<void> {
  const sessionId = req.headers['mcp-session-id'];
  if (typeof sessionId !== 'string') return initialize(ctx, req, res, body, principal);
  const found = await ctx.sessions.find(sessionId, principal, req);
  const session = found && (await liveCopy(ctx, found, req, res));
  if (!session) return refuse(res, 404, NO_SESSION);
  session.lastSeen = Date.now();
  if (req.method === 'GET') {
    ctx.sessions.listen(session, res);
    void ctx.fleet
      .resume(session)
      .catch((error: unknown) => ctx.log.warn({ err: error }, 'subscriptions not resumed'));
  }
  if (req.method === 'POST') return post(ctx, session, req, res, body);
  const answer = () => session.transport.handleRequest(req, res);
  // The record goes before the answer, so no replica serves the session once the client has the 200.
  if (req.method === 'DELETE') return ctx.sessions.end(sessionId, answer);
  await answer();
}

/** This replica's copy of the session, built from its record when another replica opened it. */
async function liveCopy(
  ctx: McpContext,
  found: Found,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Session | undefined> {
  if ('session' in found) return found.session;
  return ctx.sessions.adopt(found.record, () => sessionServer(ctx, req, res));
}

async function initialize(
  ctx: McpContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  principal: Principal,
): Promise<void> {
  if (req.method !== 'POST') return refuse(res, 400, 'Mcp-Session-Id header is required');
  if (!isInitializeRequest(body))
    return refuse(res, 400, 'No session: send initialize first, then the Mcp-Session-Id header it returns');
  const record = ctx.sessions.recordFor(randomUUID(), req, body.params, principal);
  if (!ctx.limits.admitSession(await ctx.sessions.admit(record), res)) return;
  const handle = await sessionServer(ctx, req, res);
  if (!handle) return ctx.sessions.end(record.id);
  const session = await ctx.sessions.open(record, handle);
  await post(ctx, session, req, res, body);
  // The transport refused the initialize (e.g. 406): nothing references this server any more.
  if (!session.transport.sessionId) await Promise.all([handle.close(), ctx.sessions.end(record.id)]);
}

async function post(
  ctx: McpContext,
  session: Session,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
): Promise<void> {
  const duplicate = session.calls.duplicateIn(body);
  if (duplicate !== undefined)
    return refuse(res, 409, `Request id ${duplicate} is still in flight in this session; use a new id`);
  if (!ctx.limits.admitCalls(session.calls.size, requestsIn(body), res)) return;
  session.calls.track(body, res, resumable(req, body));
  res.once('close', () => {
    session.lastSeen = Date.now();
  });
  await session.transport.handleRequest(req, res, body);
  session.calls.cancelledIn(body);
}

/** Stateless: a server and transport for this request only, gone when the response ends. */
async function serveStateless(
  ctx: McpContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  principal: Principal,
): Promise<void> {
  // Closing the server aborts its calls, so a call counts until its response stream closes.
  const release = ctx.limits.admitStateless(principal, requestsIn(body), res);
  if (!release) return;
  res.once('close', release);
  const handle = await sessionServer(ctx, req, res);
  if (!handle) return;
  const transport = new HttpTransport({ sessionIdGenerator: undefined });
  ctx.state.statelessLive++;
  res.once('close', () => {
    ctx.state.statelessLive--;
    void transport.close();
    void handle.close();
  });
  await handle.server.connect(transport);
  await transport.handleRequest(req, res, body);
}

/** A session's server from its credential headers; answers 400 and returns undefined when they are invalid. */
async function sessionServer(
  ctx: McpContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<SessionHandle | undefined> {
  try {
    return await ctx.makeSession(req, ctx.options.stateless ? undefined : ctx.fleet);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    refuse(res, 400, scrubSecrets(`Invalid credential headers: ${error.message}`));
    return undefined;
  }
}
