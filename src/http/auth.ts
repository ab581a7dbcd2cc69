import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OAuthOptions } from '../core/config.js';
import { refuse } from './reply.js';

export type AuthResult =
  | { ok: true; subject?: string; token?: string }
  | { ok: false; status: 401 | 403; error: string; description: string };

const hash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

/**
 * Who sends a request: the OAuth subject, a hash of the bearer token, or "anonymous". A session is
 * bound to it at initialize (issue #12 E1); `rateKey` is what the per-principal limits count
 * against: the principal, or the client address when nobody authenticated.
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
export function credentialFingerprint(req: IncomingMessage, headers: readonly string[]): string {
  const values = headers.map((name) => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : '';
  });
  // Most requests bring none: one hash per process for that, not one per request.
  if (values.every((value) => value === '')) {
    const none = NO_CREDENTIALS.get(values.length) ?? hash(JSON.stringify(values));
    NO_CREDENTIALS.set(values.length, none);
    return none;
  }
  return hash(JSON.stringify(values));
}

const NO_CREDENTIALS = new Map<number, string>();

function sameSecret(given: string, expected: string): boolean {
  // Hash both sides so the comparison is constant-time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export interface Auth {
  /** Always ok when neither MCP_HTTP_TOKEN nor OAuth is configured. */
  check(req: IncomingMessage): Promise<AuthResult>;
  /** 401/403 with the WWW-Authenticate header RFC 6750 §3 and RFC 9728 §5.1 ask for. */
  refuse(res: ServerResponse, result: Exclude<AuthResult, { ok: true }>): void;
}

/** A static bearer (MCP_HTTP_TOKEN) or an OAuth resource server (MCP_AUTH_*), or nothing. */
export async function createAuth(
  options: { token?: string; oauth?: OAuthOptions },
  metadataUrl: () => string,
): Promise<Auth> {
  const verify = options.oauth ? await createOAuthVerifier(options.oauth) : undefined;
  const { token: expected } = options;
  return {
    async check(req) {
      if (expected === undefined && !verify) return { ok: true };
      const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
      if (!token)
        return { ok: false, status: 401, error: '', description: 'send "Authorization: Bearer <token>"' };
      if (verify) {
        const verified = await verify(token);
        return verified.ok ? { ...verified, token } : verified;
      }
      if (expected !== undefined && sameSecret(token, expected)) return { ok: true, token };
      const description = 'the bearer token is not MCP_HTTP_TOKEN';
      return { ok: false, status: 401, error: 'invalid_token', description };
    },
    refuse(res, result) {
      const parts = [
        verify ? `resource_metadata="${metadataUrl()}"` : 'realm="agent-platforms-mcp"',
        ...(result.error ? [`error="${result.error}"`, `error_description="${result.description}"`] : []),
      ];
      refuse(res, result.status, `Unauthorized: ${result.description}`, {
        'www-authenticate': `Bearer ${parts.join(', ')}`,
      });
    },
  };
}

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
      return { ok: false, status: 401, error: 'invalid_token', description: rejection(error) };
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

function rejection(error: unknown): string {
  const code = (error as { code?: string }).code ?? 'ERR_JWT_INVALID';
  if (code === 'ERR_JWT_EXPIRED') return 'the access token has expired';
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED')
    return `the access token's ${(error as { claim?: string }).claim ?? 'claims'} is not accepted here`;
  return 'the access token is not valid';
}
