import { parseArgs } from 'node:util';
import { z } from 'zod';
import { LOG_LEVELS, type LogLevel } from './log.js';

export const PLATFORMS = ['ama2', 'amigo', 'atthene'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const DEFAULT_BASE_URLS: Record<Platform, string> = {
  ama2: 'https://api.ama2.me',
  amigo: 'https://api.platform.amigo.ai',
  atthene: 'https://api-be.atthene.com/api/v1',
};

export interface Ama2Credentials {
  baseUrl: string;
  /** External-agent token (`ama_eat_...`); absent when only a user JWT is configured. */
  token?: string;
  /** Optional user JWT; unlocks thread listing. */
  userToken?: string;
}
export interface AmigoCredentials {
  baseUrl: string;
  apiKey: string;
  workspaceId: string;
}
export interface AttheneCredentials {
  baseUrl: string;
  apiKey: string;
  /** How long one agent turn (execute) may take before it is abandoned. */
  executeTimeoutMs?: number;
}
export interface PlatformCredentials {
  ama2?: Ama2Credentials;
  amigo?: AmigoCredentials;
  atthene?: AttheneCredentials;
}

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
  toolsets: Platform[];
  readOnly: boolean;
  logLevel: LogLevel;
  /** Largest tool result text, in characters; longer results are cut at an item boundary. */
  maxResultChars: number;
  credentials: PlatformCredentials;
  /** ATTHENE_EXECUTE_TIMEOUT_SECONDS in ms, also for credentials that do not come from the environment (sandbox). */
  attheneExecuteTimeoutMs: number;
}

