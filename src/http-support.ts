import { randomUUID } from 'node:crypto';
import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { OAuthOptions } from './config.js';

/**
 * Events of the session's SSE streams kept in memory so a client whose stream dropped can resume
 * with Last-Event-ID. Bounded: the oldest events go first past `maxEvents`.
 */
export class BoundedEventStore implements EventStore {
  readonly #events = new Map<string, { streamId: string; message: JSONRPCMessage }>();
  constructor(private readonly maxEvents = 1000) {}

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = `${streamId}_${randomUUID()}`;
    this.#events.set(id, { streamId, message });
    if (this.#events.size > this.maxEvents) {
      const oldest = this.#events.keys().next().value;
      if (oldest !== undefined) this.#events.delete(oldest);
    }
    return id;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    return this.#events.get(eventId)?.streamId;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (id: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const last = this.#events.get(lastEventId);
    if (!last) return '';
    let after = false;
    for (const [id, event] of this.#events) {
      if (id === lastEventId) after = true;
      else if (after && event.streamId === last.streamId) await send(id, event.message);
    }
    return last.streamId;
  }
}

/** Requests per session in a sliding minute; `retryAfterSeconds` when over the limit. */
export class RateWindow {
  readonly #times: number[] = [];
  constructor(private readonly perMinute: number) {}

  take(now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    while (this.#times.length > 0 && this.#times[0]! <= now - 60_000) this.#times.shift();
    if (this.#times.length >= this.perMinute) {
      return {
        ok: false,
        retryAfterSeconds: Math.max(1, Math.ceil((this.#times[0]! + 60_000 - now) / 1000)),
      };
    }
    this.#times.push(now);
    return { ok: true };
  }
}

export type AuthResult =
  | { ok: true; subject?: string }
  | { ok: false; status: 401 | 403; error: string; description: string };

/**
 * OAuth 2.1 resource-server check (MCP authorization spec): a JWT access token verified against
 * the issuer's JWKS, for this audience, unexpired, with every required scope.
 */
export async function createOAuthVerifier(
  options: OAuthOptions,
): Promise<(token: string) => Promise<AuthResult>> {
  const { createRemoteJWKSet, jwtVerify } = await import('jose');
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl));
  return async (token) => {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, jwks, { issuer: options.issuer, audience: options.audience }));
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'ERR_JWT_INVALID';
      const reason =
        code === 'ERR_JWT_EXPIRED'
          ? 'the access token has expired'
          : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
            ? `the access token's ${(error as { claim?: string }).claim ?? 'claims'} is not accepted here`
            : 'the access token is not valid';
      return { ok: false, status: 401, error: 'invalid_token', description: reason };
    }
    const granted = new Set(
      typeof payload.scope === 'string'
        ? payload.scope.split(' ')
        : Array.isArray(payload.scp)
          ? (payload.scp as string[])
          : [],
    );
    const missing = options.scopes.filter((scope) => !granted.has(scope));
    if (missing.length > 0) {
      return {
        ok: false,
        status: 403,
        error: 'insufficient_scope',
        description: `the access token lacks the scope ${missing.join(' ')}`,
      };
    }
    return { ok: true, ...(typeof payload.sub === 'string' ? { subject: payload.sub } : {}) };
  };
}
