import pino, { type Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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

// Reference-counted: HTTP sessions bring their own credentials and drop them when they close.
const knownSecrets = new Map<string, number>();

/** Registers a credential value so that it is scrubbed from every log line, error and result. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) knownSecrets.set(value, (knownSecrets.get(value) ?? 0) + 1);
}

/** Undoes one registerSecret (a session's credentials when the session closes). */
export function forgetSecret(value: string | undefined): void {
  if (!value) return;
  const count = knownSecrets.get(value);
  if (count === undefined) return;
  if (count <= 1) knownSecrets.delete(value);
  else knownSecrets.set(value, count - 1);
}

/** Replaces every registered secret and every credential-shaped string in `text`. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const secret of knownSecrets.keys()) {
    if (out.includes(secret)) out = out.split(secret).join(CENSOR);
  }
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (_match, prefix?: string) =>
      typeof prefix === 'string' && /^Bearer/i.test(prefix) ? `${prefix}${CENSOR}` : CENSOR,
    );
  }
  return out;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; defaults to stderr (fd 2). stdout belongs to the MCP stdio protocol. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? pino.destination({ fd: 2, sync: true });
  return pino(
    {
      name: 'agent-platforms-mcp',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      base: undefined,
      hooks: { streamWrite: scrubSecrets },
    },
    destination,
  );
}
