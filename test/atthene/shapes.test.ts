import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliConnection, connectCli, type StubRequest, startStub, textOf } from './cli.js';

// The documented shapes the sandbox does not serve by default (apis/atthene.md §2-§4 and the
// quick-start it cites), served by a loopback stub to the BUILT CLI.

const HISTORY = [
  { id: 'm1', role: 'user', content: 'one', timestamp: '2026-01-01T00:00:01Z' },
  { id: 'm2', role: 'assistant', content: 'two', timestamp: '2026-01-01T00:00:02Z' },
  { id: 'm3', role: 'user', content: 'three', timestamp: '2026-01-01T00:00:03Z' },
  { id: 'm4', role: 'assistant', content: 'four', timestamp: '2026-01-01T00:00:04Z' },
];

let foreign: Awaited<ReturnType<typeof startStub>>;
let stub: Awaited<ReturnType<typeof startStub>>;
let cli: CliConnection;

/**
 * The history in the documented shapes, by session id: `array` ignores limit and offset,
 * `array_paged` applies them; `drf` pages by 2 whatever limit asks (offset links, no `previous`);
 * `pages` is page-number pagination by 3 that ignores offset; `results` is a bare {results} page;
 * `stuck` applies limit but ignores offset, so nothing past its first page can be read.
 */
function history(session: string, query: URLSearchParams, origin: string) {
  const limit = Number(query.get('limit') ?? 50);
  const offset = Number(query.get('offset') ?? 0);
  if (session === 'session_array') return HISTORY;
  if (session === 'session_array_paged') return HISTORY.slice(offset, offset + limit);
  if (session === 'session_stuck') return HISTORY.slice(0, limit);
  if (session === 'session_results') return { results: HISTORY.slice(offset, offset + limit) };
  if (session === 'session_pages') {
    const page = Number(query.get('page') ?? 1);
    const next = new URLSearchParams(query);
    next.set('page', String(page + 1));
    return {
      count: HISTORY.length,
      next: page === 1 ? `${origin}/api/v1/runtime/${session}/messages/?${next}` : null,
      previous: page === 2 ? `${origin}/api/v1/runtime/${session}/messages/?limit=${limit}` : null,
      results: HISTORY.slice((page - 1) * 3, page * 3),
    };
  }
  if (session === 'session_odd') return { data: HISTORY };
  if (session === 'session_wrapper')
    return {
      messages: HISTORY.slice(offset, offset + limit),
      total: HISTORY.length,
      has_more: offset + limit < HISTORY.length,
    };
  const size = Math.min(limit, 2);
  const link = (at: number) =>
    `${session === 'session_escape' ? foreign.origin : origin}/api/v1/runtime/${session}/messages/?limit=${size}&offset=${at}`;
  return {
    count: HISTORY.length,
    next: offset + size < HISTORY.length ? link(offset + size) : null,
    previous: null,
    results: HISTORY.slice(offset, offset + size),
  };
}

async function answer(req: StubRequest) {
  const url = new URL(req.url, stub.origin);
  const p = url.pathname;
  const routes: Record<string, unknown> = {
    'POST /api/v1/sessions/': { id: 'session_123', config_hash: 'object:abc:u:anon' },
    'GET /api/v1/sessions/': [{ id: 'session_123', status: 'active', created_at: '2026-01-01T00:00:00Z' }],
    'GET /api/v1/sessions/session_123/': { id: 'session_123', status: 'active', agent_config: { name: 'Q' } },
    'GET /api/v1/runtime/session_123/status/': { id: 'session_123', status: 'idle', message_count: 4 },
    'GET /api/v1/agent/': [{ agent_id: 'agent_7', name: 'Quick Agent', agent_key: 'quick_agent' }],
    'GET /api/v1/agent/agent_7/': {
      agent_id: 'agent_7',
      name: 'Quick Agent',
      system_config: { name: 'Quick Agent' },
    },
    'POST /api/v1/sessions/from-agent/agent_7/': { success: true, id: 'session_456', agent_id: 'agent_7' },
    'GET /api/v1/knowledge-bases/kb_9/': { knowledge_base_id: 'kb_9', name: 'Handbook', status: 'completed' },
    'GET /api/v1/knowledge-bases/kb_9/check_status/': { success: true, message: 'ok' },
  };
  const key = `${req.method} ${p}`;
  if (key in routes) return { status: 200, json: routes[key] };
  const messages = /^\/api\/v1\/runtime\/([^/]+)\/messages\/$/.exec(p);
  if (req.method === 'GET' && messages?.[1]) {
    return { status: 200, json: history(messages[1], url.searchParams, stub.origin) };
  }
  if (key === 'GET /api/v1/knowledge-bases/kb_moved/') {
    return { status: 307, headers: { location: '/api/v1/knowledge-bases/kb_moved/v2/' } };
  }
  if (key === 'POST /api/v1/runtime/5a0e0000-0000-4000-8000-00000000510e/execute/') {
    await sleep(4000);
    return { status: 200, json: { success: true, response: { content: 'late', tool_calls: [] } } };
  }
  return { status: 404, json: { detail: 'Not found.' } };
}