/** A startup problem the user must fix; the CLI prints `message` and exits with code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const ENV_VARS = {
  AMA2_TOKEN:
    'AMA2 external-agent token (starts with ama_eat_); create one in AMA2 under Agents > External agent tokens',
  AMA2_USER_TOKEN: 'optional AMA2 user JWT; unlocks ama2_list_threads',
  AMA2_BASE_URL: `AMA2 API origin (default ${DEFAULT_BASE_URLS.ama2}; a trailing /api/v1 is accepted)`,
  AMIGO_API_KEY: 'Amigo Platform workspace API key',
  AMIGO_WORKSPACE_ID: 'Amigo workspace id (UUID)',
  AMIGO_BASE_URL: `Amigo API origin (default ${DEFAULT_BASE_URLS.amigo})`,
  ATTHENE_API_KEY: 'Atthene AMAS API key (Agent Studio > Settings > API keys)',
  ATTHENE_BASE_URL: `Atthene API base (default ${DEFAULT_BASE_URLS.atthene})`,
  ATTHENE_EXECUTE_TIMEOUT_SECONDS: 'longest an Atthene agent turn may run (default 300)',
  MCP_HTTP_TOKEN: 'bearer token required on /mcp; mandatory when --host is not a loopback address',
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
  SANDBOX_FAULTS: 'sandbox fault injection, e.g. seed=1,latency=5-50,5xx=0.1,429=0.05,drop=0.02',
  LOG_LEVEL: `log level on stderr: ${LOG_LEVELS.join(', ')} (default info)`,
} as const;

export const USAGE = `Usage: agent-platforms-mcp [options]

MCP server for the AMA2, Amigo and Atthene agent platforms.
Speaks MCP over stdio by default, or streamable HTTP with --http.

Options:
  --sandbox              run against built-in local emulators of all three platforms (no keys needed)
  --sandbox-faults SPEC  inject faults into the sandbox, e.g. seed=1,5xx=0.2,429=0.1,drop=0.05,latency=5-50
  --http                 serve streamable HTTP at /mcp instead of stdio
  --stateless            with --http: keep no session state (for replicas behind a load balancer)
  --host HOST            HTTP bind address (default 127.0.0.1; others need MCP_HTTP_TOKEN)
  --port PORT            HTTP port (default 3333; 0 picks a free port)
  --toolsets LIST        platforms to offer, comma-separated: ${PLATFORMS.join(',')} (default: all configured)
  --read-only            offer only tools that do not change anything
  --log-level LEVEL      same as LOG_LEVEL
  --help                 print this help and exit
  --version              print the version and exit

Environment:
${Object.entries(ENV_VARS)
  .map(([name, what]) => `  ${name.padEnd(24)} ${what}`)
  .join('\n')}

A platform whose credentials are not set is not offered.
`;

const NO_PLATFORM_MESSAGE = `No platform is configured. Set the credentials of at least one platform:
  AMA2:    AMA2_TOKEN (and optionally AMA2_USER_TOKEN)
  Amigo:   AMIGO_API_KEY and AMIGO_WORKSPACE_ID
  Atthene: ATTHENE_API_KEY
or run with --sandbox to use the built-in emulators (no keys needed). See --help.`;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

const httpUrl = (name: string) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password;
      } catch {
        return false;
      }
    }, `${name} must be an http(s) URL without credentials, e.g. https://api.example.com`)
    .transform((value) => value.replace(/\/+$/, ''));

const secret = (name: string, hint: string) =>
  z
    .string()
    .trim()
    .min(8, `${name} looks too short to be a key; ${hint}`)
    .refine((v) => !/\s/.test(v), `${name} must not contain spaces; paste the key alone`);

const positiveInt = (name: string, max: number) =>
  z.coerce
    .number({ error: `${name} must be a whole number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be at least 1`)
    .max(max, `${name} must be at most ${max}`);

const EnvSchema = z.object({
  AMA2_TOKEN: secret('AMA2_TOKEN', 'create an external-agent token in AMA2')
    .refine((v) => /^ama_eat_[A-Za-z0-9_-]{8,}$/.test(v), {
      message:
        'AMA2_TOKEN must be an external-agent token starting with ama_eat_ (a user JWT goes in AMA2_USER_TOKEN)',
    })
    .optional(),
  AMA2_USER_TOKEN: secret('AMA2_USER_TOKEN', 'it is the JWT of an AMA2 user session')
    .refine((v) => v.split('.').length === 3, 'AMA2_USER_TOKEN must be a JWT (three dot-separated parts)')
    .optional(),
  AMA2_BASE_URL: httpUrl('AMA2_BASE_URL').optional(),
  AMIGO_API_KEY: secret('AMIGO_API_KEY', 'create one with POST /v1/{workspace_id}/api-keys').optional(),
  AMIGO_WORKSPACE_ID: z
    .string()
    .trim()
    .regex(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
      'AMIGO_WORKSPACE_ID must be a UUID; find it in the Amigo console URL or in GET /v1/auth/me (workspace_id)',
    )
    .optional(),
  AMIGO_BASE_URL: httpUrl('AMIGO_BASE_URL').optional(),
  ATTHENE_API_KEY: secret('ATTHENE_API_KEY', 'create one in Agent Studio > Settings > API keys').optional(),
  ATTHENE_BASE_URL: httpUrl('ATTHENE_BASE_URL').optional(),
  ATTHENE_EXECUTE_TIMEOUT_SECONDS: positiveInt('ATTHENE_EXECUTE_TIMEOUT_SECONDS', 3600).default(300),
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
  SANDBOX_FAULTS: z.string().optional(),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
    .default('info'),
});

const FlagsSchema = z.object({
  http: z.boolean().default(false),
  stateless: z.boolean().default(false),
  host: z.string().min(1, '--host must not be empty').default('127.0.0.1'),
  port: z.coerce
    .number({ error: '--port must be a number from 0 to 65535' })
    .int('--port must be a whole number')
    .min(0, '--port must be a number from 0 to 65535')
    .max(65535, '--port must be a number from 0 to 65535')
    .default(3333),
  sandbox: z.boolean().default(false),
  'sandbox-faults': z.string().optional(),
  toolsets: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const names = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = names.filter((n) => !(PLATFORMS as readonly string[]).includes(n));
      if (bad.length > 0 || names.length === 0) {
        ctx.addIssue({
          code: 'custom',
          message: `--toolsets takes a comma-separated list of ${PLATFORMS.join(', ')}; got "${value}"`,
        });
        return z.NEVER;
      }
      return [...new Set(names)] as Platform[];
    }),
  'read-only': z.boolean().default(false),
  'log-level': z
    .enum(LOG_LEVELS, { error: `--log-level must be one of ${LOG_LEVELS.join(', ')}` })
    .optional(),
  help: z.boolean().default(false),
  version: z.boolean().default(false),
});

export type CliAction = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: Config };

function firstIssue(error: z.ZodError): string {
  return error.issues.map((issue) => issue.message).join('\n');
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Turns argv and the environment into a validated Config. Throws ConfigError with a message that
 * names the variable or flag and says how to fix it.
 */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv): CliAction {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        http: { type: 'boolean' },
        stateless: { type: 'boolean' },
        host: { type: 'string' },
        port: { type: 'string' },
        sandbox: { type: 'boolean' },
        'sandbox-faults': { type: 'string' },
        toolsets: { type: 'string' },
        'read-only': { type: 'boolean' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. Run with --help to see every option.`);
  }
  const flags = FlagsSchema.safeParse(parsed.values);
  if (!flags.success) throw new ConfigError(firstIssue(flags.error));
  if (flags.data.help) return { kind: 'help' };
  if (flags.data.version) return { kind: 'version' };

  // Empty variables are treated as unset: client configs often carry "" placeholders.
  const cleanEnv = Object.fromEntries(
    Object.keys(EnvSchema.shape).flatMap((key) => {
      const value = env[key];
      return value === undefined || value.trim() === '' ? [] : [[key, value]];
    }),
  );
  const envResult = EnvSchema.safeParse(cleanEnv);
  if (!envResult.success) throw new ConfigError(firstIssue(envResult.error));
  const e = envResult.data;
  const f = flags.data;

  const credentials: PlatformCredentials = {};
  if (e.AMA2_TOKEN || e.AMA2_USER_TOKEN) {
    credentials.ama2 = {
      baseUrl: e.AMA2_BASE_URL ?? DEFAULT_BASE_URLS.ama2,
      ...(e.AMA2_TOKEN ? { token: e.AMA2_TOKEN } : {}),
      ...(e.AMA2_USER_TOKEN ? { userToken: e.AMA2_USER_TOKEN } : {}),
    };
  }
  if (e.AMIGO_API_KEY || e.AMIGO_WORKSPACE_ID) {
    if (!e.AMIGO_API_KEY)
      throw new ConfigError('AMIGO_WORKSPACE_ID is set but AMIGO_API_KEY is not; set both.');
    if (!e.AMIGO_WORKSPACE_ID) {
      throw new ConfigError(
        'AMIGO_API_KEY is set but AMIGO_WORKSPACE_ID is not; set it to your workspace UUID (Amigo console URL, or workspace_id in GET /v1/auth/me).',
      );
    }
    credentials.amigo = {
      baseUrl: e.AMIGO_BASE_URL ?? DEFAULT_BASE_URLS.amigo,
      apiKey: e.AMIGO_API_KEY,
      workspaceId: e.AMIGO_WORKSPACE_ID.toLowerCase(),
    };
  }
  if (e.ATTHENE_API_KEY) {
    credentials.atthene = {
      baseUrl: e.ATTHENE_BASE_URL ?? DEFAULT_BASE_URLS.atthene,
      apiKey: e.ATTHENE_API_KEY,
      executeTimeoutMs: e.ATTHENE_EXECUTE_TIMEOUT_SECONDS * 1000,
    };
  }

  const sandbox = f.sandbox || f['sandbox-faults'] !== undefined;
  if (!sandbox && Object.keys(credentials).length === 0) throw new ConfigError(NO_PLATFORM_MESSAGE);

  const transport = f.http ? 'http' : 'stdio';
  const authVars = [e.MCP_AUTH_ISSUER, e.MCP_AUTH_AUDIENCE, e.MCP_AUTH_JWKS_URL];
  if (authVars.some(Boolean) && !authVars.every(Boolean)) {
    throw new ConfigError(
      'OAuth mode needs all of MCP_AUTH_ISSUER, MCP_AUTH_AUDIENCE and MCP_AUTH_JWKS_URL; set the missing ones or none.',
    );
  }
  if (e.MCP_AUTH_ISSUER && e.MCP_HTTP_TOKEN) {
    throw new ConfigError(
      'Set either MCP_HTTP_TOKEN (a static bearer) or the MCP_AUTH_* variables (OAuth), not both.',
    );
  }
  if (f.stateless && !f.http) throw new ConfigError('--stateless only applies to --http.');
  if (transport === 'http' && !isLoopbackHost(f.host) && !e.MCP_HTTP_TOKEN && !e.MCP_AUTH_ISSUER) {
    throw new ConfigError(
      `--host ${f.host} is not a loopback address: set MCP_HTTP_TOKEN (a long random secret clients send as "Authorization: Bearer <token>") or the MCP_AUTH_* variables before exposing the server, or bind --host 127.0.0.1.`,
    );
  }

  if (transport === 'http' && !isLoopbackHost(f.host) && !e.MCP_ALLOWED_HOSTS && !e.MCP_PUBLIC_URL) {
    // Without a list any Host would pass, and DNS rebinding with it (issue #12 E8).
    throw new ConfigError(
      `--host ${f.host} is not a loopback address: set MCP_ALLOWED_HOSTS to the host name(s) clients reach this server by (e.g. mcp.example.com), or MCP_PUBLIC_URL, whose host is then the one allowed.`,
    );
  }
  if (transport === 'http' && e.MCP_AUTH_ISSUER && !isLoopbackHost(f.host) && !e.MCP_PUBLIC_URL) {
    throw new ConfigError(
      `OAuth mode with --host ${f.host} needs MCP_PUBLIC_URL (e.g. https://mcp.example.com): it is the resource the OAuth metadata names, never taken from a request's Host.`,
    );
  }

  const toolsets = f.toolsets ?? [...PLATFORMS];
  return {
    kind: 'run',
    config: {
      transport,
      http: {
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
      },
      sandbox,
      ...((f['sandbox-faults'] ?? e.SANDBOX_FAULTS)
        ? { sandboxFaults: f['sandbox-faults'] ?? e.SANDBOX_FAULTS }
        : {}),
      toolsets,
      readOnly: f['read-only'],
      logLevel: f['log-level'] ?? e.LOG_LEVEL,
      maxResultChars: e.MCP_MAX_RESULT_CHARS,
      credentials,
      attheneExecuteTimeoutMs: e.ATTHENE_EXECUTE_TIMEOUT_SECONDS * 1000,
    },
  };
}

