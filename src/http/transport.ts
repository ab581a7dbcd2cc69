import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
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
    const response = await webOf(this).handleRequest(requestView(req, parsedBody), {
      authInfo: req.auth,
      parsedBody,
    });
    await writeResponse(response, res);
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
