import pino, { type Logger } from 'pino';

export type { Logger };

import type { LogLevel } from './log-levels.js';

export { LOG_LEVELS, type LogLevel } from './log-levels.js';

const CENSOR = '[redacted]';

// Structured redaction catches secrets at the places we put them on purpose; pino's paths
// cannot match at any depth, so the scrubber below is the net for everything else.
const REDACT_PATHS = [
  'token',
  'apiKey',
  'api_key',
  'userToken',
  'password',
  'secret',
  'authorization',
  'Authorization',
  'headers.authorization',
  'headers.Authorization',
  'headers["x-api-key"]',
  'headers["X-Api-Key"]',
  '*.token',
  '*.apiKey',
  '*.api_key',
  '*.userToken',
  '*.authorization',
  '*.Authorization',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];

// Shapes of credentials worth scrubbing even when we were not told the value.
const SECRET_PATTERNS: RegExp[] = [
  /ama_eat_[A-Za-z0-9_-]+/g,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
];

// The server's own credentials, reference-counted: clients created and closed in turn (tests, tools)
// register and forget the same values.
const knownSecrets = new Map<string, number>();

/**
 * Registers a credential of the server itself (its environment) so that it is scrubbed from every
 * log line, error and result. A session's own credentials are never registered here: they are
 * scrubbed from that session's output only (`extra` below), so one session cannot censor another.
 */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 6) return;
  knownSecrets.set(value, (knownSecrets.get(value) ?? 0) + 1);
  knownVersion++;
}

/** Undoes one registerSecret (a session's credentials when the session closes). */
export function forgetSecret(value: string | undefined): void {
  if (!value) return;
  const count = knownSecrets.get(value);
  if (count === undefined) return;
  if (count <= 1) knownSecrets.delete(value);
  else knownSecrets.set(value, count - 1);
  knownVersion++;
}

/** Bumped by every register and forget: the lists below are built again after it. */
let knownVersion = 0;
const NO_SECRETS: readonly string[] = Object.freeze([]);

interface SecretList {
  version: number;
  all: readonly string[];
  /** Some secret JSON writes differently: a result's JSON cannot be searched for it. */
  escapes: boolean;
  uriEncoded?: readonly string[];
}
const lists = new WeakMap<readonly string[], SecretList>();

/**
 * The registered secrets and `extra` (a session's own, one array per set of clients), with what a
 * search needs, built once per such array rather than per result (issue #15).
 */
function secretList(extra: readonly string[]): SecretList {
  let list = lists.get(extra);
  if (list?.version !== knownVersion) {
    const all = [...knownSecrets.keys(), ...extra];
    list = { version: knownVersion, all, escapes: all.some(jsonEscapes) };
    lists.set(extra, list);
  }
  return list;
}

/** Replaces every registered secret, every `extra` one and every credential-shaped string in `text`. */
export function scrubSecrets(text: string, extra: readonly string[] = []): string {
  let out = text;
  for (const secret of [...knownSecrets.keys(), ...extra]) {
    if (out.includes(secret)) out = out.split(secret).join(CENSOR);
  }
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (_match, prefix?: string) =>
      typeof prefix === 'string' && /^Bearer/i.test(prefix) ? `${prefix}${CENSOR}` : CENSOR,
    );
  }
  return out;
}

// In results only strings that really are tokens: an AMA2 external-agent token (`ama_eat_` + hex,
// apis/ama2.md §1) or a JWT (header and payload both base64url JSON). Text that merely names
// "Bearer authentication" or a token prefix is data a model may edit and write back: left as is.
const RESULT_TOKEN_PATTERNS: RegExp[] = [
  /\bama_eat_[0-9a-f]{16,}\b/gi,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
];

const isPlain = (value: object) => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

// RESULT_TOKEN_PATTERNS without their word boundaries: in JSON text a token after a newline follows
// the `n` of its escape, where a word boundary does not hold. A superset of their matches, for the check only.
const TOKEN_CANDIDATES = [
  /ama_eat_[0-9a-f]{16}/i,
  /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8}/,
];

// A secret JSON writes differently (a quote, a backslash, a control character) cannot be looked
// for in JSON text.
function jsonEscapes(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c) return true;
  }
  return false;
}

/**
 * Whether `value` may hold a secret or a token: one search of its JSON text, native and without
 * copying the value, so the walk below runs only for the rare result that needs it.
 */
function mayHoldSecret(value: unknown, secrets: readonly string[]): boolean {
  if (secrets.some(jsonEscapes)) return true;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return true; // a BigInt or a cycle: leave it to the walk
  }
  return json !== undefined && jsonHolds(json, secrets);
}

const jsonHolds = (json: string, secrets: readonly string[]) =>
  secrets.some((secret) => json.includes(secret)) || TOKEN_CANDIDATES.some((pattern) => pattern.test(json));

/**
 * Whether JSON text the caller already has (a result's text) may hold a known secret (registered,
 * or `extra`) or a token: mayHoldSecret without a stringify of its own.
 */
export function jsonMayHoldSecret(
  json: string,
  extra: readonly string[] = NO_SECRETS,
  { uriEncoded = false } = {},
): boolean {
  const list = secretList(extra);
  if (list.escapes) return true;
  if (!uriEncoded) return jsonHolds(json, list.all);
  list.uriEncoded ??= [...list.all, ...list.all.map(encodeURIComponent)];
  return jsonHolds(json, list.uriEncoded);
}

/**
 * A successful result (tool output, resource read, list or completion) with every known secret
 * (registered, and `extra`: the session's own) and every real token replaced, in string values
 * only: keys are never rewritten, so two keys cannot merge. The value itself is not changed.
 */
export function scrubResult<T>(value: T, extra: readonly string[] = []): T {
  const secrets = [...knownSecrets.keys(), ...extra];
  if (!mayHoldSecret(value, secrets)) return value;
  const scrub = (text: string) => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(CENSOR);
    for (const pattern of RESULT_TOKEN_PATTERNS) out = out.replace(pattern, CENSOR);
    return out;
  };
  const walk = (inner: unknown): unknown => {
    if (typeof inner === 'string') return scrub(inner);
    if (Array.isArray(inner)) return inner.map(walk);
    // fromEntries defines own properties, so even a "__proto__" key stays a plain key.
    if (inner !== null && typeof inner === 'object' && isPlain(inner))
      return Object.fromEntries(Object.entries(inner).map(([key, item]) => [key, walk(item)]));
    return inner;
  };
  return walk(value) as T;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; defaults to stderr (fd 2). stdout belongs to the MCP stdio protocol. */
  destination?: pino.DestinationStream;
  /** Scrubbed from this logger's lines only: an HTTP session's own credentials. */
  secrets?: readonly string[];
}

let stderrDestination: pino.DestinationStream | undefined;

export function createLogger(options: LoggerOptions = {}): Logger {
  // One stderr stream for every logger (a session's logger is a root logger of its own).
  stderrDestination ??= options.destination ? undefined : pino.destination({ fd: 2, sync: true });
  const destination = options.destination ?? stderrDestination;
  const secrets = options.secrets ?? [];
  return pino(
    {
      name: 'agent-platforms-mcp',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      base: undefined,
      hooks: { streamWrite: (line) => scrubSecrets(line, secrets) },
    },
    destination,
  );
}
