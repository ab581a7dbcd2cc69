import { setTimeout as delay } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { USER_AGENT } from '../version.js';
import { errorFromResponse, PlatformError, type PlatformName, requestIdFrom } from './errors.js';
import { exchange } from './exchange.js';
import type { Logger } from './log.js';
import { readAll } from './read-all.js';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error goes back with retryAfterMs. */
  maxRetryAfterMs: number;
}
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 4000,
  maxRetryAfterMs: 10_000,
};

export interface HttpClientOptions {
  platform: PlatformName;
  /** Origin plus an optional path prefix, e.g. https://api-be.atthene.com/api/v1 */
  baseUrl: string;
  /** Sent on every request (auth headers: never logged). */
  headers?: Record<string, string>;
  userAgent?: string;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  maxResponseBytes?: number;
  retry?: Partial<RetryPolicy>;
  /** Injected transport; by default one keep-alive Pool for the base URL's origin, owned here. */
  dispatcher?: Dispatcher;
  logger?: Logger;
  random?: () => number;
}

export type QueryValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | ReadonlyArray<string | number | boolean>;
export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  method: Method;
  /** Built with the `path` tag so ids are encoded. */
  path: string;
  /** null/undefined omitted; arrays become repeated keys (a=1&a=2). */
  query?: Record<string, QueryValue>;
  json?: unknown;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  accept?: string;
  signal?: AbortSignal | undefined;
  headersTimeoutMs?: number;
  /** 0 disables the body timeout (a stream that stays open while quiet). */
  bodyTimeoutMs?: number;
  /** 'idempotent' lets a POST the API documents as a read be retried like a GET. */
  retry?: 'default' | 'never' | 'idempotent';
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  data: T;
  requestId?: string;
  attempts: number;
}

export interface StreamResponse {
  status: number;
  headers: Record<string, string>;
  requestId?: string;
  body: AsyncIterable<Uint8Array>;
  close(): void;
}

export class InvalidPathParamError extends TypeError {
  override name = 'InvalidPathParamError';
}

/**
 * Tagged template for request paths: every interpolated value is one encoded path segment, so an
 * id can never add a segment, a query or a fragment. Empty, `.`/`..` and control characters are
 * refused outright (openai-node `internal/utils/path.ts` does the same).
 */
export function path(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    const raw = String(values[i]);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    if (raw === '' || raw === '.' || raw === '..' || /[\u0000-\u001f\u007f]/.test(raw)) {
      throw new InvalidPathParamError(
        `path parameter must not be empty, '.', '..' or contain control characters`,
      );
    }
    out += encodeURIComponent(raw) + strings[i + 1];
  }
  return out;
}

