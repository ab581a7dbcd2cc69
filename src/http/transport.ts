import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import {
  DEFAULT_NEGOTIATED_PROTOCOL_VERSION,
  isJSONRPCRequest,
  type JSONRPCMessage,
  JSONRPCMessageSchema,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { messageJson } from './support.js';

// The SDK's Node transport converts each request to a web Request and writes the web Response
// back through @hono/node-server. Issue #15 measured what that costs a tool call over loopback:
// from protocol 2025-11-25 the SDK opens every POST's stream with a priming event, and the adapter
// then either waited a timer for a second chunk or (streams marked chunked) flushed the headers,
// the priming event, the answer and the end of the stream in writes of their own: four system
// calls where one does. This transport hands the SDK's web-standard transport a view of the Node
// request, and writes the answer itself: the headers, a priming event held until the answer comes
// (or HOLD_MS passes), the answer and the end of the stream leave in one write.

/** How long an event stream's headers and priming event wait to leave with the first event. */
export const HOLD_MS = 50;

type Web = WebStandardStreamableHTTPServerTransport;

export class HttpTransport extends StreamableHTTPServerTransport {
  constructor(options: ConstructorParameters<typeof StreamableHTTPServerTransport>[0]) {
    super(options);
    // The SDK serialises each message for the event store, then again for the stream: the stream
    // takes the store's JSON (messageJson). The same event text as the SDK's writeSSEEvent, which
    // test/http-transport.test.ts checks is still the method the SDK calls.
    const web = webOf(this) as unknown as { writeSSEEvent: WriteEvent; onerror?: (e: Error) => void };
    web.writeSSEEvent = (controller, _encoder, message, eventId) => {
      try {
        const id = eventId ? `id: ${eventId}\n` : '';
        controller.enqueue(Buffer.from(`event: message\n${id}data: ${messageJson(message)}\n\n`));
        return true;
      } catch (error) {
        web.onerror?.(error as Error);
        return false;
      }
    };
  }

  override async handleRequest(
    req: IncomingMessage & { auth?: AuthInfo },
    res: ServerResponse,
    parsedBody?: unknown,
  ): Promise<void> {
    const view = requestView(req, parsedBody);
    const web = webOf(this);
    if (parsedBody !== undefined && req.method === 'POST' && servePost(web, view, res, parsedBody, req.auth))
      return;
    await writeResponse(await web.handleRequest(view, { authInfo: req.auth, parsedBody }), res);
  }
}

/** The parts of the SDK's web-standard transport servePost works with (private in its types). */
interface WebInternals {
  _closed: boolean;
  _enableJsonResponse: boolean;
  _initialized: boolean;
  _hasHandledRequest: boolean;
  sessionIdGenerator?: () => string;
  _streamMapping: Map<string, { controller?: unknown; encoder?: unknown; cleanup: () => void }>;
  _requestToStreamMapping: Map<RequestId, string>;
  _resumableStreams: Set<string>;
  _eventStore?: unknown;
  validateRequestHeaders(req: Request): Response | undefined;
  validateSession(req: Request): Response | undefined;
  validateProtocolVersion(req: Request): Response | undefined;
  writePrimingEvent(
    controller: EventPipe,
    encoder: unknown,
    streamId: string,
    version: string,
  ): Promise<void>;
  startKeepAlive(controller: EventPipe, encoder: unknown): ReturnType<typeof setInterval> | undefined;
  closeSSEStream(id: RequestId): void;
  closeStandaloneSSEStream(): void;
  createJsonErrorResponse(status: number, code: number, message: string, options?: unknown): Response;
  onmessage?: (message: JSONRPCMessage, extra: unknown) => void;
  onerror?: (error: Error) => void;
}

const INTERNALS = [
  'validateRequestHeaders',
  'validateSession',
  'validateProtocolVersion',
  'writePrimingEvent',
  'startKeepAlive',
  'closeSSEStream',
  'closeStandaloneSSEStream',
  'createJsonErrorResponse',
] as const;

/** Whether this SDK's transport still has what servePost relies on (else every POST goes to the SDK). */
export function sdkInternalsPresent(web: unknown): boolean {
  const w = web as Partial<WebInternals>;
  return (
    INTERNALS.every((name) => typeof w[name] === 'function') &&
    w._streamMapping instanceof Map &&
    w._requestToStreamMapping instanceof Map &&
    w._resumableStreams instanceof Set &&
    typeof w._closed === 'boolean' &&
    typeof w._initialized === 'boolean' &&
    typeof w._hasHandledRequest === 'boolean'
  );
}

let internalsChecked: boolean | undefined;
const ENCODER = new TextEncoder();

/**
 * A POST of one request (not initialize) on an initialized session (or stateless), served as the SDK's
 * handlePostRequest serves it (the same checks in the same order, the same stream registration,
 * priming event, keep-alive and cleanup), but with its event stream written straight to the Node
 * response through an EventPipe instead of a web ReadableStream wrapped in a Response and read
 * back: a tenth of a tool call's server CPU in bench/ (issue #15). Anything else (batches,
 * notifications, initialize, a header or body the SDK would refuse) returns false and goes to
 * the SDK, which answers it as always.
 */
function servePost(
  webTransport: Web,
  view: Request,
  res: ServerResponse,
  body: unknown,
  authInfo: AuthInfo | undefined,
): boolean {
  const web = webTransport as unknown as WebInternals;
  internalsChecked ??= sdkInternalsPresent(web);
  // A session not initialized yet, or a stateless transport used twice: the SDK's refusals.
  const unready = web.sessionIdGenerator ? !web._initialized : web._hasHandledRequest;
  if (!internalsChecked || web._closed || web._enableJsonResponse || unready) return false;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  if ((body as { method?: unknown }).method === 'initialize') return false;
  if (web.validateRequestHeaders(view)) return false;
  const accept = view.headers.get('accept');
  if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) return false;
  if (!isJsonContentType(view.headers.get('content-type'))) return false;
  const parsed = JSONRPCMessageSchema.safeParse(body);
  if (!parsed.success || !isJSONRPCRequest(parsed.data)) return false;
  const message = parsed.data;
  web._hasHandledRequest = true;
  const refusal = web.validateSession(view) ?? web.validateProtocolVersion(view);
  if (refusal) {
    writeResponse(refusal, res).catch(reportTo(web));
    return true;
  }
  const requestInfo = { headers: Object.fromEntries(view.headers.entries()), url: new URL(view.url) };
  const streamId = randomUUID();
  const version = view.headers.get('mcp-protocol-version') ?? DEFAULT_NEGOTIATED_PROTOCOL_VERSION;
  const headers: Record<string, string> = {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  };
  const sessionId = (webTransport as { sessionId?: string }).sessionId;
  if (sessionId !== undefined) headers['mcp-session-id'] = sessionId;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  const pipe = new EventPipe(res, headers, () => {
    // The SDK's cancel: the client went away.
    clearInterval(keepAlive);
    if (web._streamMapping.get(streamId)?.controller === pipe) web._streamMapping.delete(streamId);
  });
  const encoder = ENCODER;
  web._streamMapping.set(streamId, {
    controller: pipe,
    encoder,
    cleanup: () => {
      clearInterval(keepAlive);
      web._streamMapping.delete(streamId);
      pipe.close();
    },
  });
  web._requestToStreamMapping.set(message.id, streamId);
  const resumable = web._eventStore !== undefined && version >= '2025-11-25';
  const extra = {
    authInfo,
    requestInfo,
    closeSSEStream: resumable ? () => web.closeSSEStream(message.id) : undefined,
    closeStandaloneSSEStream: resumable ? () => web.closeStandaloneSSEStream() : undefined,
  };
  // As the SDK: a failure before the stream is handed out (the event store refused the priming
  // event, the session closed meanwhile) releases the stream and answers 400.
  const fail = (error: unknown) => {
    pipe.refuse(web.createJsonErrorResponse(400, -32700, 'Parse error', { data: String(error) }));
    web._streamMapping.get(streamId)?.cleanup();
    web._resumableStreams.delete(streamId);
    web._requestToStreamMapping.delete(message.id);
    web.onerror?.(error as Error);
  };
  web
    .writePrimingEvent(pipe, encoder, streamId, version)
    .then(() => {
      try {
        web.onmessage?.(message, extra);
      } catch (error) {
        return fail(error);
      }
      if (web._streamMapping.get(streamId)?.controller === pipe)
        keepAlive = web.startKeepAlive(pipe, encoder);
      // Where the SDK returned its Response: from here the stream is the client's.
      pipe.start();
    }, fail)
    // Nothing awaits this chain: an error in it is the transport's, never an unhandled rejection.
    .catch(reportTo(web));
  return true;
}

