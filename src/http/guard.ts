import { createHash } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { isJSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { CREDENTIAL_HEADERS } from '../core/config.js';
import { RateWindow } from './support.js';

const hash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

/**
 * Who sends a request: the OAuth subject, a hash of the bearer token, or "anonymous". A session is
 * bound to it at initialize (issue #12 E1); `rateKey` is what the rate limit counts against, the
 * client address when nobody authenticated.
 */
export interface Principal {
  id: string;
  rateKey: string;
}

export function principalOf(
  req: IncomingMessage,
  auth: { subject?: string; token?: string } | undefined,
): Principal {
  const id = auth?.subject ? `sub:${auth.subject}` : auth?.token ? `token:${hash(auth.token)}` : 'anonymous';
  return { id, rateKey: id === 'anonymous' ? `addr:${req.socket.remoteAddress ?? 'unknown'}` : id };
}

/** A hash of the session's credential headers: a later request must bring the same ones. */
export function credentialFingerprint(req: IncomingMessage): string {
  const values = Object.keys(CREDENTIAL_HEADERS).map((name) => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : '';
  });
  return hash(JSON.stringify(values));
}

/** JSON-RPC messages in a POST body (a batch counts each); GET and DELETE count one. */
export function messageCount(body: unknown): number {
  return Array.isArray(body) ? Math.max(1, body.length) : 1;
}

/** Requests (messages that expect an answer) in a POST body. */
export function requestsIn(body: unknown): number {
  return (Array.isArray(body) ? body : [body]).filter((m) => isJSONRPCRequest(m)).length;
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