beforeAll(async () => {
  foreign = await startStub(() => ({ status: 200, json: { count: 4, next: null, results: HISTORY } }));
  stub = await startStub(answer);
  cli = await connectCli(stub.baseUrl, undefined, { ATTHENE_EXECUTE_TIMEOUT_SECONDS: '1' });
}, 20_000);
afterAll(async () => {
  await cli?.close();
  await stub?.close();
  await foreign?.close();
});

const structured = <T>(result: { structuredContent?: unknown }) => result.structuredContent as T;

describe('Atthene answers in every documented shape, through the built CLI', () => {
  it('reads id as well as session_id, agent_id and knowledge_base_id, in objects and list elements', async () => {
    const created = await cli.call('atthene_create_session', {
      config: { name: 'Q', agent_type: 'llm_agent' },
    });
    expect(created.isError, textOf(created)).toBeFalsy();
    expect(structured<{ session_id: string }>(created).session_id).toBe('session_123');

    const listed = await cli.call('atthene_list_sessions');
    expect(listed.isError, textOf(listed)).toBeFalsy();
    expect(structured<{ sessions: Array<{ session_id: string }> }>(listed).sessions[0]?.session_id).toBe(
      'session_123',
    );
    const got = await cli.call('atthene_get_session', { session_id: 'session_123' });
    expect(structured<{ session: { session_id: string } }>(got).session.session_id).toBe('session_123');
    const status = await cli.call('atthene_get_status', { session_id: 'session_123' });
    expect(structured<{ session_id: string; status: string }>(status)).toMatchObject({
      session_id: 'session_123',
      status: 'idle',
    });

    const agents = await cli.call('atthene_list_agents');
    expect(agents.isError, textOf(agents)).toBeFalsy();
    expect(structured<{ agents: Array<{ id: string }> }>(agents).agents[0]?.id).toBe('agent_7');
    const agent = await cli.call('atthene_get_agent', { agent_id: 'agent_7' });
    expect(structured<{ agent: { id: string } }>(agent).agent.id).toBe('agent_7');
    const fromAgent = await cli.call('atthene_create_session', { agent_id: 'agent_7' });
    expect(structured<{ session_id: string }>(fromAgent).session_id).toBe('session_456');

    const kb = await cli.call('atthene_get_knowledge_base', { knowledge_base_id: 'kb_9' });
    expect(structured<{ knowledge_base: { id: string; name: string } }>(kb).knowledge_base).toMatchObject({
      id: 'kb_9',
      name: 'Handbook',
    });
  });

  it.each([
    'session_array',
    'session_array_paged',
    'session_wrapper',
    'session_drf',
    'session_pages',
    'session_results',
  ])(
    'history served as %s: atthene_get_messages and the session resource show all 4 messages',
    async (session) => {
      const all = await cli.call('atthene_get_messages', { session_id: session });
      expect(all.isError, textOf(all)).toBeFalsy();
      expect(structured<{ messages: Array<{ content: string }>; total: number }>(all)).toMatchObject({
        total: 4,
        messages: [{ content: 'one' }, { content: 'two' }, { content: 'three' }, { content: 'four' }],
      });

      // Paging with a cursor visits each message once.
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 5; page++) {
        const out = structured<{ messages: Array<{ content: string }>; next_cursor?: string }>(
          await cli.call('atthene_get_messages', {
            session_id: session,
            limit: 3,
            ...(cursor ? { cursor } : {}),
          }),
        );
        seen.push(...out.messages.map((m) => m.content));
        cursor = out.next_cursor;
        if (!cursor) break;
      }
      expect(seen).toEqual(['one', 'two', 'three', 'four']);

      const read = await cli.client.readResource({ uri: `atthene://sessions/${session}` });
      const markdown = (read.contents.find((c) => c.mimeType === 'text/markdown') as { text: string }).text;
      expect(markdown).not.toContain('No messages yet');
      for (const word of ['one', 'two', 'three', 'four']) expect(markdown).toContain(word);
    },
  );

  it('a bare array that applies limit but ignores offset: the second page is an error, not a repeat', async () => {
    const first = await cli.call('atthene_get_messages', { session_id: 'session_stuck', limit: 3 });
    const cursor = structured<{ next_cursor?: string }>(first).next_cursor;
    expect(cursor).toBeTypeOf('string');
    const second = await cli.call('atthene_get_messages', { session_id: 'session_stuck', limit: 3, cursor });
    expect(second.isError).toBe(true);
    expect(textOf(second)).toMatch(/ignores offset but applies limit .* after the first 3 cannot be read/);
  });

  it('a history in an unknown shape is an error, never an empty history', async () => {
    const result = await cli.call('atthene_get_messages', { session_id: 'session_odd' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/history came back in an unknown shape \(keys: data\)/);
  });

  it("follows a page's next link only on the base URL's origin", async () => {
    const before = stub.requests.length;
    const result = await cli.call('atthene_get_messages', { session_id: 'session_escape' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/next link leaves http:\/\/127\.0\.0\.1:\d+\/api\/v1 .* not followed/);
    expect(foreign.requests).toEqual([]);
    expect(stub.requests.length).toBe(before + 1);
  });

  it('a 307 is an error naming the Location, not an empty knowledge base', async () => {
    const result = await cli.call('atthene_get_knowledge_base', { knowledge_base_id: 'kb_moved' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /307.*redirected GET \/knowledge-bases\/kb_moved\/ to \/api\/v1\/knowledge-bases\/kb_moved\/v2\//,
    );
    expect(textOf(result)).toContain('trailing slash');
  });

  it('ATTHENE_EXECUTE_TIMEOUT_SECONDS=1 ends a 4 s turn after about 1 s with a timeout error', async () => {
    const started = Date.now();
    const result = await cli.call('atthene_execute_turn', {
      session_id: '5a0e0000-0000-4000-8000-00000000510e',
      content: 'take your time',
    });
    const elapsed = Date.now() - started;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/timeout.*did not finish within 1 s \(ATTHENE_EXECUTE_TIMEOUT_SECONDS\)/);
    expect(elapsed).toBeLessThan(2500);
  });

  it('ids that are not UUIDs pass; ids that would leave their path segment are refused before any request', async () => {
    const ok = await cli.call('atthene_get_status', { session_id: 'session_123' });
    expect(ok.isError, textOf(ok)).toBeFalsy();
    const before = stub.requests.length;
    for (const id of ['a/b', 'abc?x=1', 'abc#f', '..', 'a/../b', 'a\u0001b', 'a b', '%2e%2e']) {
      for (const [tool, args] of [
        ['atthene_get_messages', { session_id: id }],
        ['atthene_get_agent', { agent_id: id }],
        ['atthene_create_session', { agent_id: id }],
      ] as const) {
        const result = await cli.call(tool, args);
        expect(result.isError, `${tool} ${JSON.stringify(id)}`).toBe(true);
        expect(textOf(result)).toMatch(/(session_id|agent_id) must be an id from/);
      }
    }
    expect(stub.requests.length).toBe(before);
  });
});