const reportTo = (web: WebInternals) => (error: unknown) => {
  web.onerror?.(error instanceof Error ? error : new Error(String(error)));
};

/**
 * What the SDK's stream controller is to handlePostRequest, writing to the Node response: events
 * that come in one turn of the event loop leave in one write, with the headers if they have not
 * left yet; a priming event alone waits up to HOLD_MS for the first event; close() ends the
 * response (in the same write as the last events). Until start() the stream is not handed out,
 * as the SDK's Response was not: nothing is written, a client going away is only noted, and a
 * close makes later events throw. After it, the client going away is the stream's cancel.
 */
export class EventPipe {
  readonly #res: ServerResponse;
  readonly #headers: Record<string, string>;
  readonly #onCancel: () => void;
  #pending: Uint8Array[] = [];
  #started = false;
  #gone = false;
  #closed = false;
  #flushing = false;
  /** From start() until the headers leave. */
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(res: ServerResponse, headers: Record<string, string>, onCancel: () => void) {
    this.#res = res;
    this.#headers = headers;
    this.#onCancel = onCancel;
    res.once('close', () => {
      if (this.#closed) return;
      if (this.#started) this.#cancel();
      else this.#gone = true;
    });
  }

  /** What a ReadableStream's controller reports; the SDK does not read it. */
  get desiredSize(): number {
    return 1;
  }

  /** The stream is handed out: what came so far leaves now, or with the first event (HOLD_MS at most). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    if (this.#gone) {
      if (!this.#closed) this.#cancel();
      return;
    }
    if (this.#closed) {
      this.#flush();
      return;
    }
    // The headers (and a priming event) leave with the first event, or alone after HOLD_MS: a
    // client waits for them to know its request was taken.
    this.#timer = setTimeout(() => this.#flush(), HOLD_MS);
    if (
      this.#pending.length > 1 ||
      (this.#pending.length === 1 && !isPriming(this.#pending[0] as Uint8Array))
    )
      this.#schedule();
  }

  enqueue(chunk: Uint8Array): void {
    if (this.#closed) throw new TypeError('Invalid state: the event stream is closed');
    this.#pending.push(chunk);
    if (!this.#started) return;
    // A priming event alone waits for the first event (or the timer) with the headers.
    if (this.#timer !== undefined && this.#pending.length === 1 && isPriming(chunk)) return;
    this.#schedule();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#started && !this.#flushing) this.#flush();
  }

  error(): void {
    this.close();
  }

  /** The SDK refused the request after all: its JSON answer instead of a stream. */
  refuse(response: Response): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    const res = this.#res;
    if (!res.headersSent && !res.destroyed) writeResponse(response, res).catch(() => res.destroy());
    else if (!res.writableEnded) res.end();
  }

  #cancel(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#pending = [];
    this.#onCancel();
  }

