import { parseArgs } from 'node:util';
import { z } from 'zod';
import { PLATFORM_CONFIGS } from '../platforms/config.js';
import type { Platform, PlatformCredentials } from '../platforms/index.js';
import { ConfigError, httpUrl, positiveInt } from './env.js';
import { LOG_LEVELS, type LogLevel } from './log-levels.js';
import type { PlatformConfig } from './platform.js';

// Loaded before the `initialize` answer: only the platforms' light part (src/platforms/config.ts),
// never their tools or clients, and no logger (cold start, issue #15).
export type { Platform, PlatformCredentials } from '../platforms/index.js';
export const PLATFORMS = PLATFORM_CONFIGS.map((m) => m.name) as readonly Platform[];
export { ConfigError } from './env.js';

export interface OAuthOptions {
  issuer: string;
  audience: string;
  jwksUrl: string;
  /** Scopes every access token must carry. */
  scopes: string[];
}

export interface HttpOptions {
  host: string;
  port: number;
  token?: string;
  /** OAuth 2.1 resource-server mode: JWT access tokens checked against a JWKS. */
  oauth?: OAuthOptions;
  /** Public URL of the server (for the protected-resource metadata); derived from Host when unset. */
  publicUrl?: string;
  /** Serve each request without server-side session state. */
  stateless: boolean;
  maxSessions: number;
  /** Sessions one principal (the client address when unauthenticated) may hold open at once. */
  maxSessionsPerPrincipal: number;
  /** Requests per minute per session (429 with Retry-After past it). */
  sessionRatePerMinute: number;
  maxWatchers: number;
  allowedOrigins: string[];
  allowedHosts: string[];
  maxBodyBytes: number;
  sessionIdleMs: number;
  /** Requests one session may have unanswered at once (429 past it). */
  maxInFlightPerSession: number;
  /** Share sessions, events, subscriptions and limits with other replicas through this Redis. */
  redisUrl?: string;
  /** Resumable-stream events kept: per session by bytes and age, and for all sessions together. */
  eventStore: { sessionBytes: number; totalBytes: number; maxAgeMs: number };
  connections: {
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    maxConnections: number;
    maxConnectionsPerAddress: number;
  };
}

export interface Config {
  transport: 'stdio' | 'http';
  http: HttpOptions;
  sandbox: boolean;
  /** Raw fault spec for the sandbox (`seed=1,5xx=0.2,...`), parsed by the sandbox. */
  sandboxFaults?: string;
  toolsets: string[];
  /** The platforms --toolsets named, when it was given: those without credentials are warned about. */
  namedToolsets?: string[];
  readOnly: boolean;
  logLevel: LogLevel;
  /** Largest tool result text, in characters; longer results are cut at an item boundary. */
  maxResultChars: number;
  credentials: PlatformCredentials;
  /** The platforms' validated variables: their settings apply to sandbox and session credentials too. */
  platformEnv: Readonly<Record<string, unknown>>;
}

