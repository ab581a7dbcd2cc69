import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PlatformName } from '../errors.js';
import type { Logger } from '../log.js';
import { FaultInjector, type FaultOptions } from './faults.js';

// A tiny node:http framework each platform emulator is built on: routing with `:params`, request
// recording for wire assertions, connection and stream counts, platform-shaped errors, faults.

export interface EmulatorRequest {
  method: string;
  /** Decoded path, e.g. /api/v1/chat/threads/abc/events */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  bodyText: string;
  json?: unknown;
  /** Aborted when the client disconnects. */
  signal: AbortSignal;
}

export interface JsonResponse {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}
export interface StreamingResponse {
  status: number;
  headers: Record<string, string>;
  /** Writes until `signal` aborts (client gone or emulator closing). */
  stream: (write: (chunk: string) => boolean, signal: AbortSignal) => Promise<void>;
}
export type EmulatorResponse = JsonResponse | StreamingResponse;
export type Handler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;
/** Answers what no route matches (the spec-driven responder), or undefined for the usual 404/405. */
export interface Fallback {
  (req: EmulatorRequest): EmulatorResponse | undefined;
  /** The path template segments of the document's operation for this request, if it declares one. */
  declared?(method: string, path: string): string[] | undefined;
  /** Whether the document's operation for this request needs no credentials (`security: []`). */
  isPublic?(req: EmulatorRequest): boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Exactly as received, before any decoding (with the query). */
  rawPath: string;
  query: Record<string, string[]>;
  headers: IncomingHttpHeaders;
  bodyText: string;
  json?: unknown;
  time: number;
  /** What the emulator answered (JSON and text responses; a stream records only its status). */
  response?: { status: number; json?: unknown };
}

export type ErrorCase =
  | 'not_found'
  | 'method_not_allowed'
  | 'server_error'
  | 'rate_limited'
  | 'too_large'
  | 'bad_json';

export interface EmulatorOptions {
  platform: PlatformName;
  /** The platform's own error body for a case (each platform has its shape). */
  errorBody: (status: number, errorCase: ErrorCase, message: string) => unknown;
  authenticate?: (req: EmulatorRequest) => EmulatorResponse | null;
  /** Django answers a path without its trailing slash with a 301 to the slashed path. */
  redirectToSlash?: boolean;
  faults?: FaultOptions;
  logger?: Logger;
  maxBodyBytes?: number;
  /** The platform's answer to a request the API document refuses (the catalog's spec-driven responder). */
  invalidRequest?: (violations: Array<{ loc: string[]; msg: string }>) => EmulatorResponse;
  /** The platform's answer to a JSON body that does not parse (default: 400 with `errorBody`). */
  badJson?: (req: EmulatorRequest) => EmulatorResponse;
}

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
  public: boolean;
}

function splitPath(path: string): string[] {
  return path.split('/').slice(1);
}

