import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { resumable, SessionCalls } from '../src/http/streams.js';
import { BoundedEventStore, EventBudget } from '../src/http/support.js';
import { HttpTransport } from '../src/http/transport.js';

// HttpTransport's fast path for a POST of one request (servePost, issue #15) must answer as the
// SDK's handlePostRequest does while the priming event is being stored (the Redis store waits):
// a store that fails, a client that leaves, a session that closes. Found in review; each case
// failed on the first version of servePost.

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An initialized session over loopback HTTP whose store is slow or failing for priming events. */
async function session(priming: { delayMs?: number; fail?: boolean }) {
  let ran = 0;
  const mcp = new McpServer({ name: 't', version: '1' });
  mcp.registerTool('echo', { description: 'e' }, async () => {
    ran++;
    return { content: [{ type: 'text' as const, text: 'hi' }] };
  });
  const inner = new BoundedEventStore({ maxBytes: 1e6, maxAgeMs: 60_000, budget: new EventBudget(1e7) });
  const store = {
    armed: false,
    async storeEvent(streamId: string, message: JSONRPCMessage) {
      // A priming event is `{}`: no jsonrpc.
      if (store.armed && !('jsonrpc' in message)) {
        await sleep(priming.delayMs ?? 0);
        if (priming.fail) throw new Error('event store down');
      }
      return inner.storeEvent(streamId, message);
    },
    getStreamIdForEventId: (id: string) => inner.getStreamIdForEventId(id),
    replayEventsAfter: inner.replayEventsAfter.bind(inner),
  };
  const transport = new HttpTransport({ sessionIdGenerator: () => 'sid', eventStore: store });
  const calls = new SessionCalls(transport);
  await mcp.connect(transport);
  server = createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const body = JSON.parse(text) as unknown;
    calls.track(body, res, resumable(req, body)); // as src/http/mcp.ts post()
    await transport.handleRequest(req, res, body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  const base = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };
  const params = { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } };
  const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params };
  await (await fetch(url, { method: 'POST', headers: base, body: JSON.stringify(init) })).text();
  store.armed = true;
  const headers = { ...base, 'mcp-session-id': 'sid', 'mcp-protocol-version': '2025-11-25' };
  const toolCall = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } };
  const call = (signal?: AbortSignal) =>
    fetch(url, { method: 'POST', headers, signal, body: JSON.stringify(toolCall) });
  return { transport, calls, call, ran: () => ran };
}

describe('servePost while the priming event is stored', () => {
  it('a store that fails: 400 as the SDK answers, and the call is not left in flight', async () => {
    const s = await session({ fail: true });
    const res = await s.call();
    await res.text();
    expect(res.status).toBe(400);
    await expect.poll(() => s.calls.size, { timeout: 2000 }).toBe(0);
    await s.transport.close();
  });

  it('a client that goes away meanwhile: the call still runs and is released, as through the SDK', async () => {
    const s = await session({ delayMs: 100 });
    const aborted = new AbortController();
    const pending = s.call(aborted.signal).catch(() => undefined);
    await sleep(20);
    aborted.abort();
    await pending;
    await expect.poll(() => s.ran(), { timeout: 2000 }).toBe(1);
    await expect.poll(() => s.calls.size, { timeout: 2000 }).toBe(0);
    await s.transport.close();
  });

  it('the session closes meanwhile: 400, not an empty 200 stream the client would wait on', async () => {
    const s = await session({ delayMs: 100 });
    const pending = s.call();
    await sleep(20);
    await s.transport.close();
    const res = await pending;
    await res.text();
    expect(res.status).toBe(400);
  });
});
