import { describe, expect, it } from 'vitest';
import { HttpTransport, streamed } from '../src/http/transport.js';

// src/http/transport.ts (issue #15): event streams are handed to @hono/node-server marked chunked,
// so it pipes them instead of waiting a timer for a second chunk after the priming event.

describe('HttpTransport', () => {
  it('still reaches the SDK web-standard transport it relies on (a private field of the SDK)', () => {
    const transport = new HttpTransport({ sessionIdGenerator: undefined });
    const web = (transport as unknown as { _webStandardTransport?: { handleRequest?: unknown } })
      ._webStandardTransport;
    expect(typeof web?.handleRequest).toBe('function');
  });

  it('marks an event stream chunked, keeping its status, headers and body', async () => {
    const sse = new Response('id: 1\ndata: \n\n', {
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'mcp-session-id': 's1' },
    });
    const out = streamed(sse);
    expect(out.headers.get('transfer-encoding')).toBe('chunked');
    expect(out.headers.get('mcp-session-id')).toBe('s1');
    expect(out.status).toBe(200);
    expect(await out.text()).toBe('id: 1\ndata: \n\n');
  });

  it('leaves JSON answers and empty bodies as they are', () => {
    const json = new Response('{}', { status: 400, headers: { 'content-type': 'application/json' } });
    expect(streamed(json)).toBe(json);
    const accepted = new Response(null, { status: 202 });
    expect(streamed(accepted)).toBe(accepted);
  });
});