/** The server's own variables; each platform module brings its own (PlatformModule.env). */
export const ENV_VARS = {
  MCP_HTTP_TOKEN:
    'bearer token required on /mcp (at least 16 characters); mandatory when --host is not a loopback address, unless OAuth is set',
  MCP_ALLOWED_ORIGINS: 'comma-separated extra browser origins allowed on /mcp (loopback origins always are)',
  MCP_ALLOWED_HOSTS:
    'comma-separated Host header values allowed (e.g. your public hostname); required with a non-loopback --host unless MCP_PUBLIC_URL is set',
  MCP_HTTP_MAX_BODY_BYTES: 'largest request body on /mcp (default 1048576)',
  MCP_SESSION_IDLE_SECONDS: 'idle HTTP sessions are closed after this many seconds (default 1800)',
  MCP_MAX_RESULT_CHARS: 'largest tool result in characters (default 20000)',
  MCP_MAX_SESSIONS: 'most concurrent HTTP sessions (default 100; more get 503)',
  MCP_MAX_SESSIONS_PER_PRINCIPAL:
    'most concurrent HTTP sessions of one client (token subject or token, else address; default 20; more get 503)',
  MCP_SESSION_RATE_PER_MINUTE:
    'JSON-RPC messages per minute per client (token subject or token, else address), every message of a batch counted (default 600; more get 429)',
  MCP_SESSION_MAX_IN_FLIGHT:
    'requests one HTTP session (with --stateless: one client) may have unanswered at once (default 16; more get 429)',
  MCP_EVENT_STORE_SESSION_BYTES: 'bytes of resumable-stream events kept per HTTP session (default 1048576)',
  MCP_EVENT_STORE_TOTAL_BYTES:
    'bytes of resumable-stream events kept for all sessions together (default 67108864)',
  MCP_EVENT_STORE_SECONDS: 'resumable-stream events older than this are dropped (default 300)',
  MCP_HTTP_HEADERS_TIMEOUT_SECONDS: 'a client must send its request headers within this (default 10)',
  MCP_HTTP_REQUEST_TIMEOUT_SECONDS:
    'a client must send its whole request within this (default 30; responses, SSE streams included, are not limited)',
  MCP_HTTP_MAX_CONNECTIONS: 'most open HTTP connections (default 1024)',
  MCP_HTTP_MAX_CONNECTIONS_PER_ADDRESS:
    'most open HTTP connections from one client address (default 256; more get 503)',
  MCP_MAX_WATCHERS: 'resource subscriptions per session (default 20)',
  MCP_AUTH_ISSUER: 'OAuth mode: the authorization server (token issuer) URL',
  MCP_AUTH_AUDIENCE: 'OAuth mode: the audience access tokens must name (this server)',
  MCP_AUTH_JWKS_URL: 'OAuth mode: the JWKS URL to verify access tokens with',
  MCP_AUTH_SCOPES: 'OAuth mode: comma-separated scopes every token must carry',
  MCP_PUBLIC_URL:
    'public base URL of this server: the resource in the OAuth metadata (default: the bound address; required for OAuth with a non-loopback --host); its host is an allowed Host',
  MCP_SANDBOX:
    'true runs against the built-in emulators, like --sandbox (for clients that set only variables)',
  MCP_REDIS_URL:
    'redis:// or rediss:// URL: HTTP replicas share sessions, resumable events, subscriptions and limits through it (no sticky routing needed)',
  SANDBOX_FAULTS: 'sandbox fault injection, e.g. seed=1,latency=5-50,5xx=0.1,429=0.05,drop=0.02',
  LOG_LEVEL: `log level on stderr: ${LOG_LEVELS.join(', ')} (default info)`,
} as const;

/**
 * Every flag, once: parseArgs reads `type`/`short`, --help prints `usage`, `schema` validates.
 * (`toolsets` is checked against the platform modules in parseConfig.)
 */
export const FLAGS = {
  sandbox: {
    type: 'boolean',
    usage: 'run against built-in local emulators of every platform (no keys needed)',
    schema: z.boolean().default(false),
  },
  'sandbox-faults': {
    type: 'string',
    arg: 'SPEC',
    usage: 'inject faults into the sandbox, e.g. seed=1,5xx=0.2,429=0.1,drop=0.05,latency=5-50',
    schema: z.string().optional(),
  },
  http: {
    type: 'boolean',
    usage: 'serve streamable HTTP at /mcp instead of stdio',
    schema: z.boolean().default(false),
  },
  stateless: {
    type: 'boolean',
    usage: 'with --http: keep no session state (for replicas behind a load balancer)',
    schema: z.boolean().default(false),
  },
  host: {
    type: 'string',
    arg: 'HOST',
    usage: 'HTTP bind address (default 127.0.0.1; others need MCP_HTTP_TOKEN)',
    schema: z.string().min(1, '--host must not be empty').default('127.0.0.1'),
  },
  port: {
    type: 'string',
    arg: 'PORT',
    usage: 'HTTP port (default 3333; 0 picks a free port)',
    schema: z.coerce
      .number({ error: '--port must be a number from 0 to 65535' })
      .int('--port must be a whole number')
      .min(0, '--port must be a number from 0 to 65535')
      .max(65535, '--port must be a number from 0 to 65535')
      .default(3333),
  },
  toolsets: {
    type: 'string',
    arg: 'LIST',
    usage: 'platforms to offer, comma-separated (default: all configured)',
    schema: z.string().optional(),
  },
  'read-only': {
    type: 'boolean',
    usage: 'offer only tools that do not change anything',
    schema: z.boolean().default(false),
  },
  'log-level': {
    type: 'string',
    arg: 'LEVEL',
    usage: 'same as LOG_LEVEL',
    schema: z.enum(LOG_LEVELS, { error: `--log-level must be one of ${LOG_LEVELS.join(', ')}` }).optional(),
  },
  help: {
    type: 'boolean',
    short: 'h',
    usage: 'print this help and exit',
    schema: z.boolean().default(false),
  },
  version: {
    type: 'boolean',
    short: 'v',
    usage: 'print the version and exit',
    schema: z.boolean().default(false),
  },
} as const satisfies Record<
  string,
  { type: 'boolean' | 'string'; short?: string; arg?: string; usage: string; schema: z.ZodType }
