import { STATUS_CODES } from 'node:http';
import { scrubSecrets } from './log.js';

/** The platform module's name. */
export type PlatformName = string;

export type ErrorKind =
  | 'auth'
  | 'permission'
  | 'not_found'
  | 'conflict'
  | 'validation'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'cancelled';

export interface FieldError {
  field: string;
  message: string;
}

export interface PlatformErrorInit {
  kind: ErrorKind;
  platform: PlatformName;
  message: string;
  status?: number;
  code?: string;
  requestId?: string;
  retryAfterMs?: number;
  method?: string;
  path?: string;
  details?: FieldError[];
  /** The parsed JSON error body, for callers that read a documented error payload. Never logged. */
  body?: unknown;
  /** `x-ratelimit-*` headers, when the platform sends them (Amigo does). */
  rateLimit?: RateLimitInfo;
  cause?: unknown;
}

export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  /** Unix seconds when the window resets. */
  reset?: number;
}

/**
 * Every failure of a platform call. 4xx kinds mean the caller can fix something; server, network
 * and timeout are on the platform's side or ours. The message is scrubbed of secrets.
 */
export class PlatformError extends Error {
  override name = 'PlatformError';
  readonly kind: ErrorKind;
  readonly platform: PlatformName;
  readonly status?: number;
  readonly code?: string;
  readonly requestId?: string;
  readonly retryAfterMs?: number;
  readonly method?: string;
  readonly path?: string;
  readonly details?: FieldError[];
  readonly body?: unknown;
  readonly rateLimit?: RateLimitInfo;

  constructor(init: PlatformErrorInit) {
    super(scrubSecrets(init.message), init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.platform = init.platform;
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
    this.method = init.method;
    this.path = init.path;
    this.details = init.details;
    this.body = init.body;
    this.rateLimit = init.rateLimit;
  }

  /** Transient failures a retry may cure. */
  get retryable(): boolean {
    return ['rate_limited', 'server', 'network', 'timeout'].includes(this.kind) || this.status === 408;
  }
}

export function kindForStatus(status: number): ErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'server';
  return 'validation';
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export interface ErrorDetail {
  message?: string;
  code?: string;
  requestId?: string;
  details?: FieldError[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function fastApiField(loc: unknown): string {
  return Array.isArray(loc) ? loc.map(String).join('.') : String(loc ?? '');
}

/**
 * The platform's message and code from any error body the three platforms send: AMA2
 * `{code, message}`, Atthene `{error: {type, message}}`, Django `{detail}`, FastAPI `{detail}` as
 * string, object or 422 list of `{loc, msg}`, optional `error_code`/`request_id`, plain text or HTML.
 */
export function extractErrorDetail(bodyText: string): ErrorDetail {
  const text = bodyText.trim();
  if (!text) return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const plain = text
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return plain ? { message: plain.slice(0, 300) } : {};
  }
  if (!isRecord(body)) return typeof body === 'string' ? { message: body.slice(0, 300) } : {};
  const out: ErrorDetail = {};
  if (typeof body.request_id === 'string') out.requestId = body.request_id;
  if (typeof body.error_code === 'string') out.code = body.error_code;
  if (typeof body.code === 'string') out.code = body.code;
  if (isRecord(body.error)) {
    if (typeof body.error.type === 'string') out.code = body.error.type;
    if (typeof body.error.message === 'string') out.message = body.error.message;
  } else if (typeof body.error === 'string') {
    out.message = body.error;
  }
  const detail = body.detail;
  if (typeof detail === 'string') out.message = detail;
  else if (Array.isArray(detail)) {
    const fields = detail.filter(isRecord).map((d) => ({
      field: fastApiField(d.loc),
      message: typeof d.msg === 'string' ? d.msg : JSON.stringify(d),
    }));
    out.details = fields;
    out.message = fields.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; ');
  } else if (isRecord(detail)) {
    out.message = typeof detail.message === 'string' ? detail.message : JSON.stringify(detail).slice(0, 300);
    if (typeof detail.code === 'string') out.code = detail.code;
  }
  if (!out.message && typeof body.message === 'string') out.message = body.message;
  return out;
}

export interface ResponseErrorInit {
  platform: PlatformName;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bodyText: string;
  method: string;
  path: string;
}

function header(headers: ResponseErrorInit['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function requestIdFrom(headers: ResponseErrorInit['headers']): string | undefined {
  for (const name of ['x-request-id', 'request-id', 'x-amzn-requestid', 'cf-ray']) {
    const value = header(headers, name);
    if (value) return value;
  }
  return undefined;
}

/** The one factory that turns a non-2xx response into a PlatformError. */
export function errorFromResponse(init: ResponseErrorInit): PlatformError {
  if (init.status >= 300 && init.status < 400) return redirectError(init);
  const detail = extractErrorDetail(init.bodyText);
  const retryAfterMs = parseRetryAfter(header(init.headers, 'retry-after'));
  return new PlatformError({
    kind: kindForStatus(init.status),
    platform: init.platform,
    status: init.status,
    message: detail.message ?? STATUS_CODES[init.status] ?? `HTTP ${init.status}`,
    code: detail.code,
    requestId: detail.requestId ?? requestIdFrom(init.headers),
    retryAfterMs,
    method: init.method,
    path: init.path,
    details: detail.details,
    body: parseJson(scrubSecrets(init.bodyText)),
    rateLimit: rateLimitFrom(init.headers),
  });
}

/**
 * A 3xx is never followed (it would resend the key to wherever it points, and a 301/302 turns a
 * POST into a body-less GET) and never read as success: it names the Location instead.
 */
function redirectError(init: ResponseErrorInit): PlatformError {
  const location = header(init.headers, 'location');
  return new PlatformError({
    kind: 'network',
    platform: init.platform,
    status: init.status,
    code: 'redirect',
    message: `the platform redirected ${init.method} ${init.path} to ${location?.slice(0, 300) ?? '(no Location header)'}; redirects are not followed. A missing trailing slash in the path or the base URL is the usual cause, or the base URL points at the wrong host or version`,
    requestId: requestIdFrom(init.headers),
    method: init.method,
    path: init.path,
  });
}

/** The `x-ratelimit-limit`, `-remaining` and `-reset` headers, when present. */
export function rateLimitFrom(headers: ResponseErrorInit['headers']): RateLimitInfo | undefined {
  const read = (name: string) => {
    const value = Number(header(headers, `x-ratelimit-${name}`));
    return Number.isFinite(value) && header(headers, `x-ratelimit-${name}`) !== undefined ? value : undefined;
  };
  const info = { limit: read('limit'), remaining: read('remaining'), reset: read('reset') };
  return Object.values(info).some((v) => v !== undefined) ? info : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
