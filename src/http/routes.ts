import type { IncomingMessage, ServerResponse } from 'node:http';
import { type HttpOptions, isLoopbackHost } from '../core/config.js';
import type { Logger } from '../core/log.js';
import { VERSION } from '../version.js';
import type { Auth } from './auth.js';
import { refuse, sendJson } from './reply.js';
import type { SessionTable } from './sessions.js';

type Readiness = () => Promise<{ ready: boolean; detail: unknown }>;

export interface RoutesContext {
  options: HttpOptions;
  log: Logger;
  auth: Auth;
  sessions: SessionTable;
  /** For /readyz: whether the configured platforms answer. */
  readiness?: Readiness;
  mcp: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  baseUrl: () => string;
  boundPort: () => number;
  liveServers: () => number;
}

const READINESS_CACHE_MS = 5000;

/**
 * Every route behind one Host check (issue #12 E8) but /healthz: /mcp, /readyz and the OAuth
 * protected-resource metadata. Each request leaves an access log line.
 */
export function createRouter(ctx: RoutesContext): (req: IncomingMessage, res: ServerResponse) => void {
  const ready = readyRoute(ctx);
  return (req, res) => {
    // The MCP endpoint as clients write it needs no URL parse.
    const path = req.url === '/mcp' ? '/mcp' : new URL(req.url ?? '/', 'http://localhost').pathname;
    logAccess(ctx.log, req, res, path);
    const fail = (error: unknown) => {
      ctx.log.error({ err: error }, 'error while handling an HTTP request');
      refuse(res, 500, 'Internal error');
    };
    // /healthz skips the Host check: liveness probes (a load balancer, Kubernetes) send the
    // node's address as Host, and it shows nothing a rebinding page could use: no names, no URLs.
    if (req.method === 'GET' && path === '/healthz') {
      return sendJson(res, 200, {
        status: 'ok',
        version: VERSION,
        sessions: ctx.sessions.size,
        live_servers: ctx.liveServers(),
        event_store_bytes: ctx.sessions.shared.eventBytes(),
      });
    }
    if (!hostAllowed(ctx, req.headers.host)) {
      const host = req.headers.host ?? '(none)';
      return refuse(res, 403, `Host ${host} is not allowed; add it to MCP_ALLOWED_HOSTS to allow it`);
    }
    if (req.method === 'GET' && path === '/readyz') return void ready(req, res).catch(fail);
    if (req.method === 'GET' && path.startsWith('/.well-known/oauth-protected-resource'))
      return protectedResourceMetadata(ctx, res);
    if (path !== '/mcp') return refuse(res, 404, 'Not found: the MCP endpoint is /mcp');
    ctx.mcp(req, res).catch(fail);
  };
}

function logAccess(log: Logger, req: IncomingMessage, res: ServerResponse, path: string): void {
  // Checked per request: a level set later (logging/setLevel, a restart with LOG_LEVEL) applies.
  if (!log.isLevelEnabled('info')) return;
  const started = performance.now();
  res.once('finish', () => {
    // No headers, no bodies, a session id prefix at most.
    const session = req.headers['mcp-session-id'];
    log.info(
      {
        method: req.method,
        path,
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
        ...(typeof session === 'string' ? { session: session.slice(0, 8) } : {}),
      },
      'http request',
    );
  });
}

/** Behind a non-loopback bind config.ts guarantees a list (or a public URL). */
function hostAllowed(ctx: RoutesContext, host: string | undefined): boolean {
  if (!host) return false;
  const { allowedHosts, publicUrl, host: bound } = ctx.options;
  if (allowedHosts.includes(host) || (publicUrl && host === new URL(publicUrl).host)) return true;
  const hostname = host.replace(/:\d+$/, '');
  return isLoopbackHost(bound) && isLoopbackHost(hostname) && host.endsWith(`:${ctx.boundPort()}`);
}

function protectedResourceMetadata(ctx: RoutesContext, res: ServerResponse): void {
  const { oauth } = ctx.options;
  if (!oauth) {
    refuse(res, 404, 'Not found: this server does not use OAuth (MCP_AUTH_* unset)');
    return;
  }
  // RFC 9728: who protects this resource and how to present a token; the resource URL comes from
  // configuration, never from the request's Host (E8).
  sendJson(res, 200, {
    resource: `${ctx.baseUrl()}/mcp`,
    authorization_servers: [oauth.issuer],
    scopes_supported: oauth.scopes,
    bearer_methods_supported: ['header'],
    resource_name: 'agent-platforms-mcp',
  });
}

function readyRoute(ctx: RoutesContext): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  let cached: { at: number; value: ReturnType<Readiness> } | undefined;
  return async (req, res) => {
    if (!ctx.readiness) return sendJson(res, 200, { ready: true });
    if (!cached || Date.now() - cached.at > READINESS_CACHE_MS)
      cached = { at: Date.now(), value: ctx.readiness() };
    const result = await cached.value;
    // Base URLs and platform errors only for whoever may use /mcp; a probe gets the verdict (E8).
    const detailed = (await ctx.auth.check(req)).ok;
    sendJson(res, result.ready ? 200 : 503, detailed ? result : { ready: result.ready });
  };
}