>;

const FlagsSchema = z.object(
  Object.fromEntries(Object.entries(FLAGS).map(([name, flag]) => [name, flag.schema])) as {
    [K in keyof typeof FLAGS]: (typeof FLAGS)[K]['schema'];
  },
);

/** Every variable a platform reads, across the modules. */
function platformVars(modules: readonly PlatformConfig[]) {
  return modules.flatMap((m) => Object.entries(m.env));
}

/** --help: the flags, then every variable of the platforms and of the server. */
export function usage(modules: readonly PlatformConfig[] = PLATFORM_CONFIGS): string {
  const flags = Object.entries(FLAGS).map(([name, flag]) => {
    const left = `--${name}${'arg' in flag ? ` ${flag.arg}` : ''}`;
    const more = name === 'toolsets' ? `; one or more of ${modules.map((m) => m.name).join(',')}` : '';
    return `  ${left.padEnd(22)} ${flag.usage}${more}`;
  });
  const vars = [...platformVars(modules).map(([name, v]) => [name, v.describe]), ...Object.entries(ENV_VARS)];
  return `Usage: agent-platforms-mcp [options]

MCP server for the ${modules.map((m) => m.title).join(', ')} agent platforms.
Speaks MCP over stdio by default, or streamable HTTP with --http.

Options:
${flags.join('\n')}

Environment:
${vars.map(([name, what]) => `  ${String(name).padEnd(24)} ${what}`).join('\n')}

A platform whose credentials are not set is not offered.
`;
}