const IDEMPOTENT = new Set<Method>(['GET', 'HEAD', 'PUT', 'DELETE']);
const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
// Failures before the request left this machine: safe to retry whatever the method.
const NOT_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN']);

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  // Keys, not entries: no pair array per header of every answer.
  for (const key of Object.keys(headers)) {
    const value = headers[key];
    if (value !== undefined) out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * Listens for errors on a stream body from the moment it opens and returns its close(). The body
 * is read lazily (through #guard), so until then nothing else listens; undici's destroy() before
 * the end emits RequestAbortedError, which with no listener is an uncaught exception that ends the
 * process. Errors still reach a reader: the body is then errored and its iterator throws.
 */
function closer(body: Dispatcher.ResponseData['body']): () => void {
  body.on('error', () => {});
  return () => {
    try {
      body.destroy();
    } catch {
      // Closing is best effort: the stream is being dropped either way.
    }
  };
}

export class HttpClient {
  readonly platform: PlatformName;
  readonly baseUrl: string;
  readonly #origin: string;
  readonly #prefix: string;
  #dispatcher: Dispatcher | undefined;
  readonly #ownsDispatcher: boolean;
  readonly #headers: Record<string, string>;
  readonly #retry: RetryPolicy;
  readonly #options: HttpClientOptions;

  constructor(options: HttpClientOptions) {
    const url = new URL(options.baseUrl);
    this.platform = options.platform;
    this.baseUrl = options.baseUrl;
    this.#origin = url.origin;
    this.#prefix = url.pathname.replace(/\/+$/, '');
    this.#options = options;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#headers = {
      'user-agent': options.userAgent ?? USER_AGENT,
      ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    };
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher;
  }

  // Not async: #withRetry returns a promise already, and an async function adopting it costs ticks.
  request<T = unknown>(options: RequestOptions): Promise<HttpResponse<T>> {
    return this.#withRetry(options, async (attempt) => {
      const dispatcher = this.#dispatcher ?? (await this.#createPool());
      const answer = await exchange(
        dispatcher,
        this.#dispatchOptions(options),
        this.#limit,
        () => this.#tooLarge(options),
        options.signal,
      );
      const text = answer.body.toString('utf8');
      const headers = flatten(answer.headers);
      // A 3xx is an error too (redirects are not followed; see errorFromResponse).
      if (answer.status >= 300) throw this.#errorFrom(answer.status, headers, text, options);
      return {
        status: answer.status,
        headers,
        data: this.#parse(text, headers, options) as T,
        requestId: requestIdFrom(headers),
        attempts: attempt,
      };
    });
  }

  /** Opens a streaming response (SSE). Only the connect/headers phase is retried. The caller closes it. */
  async stream(options: RequestOptions): Promise<StreamResponse> {
    return this.#withRetry(options, async () => {
      const response = await this.#send(options);
      const headers = flatten(response.headers);
      if (response.statusCode >= 300) {
        const text = await this.#readBody(response.body, options);
        throw this.#errorFrom(response.statusCode, headers, text, options);
      }
      return {
        status: response.statusCode,
        headers,
        requestId: requestIdFrom(headers),
        body: this.#guard(response.body, options),
        close: closer(response.body),
      };
    });
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher?.close();
  }

  async #withRetry<R>(options: RequestOptions, run: (attempt: number) => Promise<R>): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        const result = await run(attempt);
        this.#log(options, attempt, started, 'ok');
        return result;
      } catch (caught) {
        const error = this.#toPlatformError(caught, options);
        this.#log(options, attempt, started, error.status ?? error.kind, error.requestId);
        if (
          error.kind === 'cancelled' ||
          attempt >= this.#retry.maxAttempts ||
          !this.#shouldRetry(options, error, caught)
        ) {
          throw error;
        }
        const backoff =
          this.#random() * Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
        const wait = error.retryAfterMs ?? backoff;
        if (wait > this.#retry.maxRetryAfterMs) throw error;
        try {
          await delay(wait, undefined, { signal: options.signal ?? undefined });
        } catch {
          throw this.#cancelled(options);
        }
      }
    }
  }

  #shouldRetry(options: RequestOptions, error: PlatformError, caught: unknown): boolean {
    if (options.retry === 'never') return false;
    const code =
      (caught as { code?: string; cause?: { code?: string } })?.code ??
      (caught as { cause?: { code?: string } })?.cause?.code;
    if (error.kind === 'network' && code && NOT_SENT.has(code)) return true;
    const idempotent = options.retry === 'idempotent' || IDEMPOTENT.has(options.method);
    if (error.status !== undefined)
      return error.status === 429 || (idempotent && RETRY_STATUS.has(error.status));
    // Network failures and timeouts may have reached the server: only idempotent requests go again.
    return idempotent && (error.kind === 'network' || error.kind === 'timeout');
  }

  /** undici loads on the first request, not at start-up (it is a fifth of the start-up time). */
  async #createPool(): Promise<Dispatcher> {
    const { Pool } = await import('./undici-pool.js');
    this.#dispatcher ??= new Pool(this.#origin, {
      connect: { timeout: this.#options.connectTimeoutMs ?? 10_000 },
      headersTimeout: this.#options.headersTimeoutMs ?? 30_000,
      bodyTimeout: this.#options.bodyTimeoutMs ?? 30_000,
      keepAliveTimeout: 4_000,
    });
    return this.#dispatcher;
  }

  async #send(options: RequestOptions): Promise<Dispatcher.ResponseData> {
    const dispatcher = this.#dispatcher ?? (await this.#createPool());
    return dispatcher.request({ ...this.#dispatchOptions(options), signal: options.signal ?? undefined });
  }

  #dispatchOptions(options: RequestOptions): Dispatcher.DispatchOptions {
    // The spread last: properties after a spread take V8's slow path (Node 20), on every request.
    // The client's own headers never carry accept (they are user-agent and credentials).
    const headers: Record<string, string> = {
      accept: options.accept ?? 'application/json',
      ...this.#headers,
    };
    let body: string | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    } else if (options.body !== undefined) {
      body = options.body;
      headers['content-type'] = options.contentType ?? 'text/plain';
    }
    for (const [key, value] of Object.entries(options.headers ?? {})) headers[key.toLowerCase()] = value;
    const request: Dispatcher.DispatchOptions = {
      origin: this.#origin,
      path: `${this.#prefix}${options.path}${buildQuery(options.query)}`,
      method: options.method,
      headers,
      body,
    };
    if (options.headersTimeoutMs !== undefined) request.headersTimeout = options.headersTimeoutMs;
    if (options.bodyTimeoutMs !== undefined) request.bodyTimeout = options.bodyTimeoutMs;
    return request;
  }

  get #limit(): number {
    return this.#options.maxResponseBytes ?? 5 * 1024 * 1024;
  }

  #tooLarge(options: RequestOptions): PlatformError {
    return new PlatformError({
      kind: 'server',
      platform: this.platform,
      code: 'response_too_large',
      message: `response body exceeded ${this.#limit} bytes and was cut off`,
      method: options.method,
      path: options.path,
    });
  }

  async #readBody(body: Dispatcher.ResponseData['body'], options: RequestOptions): Promise<string> {
    return (await readAll(body, this.#limit, () => this.#tooLarge(options))).toString('utf8');
  }

  #parse(text: string, headers: Record<string, string>, options: RequestOptions): unknown {
    if (text === '') return undefined;
    const type = headers['content-type'] ?? '';
    const wantsJson = (options.accept ?? 'application/json').includes('json');
    // A proxy's HTML page or a captive portal answering 200 is not data: report it, do not parse it.
    if (wantsJson && type !== '' && !type.includes('json') && !/^\s*[[{]/.test(text)) {
      throw new PlatformError({
        kind: 'server',
        platform: this.platform,
        code: 'unexpected_content_type',
        message: `the platform answered with ${type.split(';')[0]} where JSON was expected`,
        method: options.method,
        path: options.path,
      });
    }
    if (type.includes('json') || /^\s*[[{]/.test(text)) {
      try {
        return JSON.parse(text);
      } catch (cause) {
        if (!type.includes('json')) return text;
        throw new PlatformError({
          kind: 'server',
          platform: this.platform,
          code: 'invalid_json',
          message: 'the platform answered with invalid JSON',
          method: options.method,
          path: options.path,
          cause,
        });
      }
    }
    return text;
  }

  /** Iterates a stream body, turning abort and socket errors into PlatformErrors. */
  async *#guard(body: AsyncIterable<Uint8Array>, options: RequestOptions): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of body) yield chunk;
    } catch (caught) {
      throw this.#toPlatformError(caught, options);
    }
  }

  #errorFrom(
    status: number,
    headers: Record<string, string>,
    bodyText: string,
    options: RequestOptions,
  ): PlatformError {
    return errorFromResponse({
      platform: this.platform,
      status,
      headers,
      bodyText,
      method: options.method,
      path: options.path,
    });
  }

  #cancelled(options: RequestOptions): PlatformError {
    return new PlatformError({
      kind: 'cancelled',
      platform: this.platform,
      message: 'the request was cancelled',
      method: options.method,
      path: options.path,
    });
  }

  #toPlatformError(caught: unknown, options: RequestOptions): PlatformError {
    if (caught instanceof PlatformError) return caught;
    if (options.signal?.aborted) return this.#cancelled(options);
    const err = caught as { code?: string; message?: string; cause?: { code?: string } };
    const code = err?.code ?? err?.cause?.code ?? 'UNKNOWN';
    const base = {
      platform: this.platform,
      method: options.method,
      path: options.path,
      cause: caught,
    } as const;
    const seconds = (ms: number | undefined) => `${Math.round((ms ?? 30_000) / 100) / 10} s`;
    switch (code) {
      case 'UND_ERR_CONNECT_TIMEOUT':
        return new PlatformError({
          ...base,
          kind: 'timeout',
          message: `connecting to ${this.#origin} timed out after ${seconds(this.#options.connectTimeoutMs ?? 10_000)}`,
        });
      case 'UND_ERR_HEADERS_TIMEOUT':
        return new PlatformError({
          ...base,
          kind: 'timeout',
          message: `no response from ${this.#origin} within ${seconds(options.headersTimeoutMs ?? this.#options.headersTimeoutMs)}`,
        });
      case 'UND_ERR_BODY_TIMEOUT':
        return new PlatformError({
          ...base,
          kind: 'timeout',
          message: `the response body from ${this.#origin} stalled for ${seconds(options.bodyTimeoutMs ?? this.#options.bodyTimeoutMs)}`,
        });
      default:
        return new PlatformError({
          ...base,
          kind: 'network',
          message: `could not complete the request to ${this.#origin} (${code})`,
        });
    }
  }

  #random(): number {
    return (this.#options.random ?? Math.random)();
  }

  #log(
    options: RequestOptions,
    attempt: number,
    started: number,
    outcome: string | number,
    requestId?: string,
  ): void {
    // Checked first: the line's object is built for every request otherwise, at any level.
    const logger = this.#options.logger;
    if (!logger?.isLevelEnabled('debug')) return;
    logger.debug(
      {
        platform: this.platform,
        method: options.method,
        path: options.path,
        attempt,
        outcome,
        ms: Math.round(performance.now() - started),
        ...(requestId ? { requestId } : {}),
      },
      'platform request',
    );
  }
}
