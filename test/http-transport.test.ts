import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EventPipe,
  HOLD_MS,
  HttpTransport,
  requestView,
  sdkInternalsPresent,
  writeResponse,
} from '../src/http/transport.js';

// src/http/transport.ts (issue #15): the answer to a tool call leaves in one write (headers, the
// priming event, the answer and the end of the stream), where the SDK's adapter made four; a
// stream whose first event is slow still gets its headers after HOLD_MS.

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

/** A loopback server answering with `respond`, counting the writes its responses make. */
async function serve(respond: (req: IncomingMessage, res: ServerResponse) => Promise<void>) {
  const writes: string[] = [];
  server = createServer((req, res) => {
    for (const method of ['write', 'end', 'flushHeaders'] as const) {
      const original = res[method].bind(res) as (...args: unknown[]) => unknown;
      (res as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        if (method !== 'end' || args.length > 0 || !writes.includes('end')) writes.push(method);
        return original(...args);
      };
    }
    void respond(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, writes };
}

const PRIMING = 'id: s1_0\ndata: \n\n';
const ANSWER = 'event: message\nid: s1_1\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n';

/** An SSE body the way the SDK writes one: events enqueued, the stream closed after the answer. */
function events(...steps: Array<string | number>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async start(controller) {
      for (const step of steps) {
        if (typeof step === 'number') await new Promise((r) => setTimeout(r, step));
        else controller.enqueue(encoder.encode(step));
      }
      controller.close();
    },
  });
}

const sse = (body: ReadableStream<Uint8Array>) =>
  new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'mcp-session-id': 's1' },
  });

describe('HttpTransport', () => {
  it('still reaches the SDK web-standard transport it relies on (a private field of the SDK)', () => {
    const transport = new HttpTransport({ sessionIdGenerator: undefined });
    const web = (transport as unknown as { _webStandardTransport?: { handleRequest?: unknown } })
      ._webStandardTransport;
    expect(typeof web?.handleRequest).toBe('function');
  });

  it('writes each event as the SDK does, through the method the SDK still calls', () => {
    // HttpTransport replaces the SDK's private writeSSEEvent so the event store's JSON is reused:
    // the same bytes, and only worth it while send() writes through that method.
    type Write = (
      c: { enqueue(x: Uint8Array): void },
      e: { encode(t: string): Uint8Array },
      m: unknown,
      id?: string,
    ) => boolean;
    const sdk = WebStandardStreamableHTTPServerTransport.prototype as unknown as {
      writeSSEEvent: Write;
      send: () => unknown;
    };
    expect(sdk.send.toString()).toContain('this.writeSSEEvent(');
    const web = (
      new HttpTransport({ sessionIdGenerator: undefined }) as unknown as {
        _webStandardTransport: { writeSSEEvent: Write };
      }
    )._webStandardTransport;
    expect(web.writeSSEEvent).not.toBe(sdk.writeSSEEvent);
    const written = (write: Write, id?: string) => {
      const chunks: Uint8Array[] = [];
      const message = { jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'é "q"\n' }] } };
      expect(write.call(web, { enqueue: (x) => void chunks.push(x) }, new TextEncoder(), message, id)).toBe(
        true,
      );
      return Buffer.concat(chunks).toString('utf8');
    };
    for (const id of ['s_1', undefined])
      expect(written(web.writeSSEEvent, id)).toBe(written(sdk.writeSSEEvent, id));
  });

  it('sends the headers, the priming event, a prompt answer and the end of the stream in one write', async () => {
    const { url, writes } = await serve((_req, res) => writeResponse(sse(events(PRIMING, 5, ANSWER)), res));
    const res = await fetch(url);
    expect(res.headers.get('mcp-session-id')).toBe('s1');
    expect(await res.text()).toBe(PRIMING + ANSWER);
    expect(writes).toEqual(['end']);
  });

  it('a slow first event: the headers and the priming event leave after HOLD_MS, the answer when it comes', async () => {
    const { url, writes } = await serve((_req, res) =>
      writeResponse(sse(events(PRIMING, 1500, ANSWER)), res),
    );
    const started = performance.now();
    const res = await fetch(url);
    const headersAfter = performance.now() - started;
    expect(headersAfter).toBeGreaterThanOrEqual(HOLD_MS - 5);
    expect(headersAfter).toBeLessThan(1000);
    expect(await res.text()).toBe(PRIMING + ANSWER);
    expect(writes).toEqual(['write', 'end']);
  });

  it('a stream without a priming event (older protocol) gets its headers after HOLD_MS too', async () => {
    const { url } = await serve((_req, res) => writeResponse(sse(events(1500, ANSWER)), res));
    const started = performance.now();
    const res = await fetch(url);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await res.text()).toBe(ANSWER);
  });

  it('a client that goes away cancels the stream (the SDK then lets go of it)', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode(PRIMING)),
      cancel: () => {
        cancelled = true;
      },
    });
    const { url } = await serve((_req, res) => writeResponse(sse(body), res));
    const aborted = new AbortController();
    const res = await fetch(url, { signal: aborted.signal });
    expect(res.status).toBe(200);
    aborted.abort();
    await expect.poll(() => cancelled, { timeout: 2000 }).toBe(true);
  });

  it('JSON answers and empty bodies keep their status, with a Content-Length', async () => {
    const { url } = await serve((req, res) =>
      writeResponse(
        req.url === '/mcp?empty'
          ? new Response(null, { status: 202 })
          : new Response('{"error":"no"}', { status: 400, headers: { 'content-type': 'application/json' } }),
        res,
      ),
    );
    const json = await fetch(url);
    expect(json.status).toBe(400);
    expect(json.headers.get('content-length')).toBe('14');
    expect(await json.json()).toEqual({ error: 'no' });
    const empty = await fetch(`${url}?empty`);
    expect(empty.status).toBe(202);
    expect(await empty.text()).toBe('');
  });

  it('the request view gives the SDK the method, URL and headers it reads', async () => {
    let seen: { method: string; url: string; accept: string | null; entries: string[] } | undefined;
    const { url } = await serve(async (req, res) => {
      const view = requestView(req, {});
      seen = {
        method: view.method,
        url: view.url,
        accept: view.headers.get('Accept'),
        entries: [...view.headers.entries()].map(([k]) => k),
      };
      res.end();
    });
    await fetch(url, {
      method: 'POST',
      body: '{}',
      headers: { accept: 'application/json, text/event-stream' },
    });
    expect(seen).toMatchObject({ method: 'POST', accept: 'application/json, text/event-stream' });
    expect(seen?.url).toBe(url);
    expect(seen?.entries).toContain('accept');
  });
});