function noPlatformMessage(modules: readonly PlatformConfig[]): string {
  return `no platform is configured; set ${modules.map((m) => `${m.setup} for ${m.title}`).join(', or ')}, or run with --sandbox to try the built-in emulators without keys (see --help)`;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

const ServerEnvSchema = z.object({
  MCP_HTTP_TOKEN: z
    .string()
    .min(16, 'MCP_HTTP_TOKEN must be at least 16 characters; generate one with `openssl rand -hex 32`')
    .optional(),
  MCP_ALLOWED_ORIGINS: z.string().optional(),
  MCP_ALLOWED_HOSTS: z.string().optional(),
  MCP_HTTP_MAX_BODY_BYTES: positiveInt('MCP_HTTP_MAX_BODY_BYTES', 100 * 1024 * 1024).default(1024 * 1024),
  MCP_SESSION_IDLE_SECONDS: positiveInt('MCP_SESSION_IDLE_SECONDS', 7 * 24 * 3600).default(1800),
  MCP_MAX_RESULT_CHARS: positiveInt('MCP_MAX_RESULT_CHARS', 1_000_000).default(20_000),
  MCP_MAX_SESSIONS: positiveInt('MCP_MAX_SESSIONS', 100_000).default(100),
  MCP_MAX_SESSIONS_PER_PRINCIPAL: positiveInt('MCP_MAX_SESSIONS_PER_PRINCIPAL', 100_000).default(20),
  MCP_SESSION_RATE_PER_MINUTE: positiveInt('MCP_SESSION_RATE_PER_MINUTE', 1_000_000).default(600),
  MCP_MAX_WATCHERS: positiveInt('MCP_MAX_WATCHERS', 1000).default(20),
  MCP_SESSION_MAX_IN_FLIGHT: positiveInt('MCP_SESSION_MAX_IN_FLIGHT', 10_000).default(16),
  MCP_EVENT_STORE_SESSION_BYTES: positiveInt('MCP_EVENT_STORE_SESSION_BYTES', 1024 ** 3).default(1024 ** 2),
  MCP_EVENT_STORE_TOTAL_BYTES: positiveInt('MCP_EVENT_STORE_TOTAL_BYTES', 16 * 1024 ** 3).default(
    64 * 1024 ** 2,
  ),
  MCP_EVENT_STORE_SECONDS: positiveInt('MCP_EVENT_STORE_SECONDS', 24 * 3600).default(300),
  MCP_HTTP_HEADERS_TIMEOUT_SECONDS: positiveInt('MCP_HTTP_HEADERS_TIMEOUT_SECONDS', 3600).default(10),
  MCP_HTTP_REQUEST_TIMEOUT_SECONDS: positiveInt('MCP_HTTP_REQUEST_TIMEOUT_SECONDS', 3600).default(30),
  MCP_HTTP_MAX_CONNECTIONS: positiveInt('MCP_HTTP_MAX_CONNECTIONS', 1_000_000).default(1024),
  MCP_HTTP_MAX_CONNECTIONS_PER_ADDRESS: positiveInt(
    'MCP_HTTP_MAX_CONNECTIONS_PER_ADDRESS',
    1_000_000,
  ).default(256),
  MCP_AUTH_ISSUER: httpUrl('MCP_AUTH_ISSUER').optional(),
  MCP_AUTH_AUDIENCE: z.string().min(1).optional(),
  MCP_AUTH_JWKS_URL: httpUrl('MCP_AUTH_JWKS_URL').optional(),
  MCP_AUTH_SCOPES: z.string().optional(),
  MCP_PUBLIC_URL: httpUrl('MCP_PUBLIC_URL').optional(),
  MCP_SANDBOX: z
    .enum(['true', 'false', '1', '0'], { error: 'MCP_SANDBOX must be true or false' })
    .transform((v) => v === 'true' || v === '1')
    .default(false),
  MCP_REDIS_URL: z
    .string()
    .regex(
      /^rediss?:\/\/\S+$/,
      'MCP_REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://redis:6379/0',
    )
    .optional(),
  SANDBOX_FAULTS: z.string().optional(),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
    .default('info'),
});

export type CliAction = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: Config };

/** One line per flag or variable: its first problem (a later one often restates it). */
function firstIssue(error: z.ZodError): string {
  const byField = new Map<string, string>();
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.');
    if (!byField.has(field)) byField.set(field, issue.message);
  }
  return [...byField.values()].join('\n');
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function parseFlags(argv: string[]) {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    const options = Object.fromEntries(
      Object.entries(FLAGS).map(([name, flag]) => [
        name,
        { type: flag.type, ...('short' in flag ? { short: flag.short } : {}) },
      ]),
    );
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: false, options });
  } catch (error) {
    // Node's message, in one clause: "Unknown option '--x'. To specify a positional argument ..."
    const [what = 'bad arguments'] = (error as Error).message.split('. ');
    throw new ConfigError(
      `${what.charAt(0).toLowerCase()}${what.slice(1).replace(/\.$/, '')}; run with --help to see every option`,
    );
  }
  const flags = FlagsSchema.safeParse(parsed.values);
  if (!flags.success) throw new ConfigError(firstIssue(flags.error));
  return flags.data;
}

function parseToolsets(value: string | undefined, modules: readonly PlatformConfig[]): string[] {
  const known = modules.map((m) => m.name);
  if (value === undefined) return known;
  const names = splitList(value);
  if (names.length === 0 || names.some((n) => !known.includes(n)))
    throw new ConfigError(`--toolsets takes a comma-separated list of ${known.join(', ')}; got "${value}"`);
  return [...new Set(names)];
}

