import { setTimeout as sleep } from 'node:timers/promises';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ATTHENE_EXPIRED_KEY } from '../../src/platforms/atthene/emulator/credentials.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { connectTestClient, resultText, sandboxCredentials, type TestConnection } from '../helpers/mcp.js';

let sandbox: Sandbox;
let conn: TestConnection;
beforeAll(async () => {
  sandbox = await startSandbox({ attheneExecuteDelayMs: 150 });
  conn = await connectTestClient({ credentials: sandboxCredentials(sandbox, ['atthene']) });
});
afterAll(async () => {
  await conn?.close();
  await sandbox?.close();
});
beforeEach(() => {
  sandbox.emulators.atthene.setFaults(undefined);
  sandbox.worlds.atthene.executeShape = 'A';
});

const requests = () => sandbox.emulators.atthene.requests;
type Turn = {
  status: string;
  reply: string;
  messages: Array<{ role: string; content: string }>;
  tool_calls: unknown[];
};

const YAML = `name: Research Team Inline
description: A researcher hands notes to a writer.
architecture: workflow
entry_point: researcher
agents:
  - name: researcher
    agent_type: react_agent
    prompt_config:
      system_prompt: Find facts.
  - name: writer
    agent_type: llm_agent
    prompt_config:
      system_prompt: Write the answer.
edges:
  - from: researcher
    to: writer
  - from: writer
    to: __end__
`;

async function newSession(args: Record<string, unknown>): Promise<string> {
  const result = await conn.call('atthene_create_session', args);
  expect(result.isError, resultText(result)).toBeFalsy();
  return (result.structuredContent as { session_id: string }).session_id;
}

