import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { HttpOptions } from '../core/config.js';
import type { Principal } from './auth.js';
import { isRequest, messagesOf } from './messages.js';
import { refuse } from './reply.js';
import type { Admission, SharedState } from './shared.js';
import { RateWindow } from './support.js';

/** JSON-RPC messages in a POST body (a batch counts each); GET and DELETE count one. */
export function messageCount(body: unknown): number {
  return Array.isArray(body) ? Math.max(1, body.length) : 1;
}

/** Requests (messages that expect an answer) in a POST body. */
export function requestsIn(body: unknown): number {
  return messagesOf(body).filter(isRequest).length;
}

/**
 * A sliding-minute window per principal (or address). Windows that emptied are dropped on the
 * way, and the map is capped so that spraying addresses cannot grow it without bound.
 */
export class RateLimiter {
  readonly #windows = new Map<string, RateWindow>();
  constructor(
    readonly perMinute: number,
    private readonly maxKeys = 10_000,
  ) {}

  take(key: string, count: number, now = Date.now()) {
    let window = this.#windows.get(key);
    if (!window) {
      if (this.#windows.size >= this.maxKeys) this.#evict(now);
      window = new RateWindow(this.perMinute);
      this.#windows.set(key, window);
    }
    return window.take(now, count);
  }

  get size(): number {
    return this.#windows.size;
  }

  #evict(now: number): void {
    for (const [key, window] of this.#windows) if (window.idle(now)) this.#windows.delete(key);
    // All still active: forget the oldest (a fresh window errs towards serving).
    const oldest = this.#windows.keys().next().value;
    if (this.#windows.size >= this.maxKeys && oldest !== undefined) this.#windows.delete(oldest);
  }
}

export interface ConnectionLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
}

const REFUSAL_BODY = JSON.stringify({
  jsonrpc: '2.0',
  error: { code: -32000, message: 'Too many connections from this address; close some and retry' },
  id: null,
});
const REFUSAL = [
  'HTTP/1.1 503 Service Unavailable',
  'content-type: application/json',
  `content-length: ${Buffer.byteLength(REFUSAL_BODY)}`,
  'retry-after: 5',
  'connection: close',
  '',
  REFUSAL_BODY,
].join('\r\n');

/**
 * Connection exhaustion (issue #12 E6): headers and request-body timeouts (Node applies them only
 * until a request has been received, so long-lived SSE responses are not cut), a cap on open
 * connections and one per client address. Returns the set of refused sockets, whose requests the
 * handler must ignore.
 */
export function guardConnections(server: Server, limits: ConnectionLimits): WeakSet<Socket> {
  server.headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  server.requestTimeout = limits.requestTimeoutMs;
  server.maxConnections = limits.maxConnections;
  const perAddress = new Map<string, number>();
  const refused = new WeakSet<Socket>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const open = perAddress.get(address) ?? 0;
    if (open >= limits.maxConnectionsPerAddress) {
      refused.add(socket);
      socket.end(REFUSAL);
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    perAddress.set(address, open + 1);
    socket.once('close', () => {
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left <= 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
  });
  return refused;
}

/** Counts per key (a principal's sessions, its stateless calls); keys back at zero are dropped. */
export class Tally {
  readonly #counts = new Map<string, number>();
  total = 0;

  get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  add(key: string, count = 1): void {
    this.#counts.set(key, this.get(key) + count);
    this.total += count;
  }

  remove(key: string, count = 1): void {
    const left = this.get(key) - count;
    if (left <= 0) this.#counts.delete(key);
    else this.#counts.set(key, left);
    this.total -= count;
  }
}

/**
 * The request limits of issue #12 E4 and its review: messages a minute per principal, sessions
 * in all and per principal, calls in flight per session (stateful) or per principal (stateless).
 * Each check answers the refusal itself and returns false.
 */
export class Limits {
  /** Stateless calls in flight, per principal; `total` is what shutdown waits for. */
  readonly statelessCalls = new Tally();

  /** The rate and the session caps are counted in `shared`: across replicas with Redis. */
  constructor(
    private readonly options: HttpOptions,
    private readonly shared: SharedState,
  ) {}

  async takeRate(principal: Principal, count: number, res: ServerResponse): Promise<boolean> {
    const allowed = await this.shared.takeRate(principal.rateKey, count);
    if (allowed.ok) return true;
    refuse(
      res,
      429,
      `Too many requests (MCP_SESSION_RATE_PER_MINUTE=${this.options.sessionRatePerMinute} JSON-RPC messages a minute per client); retry after ${allowed.retryAfterSeconds} s`,
      { 'retry-after': String(allowed.retryAfterSeconds) },
    );
    return false;
  }

  /** After a new session asked to be entered (SessionTable.admit): refuses it when a cap was reached. */
  admitSession(admission: Admission, res: ServerResponse): boolean {
    const { maxSessions, maxSessionsPerPrincipal } = this.options;
    const full =
      admission === 'full'
        ? `Too many open sessions (MCP_MAX_SESSIONS=${maxSessions}); close idle ones or retry later`
        : admission === 'owner-full'
          ? `Too many open sessions for this client (MCP_MAX_SESSIONS_PER_PRINCIPAL=${maxSessionsPerPrincipal}); close some (DELETE /mcp) or let them idle out`
          : undefined;
    if (full) refuse(res, 503, full, { 'retry-after': '5' });
    return full === undefined;
  }

  /** Before a POST's requests run: `inFlight` is what its session (or principal, stateless) already runs. */
  admitCalls(inFlight: number, requests: number, res: ServerResponse): boolean {
    const max = this.options.maxInFlightPerSession;
    if (inFlight + requests <= max) return true;
    const scope = this.options.stateless ? 'for this client' : 'in this session';
    refuse(
      res,
      429,
      `Too many calls in flight ${scope} (MCP_SESSION_MAX_IN_FLIGHT=${max}); wait for some to finish`,
      { 'retry-after': '1' },
    );
    return false;
  }

  /** Stateless: counts a POST's requests against its principal until `release` is called. */
  admitStateless(principal: Principal, requests: number, res: ServerResponse): (() => void) | undefined {
    const key = principal.rateKey;
    if (!this.admitCalls(this.statelessCalls.get(key), requests, res)) return undefined;
    this.statelessCalls.add(key, requests);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.statelessCalls.remove(key, requests);
    };
  }
}