/** Validates `schema` over the non-empty variables of `env` it names. Empty values count as unset. */
function validateEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const clean = Object.fromEntries(
    Object.keys(schema.shape).flatMap((key) => {
      const value = env[key];
      return value === undefined || value.trim() === '' ? [] : [[key, value]];
    }),
  );
  const result = schema.safeParse(clean);
  if (!result.success) throw new ConfigError(firstIssue(result.error));
  return result.data;
}

/** Each platform's credentials from its validated variables (a module absent from the result is unconfigured). */
function platformCredentials(env: NodeJS.ProcessEnv, modules: readonly PlatformConfig[]) {
  const schema = z.object(Object.fromEntries(platformVars(modules).map(([name, v]) => [name, v.schema])));
  const platformEnv = validateEnv(schema, env) as Record<string, unknown>;
  const credentials: Record<string, unknown> = {};
  for (const m of modules) {
    const own = m.credentials(platformEnv);
    if (own) credentials[m.name] = own;
  }
  return { platformEnv, credentials: credentials as PlatformCredentials };
}

/**
 * Turns argv and the environment into a validated Config. Throws ConfigError with a message that
 * names the variable or flag and says how to fix it.
 */
export function parseConfig(
  argv: string[],
  env: NodeJS.ProcessEnv,
  modules: readonly PlatformConfig[] = PLATFORM_CONFIGS,
): CliAction {
  const f = parseFlags(argv);
  if (f.help) return { kind: 'help' };
  if (f.version) return { kind: 'version' };
  const toolsets = parseToolsets(f.toolsets, modules);
  const { platformEnv, credentials } = platformCredentials(env, modules);
  const e = validateEnv(ServerEnvSchema, env);
  const sandbox = f.sandbox || e.MCP_SANDBOX || f['sandbox-faults'] !== undefined;
  if (!sandbox && Object.keys(credentials).length === 0) throw new ConfigError(noPlatformMessage(modules));
  if (!sandbox) checkToolsets(f.toolsets, toolsets, credentials, modules);
  const transport = f.http ? 'http' : 'stdio';
  checkHttp(f, e, transport);
  return {
    kind: 'run',
    config: {
      transport,
      http: httpOptions(f, e),
      sandbox,
      ...((f['sandbox-faults'] ?? e.SANDBOX_FAULTS)
        ? { sandboxFaults: f['sandbox-faults'] ?? e.SANDBOX_FAULTS }
        : {}),
      toolsets,
      ...(f.toolsets === undefined ? {} : { namedToolsets: toolsets }),
      readOnly: f['read-only'],
      logLevel: f['log-level'] ?? e.LOG_LEVEL,
      maxResultChars: e.MCP_MAX_RESULT_CHARS,
      credentials,
      platformEnv,
    },
  };
}

/** --toolsets that leaves no platform with credentials would serve platforms_status alone. */
function checkToolsets(
  flag: string | undefined,
  toolsets: readonly string[],
  credentials: PlatformCredentials,
  modules: readonly PlatformConfig[],
): void {
  const has = (name: string) => (credentials as Record<string, unknown>)[name] !== undefined;
  if (flag === undefined || toolsets.some(has)) return;
  const setup = unconfiguredToolsets(toolsets, has, modules)?.setup;
  const configured = modules.filter((m) => has(m.name)).map((m) => m.name);
  throw new ConfigError(
    `--toolsets ${flag} names no platform with credentials; set ${setup}, or name a configured one (${configured.join(', ')})`,
  );
}

/** The --toolsets platforms in `named` that have no credentials, with what to set for each. */
function unconfiguredToolsets(
  named: readonly string[] | undefined,
  configured: (name: string) => boolean,
  modules: readonly PlatformConfig[],
): { names: string; setup: string } | undefined {
  const bare = modules.filter((m) => named?.includes(m.name) && !configured(m.name));
  if (bare.length === 0) return undefined;
  return { names: bare.map((m) => m.name).join(', '), setup: bare.map((m) => m.setup).join(', and ') };
}