/** Request headers an HTTP session may bring its own platform credentials in, and their variables. */
export const CREDENTIAL_HEADERS = {
  'x-ama2-token': 'AMA2_TOKEN',
  'x-ama2-user-token': 'AMA2_USER_TOKEN',
  'x-amigo-api-key': 'AMIGO_API_KEY',
  'x-amigo-workspace-id': 'AMIGO_WORKSPACE_ID',
  'x-atthene-api-key': 'ATTHENE_API_KEY',
} as const;

const MIN_HEADER_SECRET_CHARS = 16;

/**
 * A session's own credentials from its request headers, validated like the environment (the
 * message names the header), with the server's base URLs. Undefined when it brought none.
 */
export function credentialsFromHeaders(
  headers: Record<string, string | string[] | undefined>,
  server: PlatformCredentials,
  serverEnv: Record<string, string | undefined> = {},
): PlatformCredentials | undefined {
  const env: Record<string, string> = {};
  for (const [header, variable] of Object.entries(CREDENTIAL_HEADERS)) {
    const value = headers[header];
    if (typeof value !== 'string' || value.trim() === '') continue;
    // A short value would censor ordinary words in the session's own output; no real key is this short.
    if (header !== 'x-amigo-workspace-id' && value.trim().length < MIN_HEADER_SECRET_CHARS) {
      throw new ConfigError(
        `header ${header} is too short to be a key (at least ${MIN_HEADER_SECRET_CHARS} characters); paste the whole key`,
      );
    }
    env[variable] = value;
  }
  if (Object.keys(env).length === 0) return undefined;
  for (const platform of PLATFORMS) {
    // The server's base URL, also for a platform it has no key of its own for.
    const name = `${platform.toUpperCase()}_BASE_URL`;
    const base = server[platform]?.baseUrl ?? serverEnv[name];
    if (base) env[name] = base;
  }
  // The server's own settings, not the session's to choose.
  const timeout = serverEnv.ATTHENE_EXECUTE_TIMEOUT_SECONDS;
  if (timeout) env.ATTHENE_EXECUTE_TIMEOUT_SECONDS = timeout;
  try {
    const action = parseConfig([], env);
    if (action.kind !== 'run') return undefined;
    return action.config.credentials;
  } catch (error) {
    let message = (error as Error).message;
    for (const [header, variable] of Object.entries(CREDENTIAL_HEADERS))
      message = message.replaceAll(variable, `header ${header}`);
    throw new ConfigError(message);
  }
}