describe('Atthene through MCP', () => {
  it('a multi-turn conversation with a saved agent, read as a resource, with a subscription update', async () => {
    const agents = (await conn.call('atthene_list_agents')).structuredContent as {
      agents: Array<{ id: string; agent_key: string; name: string }>;
    };
    const support = agents.agents.find((a) => a.agent_key === 'support_agent')!;
    expect(support.name).toBe('Support Agent');
    const byKey = await newSession({ agent_key: 'support_agent' });
    const byId = await newSession({ agent_id: support.id });
    expect(byKey).not.toBe(byId);

    const first = (
      await conn.call('atthene_execute_turn', { session_id: byId, content: 'Do you sell rye bread?' })
    ).structuredContent as Turn;
    expect(first).toMatchObject({
      status: 'completed',
      reply: '[Support Agent] Turn 1: I received "Do you sell rye bread?" (5 words).',
    });
    const second = (await conn.call('atthene_execute_turn', { session_id: byId, content: 'And on Sundays?' }))
      .structuredContent as Turn;
    expect(second.reply).toContain('Turn 2');

    const uri = `atthene://sessions/${byId}`;
    const listed = await conn.client.listResources();
    expect(listed.resources.map((r) => r.uri)).toContain(uri);
    const read = await conn.client.readResource({ uri });
    const markdown = (read.contents.find((c) => c.mimeType === 'text/markdown') as { text: string }).text;
    expect(markdown.match(/\*\*(user|assistant)\*\*/g)).toEqual([
      '**user**',
      '**assistant**',
      '**user**',
      '**assistant**',
    ]);
    expect(markdown).toContain('And on Sundays?');

    const updates: string[] = [];
    conn.client.setNotificationHandler(
      ResourceUpdatedNotificationSchema,
      (n) => void updates.push(n.params.uri),
    );
    await conn.client.subscribeResource({ uri });
    await sleep(100);
    await conn.call('atthene_execute_turn', { session_id: byId, content: 'Thanks!' });
    const deadline = Date.now() + 6000;
    while (!updates.includes(uri) && Date.now() < deadline) await sleep(50);
    expect(updates).toContain(uri);
    await conn.client.unsubscribeResource({ uri });
  }, 20_000);

  it('an inline multi-agent YAML config walks its edges; YAML goes with its content type', async () => {
    const sessionId = await newSession({ yaml: YAML });
    const yamlRequest = requests().find((r) => r.method === 'POST' && r.path === '/api/v1/sessions/');
    expect(yamlRequest?.headers['content-type']).toBe('application/yaml');
    expect(yamlRequest?.bodyText).toBe(YAML);
    const turn = (
      await conn.call('atthene_execute_turn', { session_id: sessionId, content: 'Summarise sourdough.' })
    ).structuredContent as Turn;
    expect(turn.reply).toMatch(/^\[writer\] Turn 1/);
    // Every agent on the path spoke, in edge order.
    const history = (await conn.call('atthene_get_messages', { session_id: sessionId }))
      .structuredContent as Turn;
    expect(history.messages.map((m) => m.content.split(' ')[0])).toEqual([
      'Summarise',
      '[researcher]',
      '[writer]',
    ]);
  });

  it('all three documented execute shapes normalise to the same tool output', async () => {
    const outputs: Turn[] = [];
    for (const shape of ['A', 'B', 'C'] as const) {
      sandbox.worlds.atthene.executeShape = shape;
      const sessionId = await newSession({
        config: { name: 'Echo', agent_type: 'llm_agent', system_prompt: 'Echo.' },
      });
      const result = await conn.call('atthene_execute_turn', {
        session_id: sessionId,
        content: 'same words',
      });
      outputs.push(result.structuredContent as Turn);
    }
    const comparable = outputs.map((o) => ({
      status: o.status,
      reply: o.reply,
      messages: o.messages.map((m) => ({ role: m.role, content: m.content })),
      tool_calls: o.tool_calls,
    }));
    expect(comparable[1]).toEqual(comparable[0]);
    expect(comparable[2]).toEqual(comparable[0]);
    expect(comparable[0]).toEqual({
      status: 'completed',
      reply: '[Echo] Turn 1: I received "same words" (2 words).',
      messages: [{ role: 'assistant', content: '[Echo] Turn 1: I received "same words" (2 words).' }],
      tool_calls: [],
    });
    expect((outputs[1] as unknown as { usage?: unknown }).usage).toBeDefined();
  });

  it('saved agents: create, get, update with PATCH, delete; paths keep their trailing slash; the key stays in its header', async () => {
    const created = await conn.call('atthene_create_agent', {
      system_config: { name: 'Night Baker', agent_type: 'llm_agent', system_prompt: 'Bake.' },
    });
    const agent = (
      created.structuredContent as { agent: { id: string; agent_key: string; version_number: string } }
    ).agent;
    expect(agent.agent_key).toBe('night_baker');
    const updated = await conn.call('atthene_update_agent', {
      agent_id: agent.id,
      system_config: { system_prompt: 'Bake at night.' },
    });
    expect((updated.structuredContent as { agent: { version_number: string } }).agent.version_number).toBe(
      '1.1.0',
    );
    const got = await conn.call('atthene_get_agent', { agent_id: agent.id });
    expect(
      (got.structuredContent as { agent: { system_config: { system_prompt: string } } }).agent.system_config
        .system_prompt,
    ).toBe('Bake at night.');
    expect((await conn.call('atthene_delete_agent', { agent_id: agent.id })).structuredContent).toEqual({
      agent_id: agent.id,
      deleted: true,
    });
    const gone = await conn.call('atthene_get_agent', { agent_id: agent.id });
    expect(resultText(gone)).toMatch(/404 not_found.*atthene_list_agents lists valid agent ids/);

    expect(requests().some((r) => r.method === 'PATCH' && r.path === `/api/v1/agent/${agent.id}/`)).toBe(
      true,
    );
    for (const r of requests()) {
      expect(r.rawPath.split('?')[0]).toMatch(/\/$/);
      expect(r.headers['x-api-key']).toBe(sandbox.atthene.apiKey);
      expect(r.headers.authorization).toBeUndefined();
      expect(JSON.stringify({ ...r, headers: { ...r.headers, 'x-api-key': undefined } })).not.toContain(
        sandbox.atthene.apiKey,
      );
    }
  });

  it("invalid configs come back as the platform's field errors a model can fix", async () => {
    const result = await conn.call('atthene_validate_agent', {
      config: { agents: [{ name: 'a', agent_type: 'wizard' }], edges: [{ from: 'a', to: 'ghost' }] },
    });
    const out = result.structuredContent as {
      valid: boolean;
      errors: Array<{ field: string; message: string }>;
    };
    expect(out.valid).toBe(false);
    expect(out.errors.map((e) => e.field)).toEqual([
      'name',
      'agents[0].agent_type',
      'description',
      'edges[0].to',
    ]);
    const ok = await conn.call('atthene_validate_agent', {
      config: { name: 'Fine', agent_type: 'llm_agent' },
    });
    expect(ok.structuredContent).toMatchObject({ valid: true, errors: [] });
    const refused = await conn.call('atthene_create_agent', { system_config: { agent_type: 'llm_agent' } });
    expect(resultText(refused)).toMatch(/400 validation.*Invalid system_config/);
  });

  it('bad input is refused before any request, naming the field', async () => {
    sandbox.emulators.atthene.clearRequests();
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      [
        'atthene_create_session',
        { agent_key: 'support_agent', agent_id: '0b7e2f0e-aaaa-4bbb-8ccc-000000000000' },
        /exactly one of config, yaml, agent_id or agent_key, not agent_id and agent_key/,
      ],
      ['atthene_create_session', {}, /exactly one of config, yaml, agent_id or agent_key/],
      ['atthene_create_session', { yaml: 'name: [unclosed' }, /yaml is not valid YAML/],
      ['atthene_execute_turn', { session_id: 'a/../b', content: 'hi' }, /session_id must be an id from/],
      [
        'atthene_execute_turn',
        { session_id: '0b7e2f0e-aaaa-4bbb-8ccc-000000000000' },
        /exactly one of content \(text\) or content_blocks/,
      ],
      [
        'atthene_get_messages',
        { session_id: '0b7e2f0e-aaaa-4bbb-8ccc-000000000000', limit: 101 },
        /limit must be from 1 to 100/,
      ],
      [
        'atthene_get_messages',
        { session_id: '0b7e2f0e-aaaa-4bbb-8ccc-000000000000', cursor: 'abc.def' },
        /cursor is not valid/,
      ],
    ];
    for (const [tool, args, pattern] of cases) {
      const result = await conn.call(tool, args);
      expect(result.isError, tool).toBe(true);
      expect(resultText(result)).toMatch(pattern);
    }
    expect(requests()).toEqual([]);
  });

  it('two concurrent turns on one session both succeed, in order; a cancelled turn returns promptly', async () => {
    const sessionId = await newSession({ agent_key: 'support_agent' });
    const [a, b] = await Promise.all([
      conn.call('atthene_execute_turn', { session_id: sessionId, content: 'first' }),
      conn.call('atthene_execute_turn', { session_id: sessionId, content: 'second' }),
    ]);
    expect((a.structuredContent as Turn).reply).toContain('Turn 1: I received "first"');
    expect((b.structuredContent as Turn).reply).toContain('Turn 2: I received "second"');
    expect(requests().filter((r) => r.path.endsWith('/execute/') && r.path.includes(sessionId))).toHaveLength(
      2,
    );

    sandbox.worlds.atthene.executeDelayMs = 5000;
    const controller = new AbortController();
    const started = Date.now();
    const pending = conn.client.callTool(
      { name: 'atthene_execute_turn', arguments: { session_id: sessionId, content: 'slow' } },
      undefined,
      { signal: controller.signal },
    );
    await sleep(200);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
    sandbox.worlds.atthene.executeDelayMs = 150;
    // The request was really aborted: the platform saw the disconnect and never ran the turn.
    await sleep(300);
    expect(
      sandbox.worlds.atthene.sessions.get(sessionId)!.messages.filter((m) => m.content === 'slow'),
    ).toHaveLength(0);
    expect(sandbox.worlds.atthene.sessions.get(sessionId)!.processing).toBe(false);
  });

  it('a turn longer than wait_seconds returns status running; the reply then lands in the history', async () => {
    const sessionId = await newSession({ agent_key: 'support_agent' });
    sandbox.worlds.atthene.executeDelayMs = 1800;
    const progress: number[] = [];
    const result = await conn.client.callTool(
      {
        name: 'atthene_execute_turn',
        arguments: { session_id: sessionId, content: 'long job', wait_seconds: 1 },
      },
      undefined,
      {
        onprogress: (p) => progress.push(p.progress),
      },
    );
    sandbox.worlds.atthene.executeDelayMs = 150;
    expect(result.structuredContent).toMatchObject({ status: 'running', reply: '' });
    const deadline = Date.now() + 5000;
    let history: { messages: Array<{ role: string }> } = { messages: [] };
    while (history.messages.length < 2 && Date.now() < deadline) {
      await sleep(200);
      history = (await conn.call('atthene_get_messages', { session_id: sessionId }))
        .structuredContent as typeof history;
    }
    expect(history.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  });

  it('messages page with cursors, and latest=true starts at the newest page', async () => {
    const sessionId = await newSession({ config: { name: 'Pager', agent_type: 'llm_agent' } });
    for (let i = 1; i <= 4; i++)
      await conn.call('atthene_execute_turn', { session_id: sessionId, content: `m${i}` });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const out = (
        await conn.call('atthene_get_messages', {
          session_id: sessionId,
          limit: 3,
          ...(cursor ? { cursor } : {}),
        })
      ).structuredContent as {
        messages: Array<{ content: string }>;
        next_cursor?: string;
      };
      seen.push(...out.messages.map((m) => m.content));
      cursor = out.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(8);
    expect(seen.filter((c) => /^m\d$/.test(c))).toEqual(['m1', 'm2', 'm3', 'm4']);
    const latest = (
      await conn.call('atthene_get_messages', { session_id: sessionId, limit: 2, latest: true })
    ).structuredContent as { offset: number; messages: Array<{ content: string }> };
    expect(latest.offset).toBe(6);
    expect(latest.messages[0]?.content).toBe('m4');
  });

  it('sessions list pages with a cursor and each session appears once', async () => {
    const all = new Set<string>();
    let cursor: string | undefined;
    let total = 0;
    for (let page = 0; page < 50; page++) {
      const out = (await conn.call('atthene_list_sessions', { limit: 2, ...(cursor ? { cursor } : {}) }))
        .structuredContent as {
        sessions: Array<{ session_id: string }>;
        total: number;
        next_cursor?: string;
      };
      total = out.total;
      for (const s of out.sessions) {
        expect(all.has(s.session_id)).toBe(false);
        all.add(s.session_id);
      }
      cursor = out.next_cursor;
      if (!cursor) break;
    }
    expect(total).toBeGreaterThan(4);
    expect(all.size).toBe(total);
  });

  it('knowledge base with check_status/, and the fallback to status/', async () => {
    const id = [...sandbox.worlds.atthene.knowledgeBases.keys()][0]!;
    const newer = await conn.call('atthene_get_knowledge_base', { knowledge_base_id: id });
    expect(newer.structuredContent).toMatchObject({
      knowledge_base: { name: 'Bakery handbook', status: 'completed' },
      processing_status: { success: true },
    });
    sandbox.worlds.atthene.knowledgeBaseStatusRoute = 'status';
    const older = await conn.call('atthene_get_knowledge_base', { knowledge_base_id: id });
    expect(older.structuredContent).toMatchObject({ processing_status: { processed_datasources: 2 } });
    expect(
      requests()
        .filter((r) => r.path.endsWith('/status/'))
        .map((r) => r.path.split('/').at(-2)),
    ).toContain('status');
  });

  it('401, 404, 429 and 5xx each give a fitting hint; an injected 500 on execute is not retried', async () => {
    const expired = await connectTestClient({
      credentials: { atthene: { baseUrl: sandbox.atthene.baseUrl, apiKey: ATTHENE_EXPIRED_KEY } },
    });
    try {
      expect(resultText(await expired.call('atthene_list_agents'))).toMatch(
        /401 auth \[authentication_error\]: API key has expired.*check ATTHENE_API_KEY/,
      );
    } finally {
      await expired.close();
    }
    const sessionId = await newSession({ agent_key: 'support_agent' });
    await conn.call('atthene_delete_session', { session_id: sessionId });
    expect(
      resultText(await conn.call('atthene_execute_turn', { session_id: sessionId, content: 'hello?' })),
    ).toMatch(/404 not_found.*atthene_list_sessions lists valid session ids/);

    sandbox.emulators.atthene.setFaults({ rateLimitRate: 1, retryAfterSeconds: 20 });
    expect(resultText(await conn.call('atthene_get_status', { session_id: sessionId }))).toMatch(
      /429 rate_limited.*retry after 20 s/,
    );

    const live = await newSession({ agent_key: 'support_agent' }).catch(() => '');
    sandbox.emulators.atthene.setFaults({ errorRate: 1 });
    sandbox.emulators.atthene.clearRequests();
    const failed = await conn.call('atthene_execute_turn', {
      session_id: live || sessionId,
      content: 'boom',
    });
    expect(resultText(failed)).toMatch(/atthene error 50[03] server.*retry in a few seconds/);
    expect(requests().filter((r) => r.path.endsWith('/execute/'))).toHaveLength(1);
  });
});