/**
 * What stderr says at startup and platforms_status in `warning` when --toolsets named a platform
 * without credentials; `clients` may be the credentials (by platform) as well.
 */
export function toolsetsWarning(
  named: readonly string[] | undefined,
  clients: Readonly<Partial<Record<string, unknown>>>,
  modules: readonly PlatformConfig[],
): string | undefined {
  const bare = unconfiguredToolsets(named, (name) => clients[name] !== undefined, modules);
  if (!bare) return undefined;
  const one = !bare.names.includes(',');
  return `--toolsets names ${bare.names}, which ${one ? 'has' : 'have'} no credentials; set ${bare.setup} to offer ${one ? 'its' : 'their'} tools`;
}

type Flags = ReturnType<typeof parseFlags>;
type ServerEnv = z.infer<typeof ServerEnvSchema>;

/** Refuses HTTP settings that would expose the server or cannot work together. */
function checkHttp(f: Flags, e: ServerEnv, transport: 'stdio' | 'http'): void {
  const authVars = [e.MCP_AUTH_ISSUER, e.MCP_AUTH_AUDIENCE, e.MCP_AUTH_JWKS_URL];
  if (authVars.some(Boolean) && !authVars.every(Boolean)) {
    throw new ConfigError(
      'OAuth mode needs all of MCP_AUTH_ISSUER, MCP_AUTH_AUDIENCE and MCP_AUTH_JWKS_URL; set the missing ones or none.',
    );
  }
  if (e.MCP_AUTH_ISSUER && e.MCP_HTTP_TOKEN) {
    throw new ConfigError(
      'MCP_HTTP_TOKEN and MCP_AUTH_* are both set; set either MCP_HTTP_TOKEN (a static bearer) or the MCP_AUTH_* variables (OAuth), not both.',
    );
  }
  if (f.stateless && !f.http)
    throw new ConfigError('--stateless only applies to --http; add --http, or drop --stateless.');
  if (transport === 'http' && !isLoopbackHost(f.host) && !e.MCP_HTTP_TOKEN && !e.MCP_AUTH_ISSUER) {
    throw new ConfigError(
      `--host ${f.host} is not a loopback address; set MCP_HTTP_TOKEN (a long random secret clients send as "Authorization: Bearer <token>") or the MCP_AUTH_* variables before exposing the server, or bind --host 127.0.0.1.`,
    );
  }

  if (transport === 'http' && !isLoopbackHost(f.host) && !e.MCP_ALLOWED_HOSTS && !e.MCP_PUBLIC_URL) {
    // Without a list any Host would pass, and DNS rebinding with it (issue #12 E8).
    throw new ConfigError(
      `--host ${f.host} is not a loopback address; set MCP_ALLOWED_HOSTS to the host name(s) clients reach this server by (e.g. mcp.example.com), or MCP_PUBLIC_URL, whose host is then the one allowed.`,
    );
  }
  if (transport === 'http' && e.MCP_AUTH_ISSUER && !isLoopbackHost(f.host) && !e.MCP_PUBLIC_URL) {
    throw new ConfigError(
      `OAuth mode with --host ${f.host} needs MCP_PUBLIC_URL; set it (e.g. https://mcp.example.com): it is the resource the OAuth metadata names, never taken from a request's Host.`,
    );
  }
}