// The fast path for a POST of one request (servePost): the SDK's stream registration with an
// EventPipe for a controller, written straight to the Node response.
describe('EventPipe', () => {
  const enc = (text: string) => new TextEncoder().encode(text);
  const HEADERS = { 'content-type': 'text/event-stream', 'mcp-session-id': 's1' };

  it('the SDK transport still has every private member the fast path uses', () => {
    const web = (
      new HttpTransport({ sessionIdGenerator: () => 's1' }) as unknown as { _webStandardTransport: unknown }
    )._webStandardTransport;
    expect(sdkInternalsPresent(web)).toBe(true);
    expect(sdkInternalsPresent({})).toBe(false);
  });

  it('the headers, the priming event, the answer and the end of the stream leave in one write', async () => {
    const { url, writes } = await serve(async (_req, res) => {
      const pipe = new EventPipe(res, HEADERS, () => {});
      pipe.enqueue(enc(PRIMING));
      pipe.start();
      await new Promise((r) => setTimeout(r, 5));
      // As the SDK's send() does: the answer, then the close in the same turn.
      pipe.enqueue(enc(ANSWER));
      pipe.close();
    });
    const res = await fetch(url);
    expect(res.headers.get('mcp-session-id')).toBe('s1');
    expect(await res.text()).toBe(PRIMING + ANSWER);
    expect(writes).toEqual(['end']);
  });

  it('a slow first event: the headers and the priming event leave after HOLD_MS, the answer when it comes', async () => {
    for (const first of [[PRIMING], []]) {
      const { url, writes } = await serve(async (_req, res) => {
        const pipe = new EventPipe(res, HEADERS, () => {});
        for (const text of first) pipe.enqueue(enc(text));
        pipe.start();
        await new Promise((r) => setTimeout(r, 1500));
        pipe.enqueue(enc(ANSWER));
        pipe.close();
      });
      const started = performance.now();
      const res = await fetch(url);
      const headersAfter = performance.now() - started;
      expect(headersAfter).toBeGreaterThanOrEqual(HOLD_MS - 5);
      expect(headersAfter).toBeLessThan(1000);
      expect(await res.text()).toBe(first.join('') + ANSWER);
      expect(writes.at(-1)).toBe('end');
      server?.close();
    }
  });

  it('events of one turn leave together; later ones in writes of their own', async () => {
    const { url, writes } = await serve(async (_req, res) => {
      const pipe = new EventPipe(res, HEADERS, () => {});
      pipe.start();
      pipe.enqueue(enc('event: message\ndata: 1\n\n'));
      pipe.enqueue(enc('event: message\ndata: 2\n\n'));
      await new Promise((r) => setTimeout(r, 20));
      pipe.enqueue(enc(ANSWER));
      pipe.close();
    });
    const res = await fetch(url);
    expect(await res.text()).toBe(`event: message\ndata: 1\n\nevent: message\ndata: 2\n\n${ANSWER}`);
    expect(writes).toEqual(['write', 'end']);
  });

  it('a client that goes away cancels the stream once, and later events are refused as by a closed stream', async () => {
    let cancels = 0;
    let pipe: EventPipe | undefined;
    const { url } = await serve(async (_req, res) => {
      pipe = new EventPipe(res, HEADERS, () => {
        cancels++;
      });
      pipe.enqueue(enc(PRIMING));
      pipe.start();
    });
    const aborted = new AbortController();
    const res = await fetch(url, { signal: aborted.signal });
    expect(res.status).toBe(200);
    aborted.abort();
    await expect.poll(() => cancels, { timeout: 2000 }).toBe(1);
    expect(() => pipe?.enqueue(enc(ANSWER))).toThrow(TypeError);
    pipe?.close();
    expect(cancels).toBe(1);
  });
});
