import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { connectTestClient, resultText, sandboxCredentials, type TestConnection } from '../helpers/mcp.js';

// Hostile input never reaches another route or a header; hostile platform answers are bounded
// and reported, and the server keeps serving.

const HOSTILE_IDS = [
  '../../admin',
  '..',
  'a%2Fb',
  'a/b',
  'abc?x=1',
  'abc#frag',
  'abc\r\nX-Injected: 1',
  'abc\u0000',
  'аbc', // Cyrillic а
  'ａｂｃ', // fullwidth
  '\u202Eabc',
  'x'.repeat(10_000),
];

let sandbox: Sandbox;
let conn: TestConnection;
beforeAll(async () => {
  sandbox = await startSandbox({ ama2ReplyDelayMs: 20 });
  conn = await connectTestClient({ credentials: sandboxCredentials(sandbox) });
});
afterAll(async () => {
  await conn?.close();
  await sandbox?.close();
});

const allRequests = () => Object.values(sandbox.emulators).reduce((n, e) => n + e.received, 0);

describe('hostile ids', () => {
  const calls: Array<[string, (id: string) => Record<string, unknown>]> = [
    ['ama2_poll_events', (id) => ({ thread_id: id })],
    ['ama2_send_message', (id) => ({ thread_id: id, content: 'hi' })],
    ['ama2_remove_webhook', (id) => ({ thread_id: 'safe-thread', subscription_id: id })],
    ['atthene_get_agent', (id) => ({ agent_id: id })],
    ['atthene_get_messages', (id) => ({ session_id: id })],
    ['atthene_get_knowledge_base', (id) => ({ knowledge_base_id: id })],
    ['atthene_create_session', (id) => ({ agent_key: id })],
  ];
  it.each(calls)('%s refuses every hostile id before any request', async (tool, args) => {
    for (const id of HOSTILE_IDS) {
      const before = allRequests();
      const result = await conn.call(tool, args(id));
      expect(result.isError, `${tool} ${JSON.stringify(id).slice(0, 40)}`).toBe(true);
      expect(allRequests()).toBe(before);
      // The raw id never comes back unescaped into the text either (no header injection via errors).
      expect(resultText(result)).not.toContain('\r\nX-Injected');
    }
  });

  it('oversized content is refused before sending', async () => {
    const before = allRequests();
    const result = await conn.call('ama2_send_message', {
      thread_id: 'safe-thread',
      content: 'x'.repeat(5001),
    });
    expect(resultText(result)).toContain('content must be at most 5000 characters');
    expect(allRequests()).toBe(before);
  });
});

// A platform that misbehaves in the ways real ones (and their proxies) do.
let hostile: Server;
let base: string;
const endless = new Set<ServerResponse>();
beforeAll(async () => {
  hostile = createServer((req, res) => {
    const url = req.url ?? '';
    if (url.startsWith('/agent/')) {
      // Atthene list agents: 8 MB of JSON.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`[${Array.from({ length: 80_000 }, () => `{"id":"x","name":"${'n'.repeat(90)}"}`).join(',')}]`);
    } else if (url.startsWith('/sessions/')) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Please log in to the corporate proxy</body></html>');
    } else if (url.startsWith('/runtime/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"messages": [unterminated');
    } else if (url.endsWith('/events/stream')) {
      // An SSE stream that never ends and never completes a frame.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      endless.add(res);
      const timer = setInterval(() => res.write('data: '.padEnd(64 * 1024, 'x')), 5);
      res.on('close', () => clearInterval(timer));
    } else if (url.includes('/events')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"events":[],"has_more":false}');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of endless) res.destroy();
  hostile.closeAllConnections();
  await new Promise<void>((resolve) => hostile.close(() => resolve()));
});

describe('hostile platform responses are bounded and reported', () => {
  it('a huge body, the wrong content type, invalid JSON, an endless SSE stream', async () => {
    const victim = await connectTestClient({
      credentials: {
        atthene: { baseUrl: base, apiKey: 'atthene_key_0000' },
        ama2: { baseUrl: base, token: 'ama_eat_hostile_00000' },
      },
    });
    try {
      const huge = await victim.call('atthene_list_agents');
      expect(resultText(huge)).toMatch(/atthene error server \[response_too_large\]/);
      const html = await victim.call('atthene_list_sessions');
      expect(resultText(html)).toMatch(
        /\[unexpected_content_type\]: the platform answered with text\/html where JSON was expected/,
      );
      const broken = await victim.call('atthene_get_messages', {
        session_id: '0b7e2f0e-aaaa-4bbb-8ccc-000000000000',
      });
      expect(resultText(broken)).toMatch(/\[invalid_json\]/);
      const started = Date.now();
      const waited = await victim.call('ama2_wait_for_events', {
        thread_id: 'hostile-thread',
        after_seq: 0,
        timeout_seconds: 2,
      });
      expect(Date.now() - started).toBeLessThan(6000);
      expect(waited.isError).toBeFalsy();
      expect(waited.structuredContent).toMatchObject({ timed_out: true, events: [] });
      // Still serving.
      expect((await victim.call('platforms_status')).isError).toBeFalsy();
    } finally {
      await victim.close();
    }
  }, 20_000);
});