function httpOptions(f: Flags, e: ServerEnv): HttpOptions {
  return {
    host: f.host,
    port: f.port,
    ...(e.MCP_HTTP_TOKEN ? { token: e.MCP_HTTP_TOKEN } : {}),
    allowedOrigins: splitList(e.MCP_ALLOWED_ORIGINS),
    allowedHosts: splitList(e.MCP_ALLOWED_HOSTS),
    maxBodyBytes: e.MCP_HTTP_MAX_BODY_BYTES,
    sessionIdleMs: e.MCP_SESSION_IDLE_SECONDS * 1000,
    stateless: f.stateless,
    maxSessions: e.MCP_MAX_SESSIONS,
    maxSessionsPerPrincipal: e.MCP_MAX_SESSIONS_PER_PRINCIPAL,
    sessionRatePerMinute: e.MCP_SESSION_RATE_PER_MINUTE,
    maxWatchers: e.MCP_MAX_WATCHERS,
    maxInFlightPerSession: e.MCP_SESSION_MAX_IN_FLIGHT,
    eventStore: {
      sessionBytes: e.MCP_EVENT_STORE_SESSION_BYTES,
      totalBytes: e.MCP_EVENT_STORE_TOTAL_BYTES,
      maxAgeMs: e.MCP_EVENT_STORE_SECONDS * 1000,
    },
    connections: {
      headersTimeoutMs: e.MCP_HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
      requestTimeoutMs: e.MCP_HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
      maxConnections: e.MCP_HTTP_MAX_CONNECTIONS,
      maxConnectionsPerAddress: e.MCP_HTTP_MAX_CONNECTIONS_PER_ADDRESS,
    },
    ...(e.MCP_PUBLIC_URL ? { publicUrl: e.MCP_PUBLIC_URL } : {}),
    ...(e.MCP_REDIS_URL ? { redisUrl: e.MCP_REDIS_URL } : {}),
    ...(e.MCP_AUTH_ISSUER && e.MCP_AUTH_AUDIENCE && e.MCP_AUTH_JWKS_URL
      ? {
          oauth: {
            issuer: e.MCP_AUTH_ISSUER,
            audience: e.MCP_AUTH_AUDIENCE,
            jwksUrl: e.MCP_AUTH_JWKS_URL,
            scopes: splitList(e.MCP_AUTH_SCOPES),
          },
        }
      : {}),
  };
}

/** Request headers an HTTP session may bring its own platform credentials in, and their variables. */
export function credentialHeaders(
  modules: readonly PlatformConfig[] = PLATFORM_CONFIGS,
): Record<string, string> {
  return Object.fromEntries(
    platformVars(modules).flatMap(([name, v]) => (v.header ? [[v.header, name]] : [])),
  );
}
export const CREDENTIAL_HEADERS = credentialHeaders();

const MIN_HEADER_SECRET_CHARS = 16;

/**
 * A session's own credentials from its request headers, validated like the environment (the
 * message names the header). Base URLs and settings are the server's, not the session's to choose.
 * Undefined when it brought none.
 */
export function credentialsFromHeaders(
  headers: Record<string, string | string[] | undefined>,
  server: PlatformCredentials,
  serverEnv: Record<string, string | undefined> = {},
  modules: readonly PlatformConfig[] = PLATFORM_CONFIGS,
): PlatformCredentials | undefined {
  const env: Record<string, string> = {};
  for (const [name, v] of platformVars(modules)) {
    const value = v.header ? headers[v.header] : undefined;
    if (!v.header || typeof value !== 'string' || value.trim() === '') continue;
    // A short value would censor ordinary words in the session's own output; no real key is this short.
    if (!v.notSecret && value.trim().length < MIN_HEADER_SECRET_CHARS) {
      throw new ConfigError(
        `header ${v.header} is too short to be a key (at least ${MIN_HEADER_SECRET_CHARS} characters); paste the whole key`,
      );
    }
    env[name] = value;
  }
  if (Object.keys(env).length === 0) return undefined;
  for (const m of modules) {
    for (const [name, v] of Object.entries(m.env)) {
      const value = serverEnv[name];
      if (!v.header && value) env[name] = value;
    }
    // The server's base URL (the sandbox's, with --sandbox), also for a platform it has no key for.
    const base = (server as Record<string, { baseUrl: string } | undefined>)[m.name]?.baseUrl;
    if (base) env[m.hints.baseUrlVar] = base;
  }
  try {
    const action = parseConfig([], env, modules);
    return action.kind === 'run' ? action.config.credentials : undefined;
  } catch (error) {
    let message = (error as Error).message;
    for (const [header, variable] of Object.entries(credentialHeaders(modules)))
      message = message.replaceAll(variable, `header ${header}`);
    throw new ConfigError(message);
  }
}