/** How many segments of a pattern are literal (neither `:name` nor `{name}`). */
const literals = (segments: string[]) => segments.filter((s) => !/^[:{]/.test(s)).length;

/** The newest requests kept for wire assertions; older ones drop off so a long run stays bounded. */
export const MAX_RECORDED_REQUESTS = 1000;

export class Emulator {
  readonly requests: RecordedRequest[] = [];
  /** Every request ever received, including the ones no longer in `requests`. */
  received = 0;
  readonly stats = { handled: 0, faulted: { error: 0, rateLimited: 0, dropped: 0 } };
  readonly #routes: Route[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #streams = new Set<AbortController>();
  readonly #sentJson = new WeakMap<ServerResponse, unknown>();
  #fallback: Fallback | Promise<Fallback> | undefined;
  #faults: FaultInjector;
  #server = createServer((req, res) => void this.#handle(req, res));
  #origin = '';

  constructor(readonly options: EmulatorOptions) {
    this.#faults = new FaultInjector(options.faults);
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  get platform(): PlatformName {
    return this.options.platform;
  }

  /** The emulator's origin, e.g. http://127.0.0.1:41234 (after listen). */
  get origin(): string {
    return this.#origin;
  }

  route(method: string, pattern: string, handler: Handler, options: { public?: boolean } = {}): void {
    this.#routes.push({ method, segments: splitPath(pattern), handler, public: options.public ?? false });
  }

  /** Serves requests no route matches (src/core/catalog/responder.ts); authenticated like a route. */
  /** A fallback still loading (a promise) is awaited by the first request that needs it. */
  setFallback(fallback: Fallback | Promise<Fallback> | undefined): void {
    this.#fallback = fallback;
  }

  setFaults(faults: FaultOptions | undefined): void {
    this.#faults = new FaultInjector(faults);
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  openConnections(): number {
    return this.#sockets.size;
  }

  openStreams(): number {
    return this.#streams.size;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#origin = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.#origin;
  }

  async close(): Promise<void> {
    for (const stream of this.#streams) stream.abort();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    // The server reports closed before its destroyed sockets emit 'close' (and `socket.closed` turns
    // true before that event too); a socket leaves the set only on 'close', so wait for each one.
    const socketsClosed = [...this.#sockets].map(
      (socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())),
    );
    for (const socket of this.#sockets) socket.destroy();
    await Promise.all([closed, ...socketsClosed]);
  }

  #match(
    method: string,
    rawPath: string,
  ): { route?: Route; params: Record<string, string>; pathMatched: boolean } {
    const segments = splitPath(rawPath);
    let pathMatched = false;
    let best: { route: Route; params: Record<string, string> } | undefined;
    for (const route of this.#routes) {
      if (route.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const ok = route.segments.every((part, i) => {
        const actual = segments[i] ?? '';
        if (part.startsWith(':')) {
          if (actual === '') return false;
          try {
            params[part.slice(1)] = decodeURIComponent(actual);
          } catch {
            return false;
          }
          return true;
        }
        return part === actual;
      });
      if (!ok) continue;
      pathMatched = true;
      // A literal segment beats a parameter (`/sessions/from-agent/` before `/sessions/:id/`).
      if (route.method === method && (!best || literals(route.segments) > literals(best.route.segments)))
        best = { route, params };
    }
    return best ? { ...best, pathMatched } : { params: {}, pathMatched };
  }

  /**
   * Whether the document declares a more literal operation than the curated route that matched
   * (`/world/entities/duplicates` is not `/world/entities/:entity_id`): then the fallback answers.
   */
  async #declaredWins(route: Route, method: string, path: string): Promise<boolean> {
    if (!this.#fallback || !route.segments.some((s) => s.startsWith(':'))) return false;
    const fallback = await Promise.resolve(this.#fallback).catch(() => undefined);
    const declared = fallback?.declared?.(method, path);
    if (!declared) return false;
    const tail = route.segments.slice(-declared.length);
    return literals(declared) > literals(tail);
  }

  #error(
    res: ServerResponse,
    status: number,
    errorCase: ErrorCase,
    message: string,
    headers: Record<string, string> = {},
  ): void {
    this.#send(res, { status, json: this.options.errorBody(status, errorCase, message), headers });
  }

  #send(res: ServerResponse, response: JsonResponse): void {
    if (res.headersSent || res.destroyed) return;
    const headers = { 'x-request-id': `sbx-${Math.random().toString(36).slice(2, 10)}`, ...response.headers };
    if (response.json !== undefined) {
      res.writeHead(response.status, { 'content-type': 'application/json', ...headers });
      this.#sentJson.set(res, response.json);
      res.end(JSON.stringify(response.json));
    } else {
      res.writeHead(response.status, { 'content-type': 'text/plain', ...headers });
      res.end(response.text ?? '');
    }
  }

  /**
   * The body as text; `too_large` past the cap (the rest is drained unread so the client can see the
   * 413), `gone` when the client disconnected before sending all of it.
   */
  #readBody(req: IncomingMessage): Promise<string | 'too_large' | 'gone'> {
    const limit = this.options.maxBodyBytes ?? 1024 * 1024;
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limit) {
          chunks.push(chunk);
          return;
        }
        req.off('data', onData);
        req.resume();
        resolve('too_large');
      };
      req.on('data', onData);
      req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      // After 'end' these are no-ops: a promise settles once.
      req.once('error', () => resolve('gone'));
      req.once('close', () => resolve(req.complete ? Buffer.concat(chunks).toString('utf8') : 'gone'));
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A handler failure is answered inside; anything that escapes must not take the process down.
    try {
      await this.#serve(req, res);
    } catch (error) {
      this.options.logger?.error({ err: error, path: req.url }, 'sandbox request failed');
      if (!res.headersSent) this.#error(res, 500, 'server_error', 'Internal sandbox error');
      else res.destroy();
    }
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, 'http://sandbox');
    const rawPath = rawUrl.split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    const body = await this.#readBody(req);
    if (body === 'gone') return;
    const bodyText = body === 'too_large' ? undefined : body;
    const json = bodyText && /json/.test(req.headers['content-type'] ?? '') ? parseJson(bodyText) : undefined;
    this.#record(req, res, { method, rawPath, rawUrl, url, bodyText, json });
    if (bodyText === undefined) {
      // Close afterwards: the unread rest of the body must not be parsed as a next request.
      return this.#error(res, 413, 'too_large', 'Request body too large', { connection: 'close' });
    }
    const matched = this.#match(method, rawPath);
    const { params, pathMatched } = matched;
    const route =
      matched.route && !(await this.#declaredWins(matched.route, method, safeDecode(rawPath)))
        ? matched.route
        : undefined;
    if (await this.#injectFault(req, res, rawPath)) return;
    if (!route && !pathMatched && this.options.redirectToSlash && !rawPath.endsWith('/')) {
      if (this.#match(method, `${rawPath}/`).pathMatched) {
        res.writeHead(301, { location: `${rawPath}/${url.search}` });
        res.end();
        return;
      }
    }
    const controller = new AbortController();
    // Only a client that goes away before the answer is complete aborts the handler.
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const request: EmulatorRequest = {
      method,
      path: safeDecode(rawPath),
      params,
      query: url.searchParams,
      headers: req.headers,
      bodyText,
      ...(json === undefined ? {} : { json }),
      signal: controller.signal,
    };
    // The fallback is pure: its answer is computed first and sent only past authentication.
    const responder = route ? undefined : await this.#fallback;
    const fallback = responder?.(request);
    if (fallback) {
      const open = responder?.isPublic?.(request) ?? false;
      return this.#answer(res, { method, segments: [], handler: () => fallback, public: open }, request);
    }
    if (!route) {
      if (pathMatched) return this.#error(res, 405, 'method_not_allowed', `Method ${method} not allowed`);
      return this.#error(res, 404, 'not_found', 'Not found');
    }
    await this.#answer(res, route, request);
  }

  /** Keeps the request (bounded) with the answer it got, for tests to assert on the wire. */
  #record(
    req: IncomingMessage,
    res: ServerResponse,
    seen: { method: string; rawPath: string; rawUrl: string; url: URL; bodyText?: string; json: unknown },
  ): void {
    const query: Record<string, string[]> = {};
    for (const [key, value] of seen.url.searchParams) query[key] = [...(query[key] ?? []), value];
    this.received++;
    if (this.requests.length >= MAX_RECORDED_REQUESTS) this.requests.shift();
    const record: RecordedRequest = {
      method: seen.method,
      path: safeDecode(seen.rawPath),
      rawPath: seen.rawUrl,
      query,
      headers: req.headers,
      bodyText: seen.bodyText ?? '',
      ...(seen.json === undefined ? {} : { json: seen.json }),
      time: Date.now(),
    };
    this.requests.push(record);
    res.once('finish', () => {
      const sent = this.#sentJson.get(res);
      record.response = { status: res.statusCode, ...(sent === undefined ? {} : { json: sent }) };
    });
  }

  /** Applies the seeded fault for this request; true when it answered (or dropped) it. */
  async #injectFault(req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<boolean> {
    const isHealth = /\/health\/?$/.test(rawPath);
    if (isHealth && !this.#faults.options.includeHealth) return false;
    const fault = this.#faults.decide();
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (fault.kind === 'drop') {
      this.stats.faulted.dropped++;
      req.socket.destroy();
      return true;
    }
    if (fault.kind === 'error') {
      this.stats.faulted.error++;
      this.#error(res, fault.status, 'server_error', 'Injected sandbox failure');
      return true;
    }
    if (fault.kind === 'rate_limited') {
      this.stats.faulted.rateLimited++;
      this.#error(res, 429, 'rate_limited', 'Too many requests (injected)', {
        'retry-after': String(fault.retryAfterSeconds),
      });
      return true;
    }
    return false;
  }

  async #answer(res: ServerResponse, route: Route, request: EmulatorRequest): Promise<void> {
    try {
      if (!route.public && this.options.authenticate) {
        const denied = this.options.authenticate(request);
        if (denied) return this.#respond(res, denied);
      }
      if (
        request.bodyText &&
        /json/.test(request.headers['content-type'] ?? '') &&
        request.json === undefined
      ) {
        if (this.options.badJson) return this.#respond(res, this.options.badJson(request));
        return this.#error(res, 400, 'bad_json', 'Request body is not valid JSON');
      }
      this.stats.handled++;
      await this.#respond(res, await route.handler(request));
    } catch (error) {
      this.options.logger?.error({ err: error, path: request.path }, 'sandbox handler failed');
      this.#error(res, 500, 'server_error', 'Internal sandbox error');
    }
  }

  async #respond(res: ServerResponse, response: EmulatorResponse): Promise<void> {
    if (!('stream' in response)) return this.#send(res, response);
    const controller = new AbortController();
    this.#streams.add(controller);
    res.once('close', () => controller.abort());
    res.writeHead(response.status, response.headers);
    res.flushHeaders();
    try {
      await response.stream((chunk) => (res.destroyed ? false : res.write(chunk)), controller.signal);
    } finally {
      this.#streams.delete(controller);
      if (!res.destroyed) res.end();
    }
  }
}

/** Builds an emulator; each platform passes its own error shape and authentication. */
export function createEmulator(options: EmulatorOptions): Emulator {
  return new Emulator(options);
}

/** The JSON of a body, or undefined when it is not JSON (the handler decides what to answer). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