  /** Events of this turn (an answer and the close right after it) leave together. */
  #schedule(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    this.#flushing = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const res = this.#res;
    if (res.destroyed || res.writableEnded) return;
    const chunks = this.#pending;
    this.#pending = [];
    if (!res.headersSent) res.writeHead(200, this.#headers);
    const data = chunks.length === 1 ? chunks[0] : chunks.length > 1 ? Buffer.concat(chunks) : undefined;
    if (this.#closed) res.end(data);
    else if (data) res.write(data);
    else res.flushHeaders();
  }
}

type WriteEvent = (
  controller: ReadableStreamDefaultController<Uint8Array>,
  encoder: { encode(text: string): Uint8Array },
  message: JSONRPCMessage,
  eventId?: string,
) => boolean;

/** The SDK keeps it private; test/http-transport.test.ts fails if the field ever goes away. */
const webOf = (transport: StreamableHTTPServerTransport) =>
  (transport as unknown as { _webStandardTransport: Web })._webStandardTransport;

/**
 * What the web-standard transport reads of a request: its method, URL and headers (the body comes
 * parsed). A real Request only when a body would have to be read, which our routes never leave
 * to the SDK; building one per call costs more than the rest of the conversion.
 */
export function requestView(req: IncomingMessage, parsedBody: unknown): Request {
  const url = `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
  if (parsedBody === undefined && req.method === 'POST')
    return new Request(url, { method: 'POST', headers: headersOf(req), body: null });
  const headers = {
    get: (name: string) => headerValue(req, name.toLowerCase()),
    entries: () =>
      Object.keys(req.headers)
        .map((name) => [name, headerValue(req, name)] as [string, string])
        .values(),
  };
  return { method: req.method ?? 'GET', url, headers } as unknown as Request;
}

function headerValue(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const name of Object.keys(req.headers)) headers.set(name, headerValue(req, name) ?? '');
  return headers;
}

/** The SDK's priming event: an id and empty data (webStandardStreamableHttp.js writePrimingEvent). */
const isPriming = (chunk: Uint8Array) => {
  const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
  return text.startsWith('id: ') && text.endsWith('data: \n\n') && !text.includes('event:');
};

/** Writes a web Response to a Node response; the stream is cancelled when the client goes away. */
export async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (!response.body) {
    res.writeHead(response.status, headers).end();
    return;
  }
  if (!headers['content-type']?.startsWith('text/event-stream')) {
    const body = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, { ...headers, 'content-length': String(body.length) }).end(body);
    return;
  }
  // Without a flush, Node sends the headers with the first chunk.
  res.writeHead(response.status, headers);
  await pipeEvents(response.body.getReader(), res);
}

async function pipeEvents(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  res: ServerResponse,
): Promise<void> {
  let held: Uint8Array | undefined;
  // The headers (and a priming event) wait for the first event at most HOLD_MS, then leave alone.
  const release = () => {
    if (res.writableEnded || res.destroyed) return;
    if (held) res.write(held);
    else res.flushHeaders();
    held = undefined;
  };
  const timer = setTimeout(release, HOLD_MS);
  const cancel = () => {
    clearTimeout(timer);
    reader.cancel().catch(() => {});
  };
  res.once('close', cancel);
  try {
    let next = reader.read();
    for (let first = true; ; first = false) {
      const { done, value } = await next;
      if (done || res.destroyed) break;
      next = reader.read();
      if (first && isPriming(value)) {
        held = value;
        continue;
      }
      clearTimeout(timer);
      const chunk = held ? Buffer.concat([held, value]) : value;
      held = undefined;
      // An answer that ends its stream: the chunk and the end of the stream in one write.
      const soon = await settledNow(next);
      if (res.destroyed) break;
      if (soon?.done) return void res.end(chunk);
      if (!res.write(chunk)) await drained(res);
      if (soon) next = Promise.resolve(soon);
    }
    clearTimeout(timer);
    // A stream cancelled because the client went away has nothing left to write to.
    if (!res.destroyed && !res.writableEnded) res.end(held);
  } finally {
    clearTimeout(timer);
    res.off('close', cancel);
  }
}

/**
 * The read's result if it is already settled (the stream closed right after its last event): a
 * settled promise's reaction runs before the continuation queued after it.
 */
async function settledNow<T>(promise: Promise<T>): Promise<T | undefined> {
  let settled: T | undefined;
  promise.then(
    (value) => {
      settled = value;
    },
    () => {},
  );
  await undefined;
  return settled;
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
