import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { type CliConnection, connectCli, textOf } from './cli.js';
import { EXAMPLES } from './examples.js';

// The built CLI against the Atthene sandbox emulator started here, so the test can read what the
// emulator received and set the shapes it serves.

let sandbox: Sandbox;
let cli: CliConnection;
beforeAll(async () => {
  sandbox = await startSandbox({ attheneExecuteDelayMs: 20 });
  cli = await connectCli(sandbox.atthene.baseUrl, sandbox.atthene.apiKey);
}, 20_000);
afterAll(async () => {
  await cli?.close();
  await sandbox?.close();
});
beforeEach(() => {
  sandbox.worlds.atthene.historyShape = 'messages';
  sandbox.worlds.atthene.historyMaxPage = 100;
  sandbox.worlds.atthene.idNames = 'reference';
});

const emulator = () => sandbox.emulators.atthene;
type Turn = { status: string; reply: string; messages: Array<{ content: string }> };

async function http(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sandbox.atthene.baseUrl}${path}`, {
    method,
    headers: { 'x-api-key': sandbox.atthene.apiKey, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json().catch(() => undefined)) as Record<string, unknown> };
}

async function newSession(args: Record<string, unknown>): Promise<string> {
  const result = await cli.call('atthene_create_session', args);
  expect(result.isError, textOf(result)).toBeFalsy();
  return (result.structuredContent as { session_id: string }).session_id;
}

describe('every example config of the Atthene note validates and runs in the sandbox', () => {
  it.each(EXAMPLES)('$name', async ({ config, reply }) => {
    const validation = await cli.call('atthene_validate_agent', { config });
    expect(validation.structuredContent).toMatchObject({ valid: true, errors: [] });
    const sessionId = await newSession({ config });
    const turn = await cli.call('atthene_execute_turn', { session_id: sessionId, content: 'Hello there' });
    expect(turn.isError, textOf(turn)).toBeFalsy();
    expect(turn.structuredContent as Turn).toMatchObject({ status: 'completed' });
    expect((turn.structuredContent as Turn).reply).toMatch(new RegExp(`^\\[${reply}\\] Turn 1`));
  });

  it('the conditional workflow also runs when sent as YAML, each agent on the routed path speaking', async () => {
    const workflow = EXAMPLES.find((e) => e.name.includes('boolean conditional'))!;
    const sessionId = await newSession({ yaml: stringify(workflow.config) });
    await cli.call('atthene_execute_turn', { session_id: sessionId, content: 'Draft a note' });
    const history = (await cli.call('atthene_get_messages', { session_id: sessionId }))
      .structuredContent as Turn;
    expect(history.messages.map((m) => m.content.split(' ')[0])).toEqual([
      'Draft',
      '[writer]',
      '[reviewer]',
      '[publisher]',
    ]);
  });
});

describe('atthene_update_agent sends the whole system_config; the platform replaces it', () => {
  it('a partial update keeps the other fields: the PATCH carries the full merged config', async () => {
    const original = EXAMPLES[0]!.config;
    const created = await cli.call('atthene_create_agent', { system_config: original });
    expect(created.isError, textOf(created)).toBeFalsy();
    const id = (created.structuredContent as { agent: { id: string } }).agent.id;

    const updated = await cli.call('atthene_update_agent', {
      agent_id: id,
      system_config: { system_prompt: 'Answer in one sentence.' },
    });
    expect(updated.isError, textOf(updated)).toBeFalsy();
    const patch = emulator().requests.filter(
      (r) => r.method === 'PATCH' && r.path === `/api/v1/agent/${id}/`,
    );
    expect(patch).toHaveLength(1);
    expect(patch[0]?.json).toEqual({
      system_config: { ...original, system_prompt: 'Answer in one sentence.' },
    });

    const got = (await cli.call('atthene_get_agent', { agent_id: id })).structuredContent as {
      agent: { system_config: Record<string, unknown> };
    };
    expect(got.agent.system_config).toEqual({ ...original, system_prompt: 'Answer in one sentence.' });
  });

  it('the emulator replaces on PATCH: a partial config is refused, an omitted field is gone', async () => {
    const agent = (await http('POST', '/agent/', { system_config: EXAMPLES[1]!.config })).json as {
      id: string;
    };
    const partial = await http('PATCH', `/agent/${agent.id}/`, { system_config: { system_prompt: 'Hi.' } });
    expect(partial.status).toBe(400);
    expect(partial.json.errors).toEqual([{ field: 'name', message: 'This field is required.' }]);
    const { tools: _dropped, ...withoutTools } = EXAMPLES[1]!.config;
    expect((await http('PATCH', `/agent/${agent.id}/`, { system_config: withoutTools })).status).toBe(200);
    expect(
      ((await http('GET', `/agent/${agent.id}/`)).json.system_config as Record<string, unknown>).tools,
    ).toBe(undefined);
  });
});

describe('the sandbox serves the other documented history shapes too', () => {
  it.each([
    ['array', 100],
    ['paginated', 2],
  ] as const)(
    'history as %s (page cap %i): get_messages and the resource show every message',
    async (shape, cap) => {
      const sessionId = await newSession({ agent_key: 'support_agent' });
      for (const content of ['first', 'second', 'third'])
        await cli.call('atthene_execute_turn', { session_id: sessionId, content });
      sandbox.worlds.atthene.historyShape = shape;
      sandbox.worlds.atthene.historyMaxPage = cap;
      emulator().clearRequests();
      const out = (await cli.call('atthene_get_messages', { session_id: sessionId })).structuredContent as {
        total: number;
        messages: Array<{ content: string }>;
      };
      expect(out.total).toBe(6);
      expect(out.messages.filter((m) => !m.content.startsWith('[')).map((m) => m.content)).toEqual([
        'first',
        'second',
        'third',
      ]);
      const read = await cli.client.readResource({ uri: `atthene://sessions/${sessionId}` });
      const markdown = (read.contents.find((c) => c.mimeType === 'text/markdown') as { text: string }).text;
      expect(markdown.match(/\*\*(user|assistant)\*\*/g)).toHaveLength(6);
      if (shape === 'paginated') {
        // The client followed next links: more than one request per read.
        expect(emulator().requests.filter((r) => r.path.endsWith('/messages/')).length).toBeGreaterThan(2);
      }
    },
  );
});

describe('the sandbox also answers with the alternative id names the documents show', () => {
  it('id for sessions, agent_id for agents, knowledge_base_id for knowledge bases: every tool still works', async () => {
    sandbox.worlds.atthene.idNames = 'alternative';
    const agents = (await cli.call('atthene_list_agents')).structuredContent as {
      agents: Array<{ id: string }>;
    };
    const agentId = agents.agents[0]!.id;
    expect(emulator().requests.at(-1)?.response?.json).toEqual(
      expect.arrayContaining([expect.objectContaining({ agent_id: agentId })]),
    );
    expect((await cli.call('atthene_get_agent', { agent_id: agentId })).structuredContent).toMatchObject({
      agent: { id: agentId },
    });
    const byId = await newSession({ agent_id: agentId });
    expect(emulator().requests.at(-1)?.response?.json).toMatchObject({ id: byId });
    const byKey = await newSession({ agent_key: 'support_agent' });
    const inline = await newSession({ config: EXAMPLES[2]!.config });
    const listed = (await cli.call('atthene_list_sessions', { limit: 100 })).structuredContent as {
      sessions: Array<{ session_id: string }>;
    };
    expect(listed.sessions.map((x) => x.session_id)).toEqual(expect.arrayContaining([byId, byKey, inline]));
    expect((await cli.call('atthene_get_session', { session_id: inline })).structuredContent).toMatchObject({
      session: { session_id: inline },
    });
    expect((await cli.call('atthene_get_status', { session_id: byKey })).structuredContent).toMatchObject({
      session_id: byKey,
      status: 'active',
    });
    const kbId = [...sandbox.worlds.atthene.knowledgeBases.keys()][0]!;
    expect(
      (await cli.call('atthene_get_knowledge_base', { knowledge_base_id: kbId })).structuredContent,
    ).toMatchObject({ knowledge_base: { id: kbId, name: 'Bakery handbook' } });
    expect(
      emulator().requests.some(
        (r) => (r.response?.json as { knowledge_base_id?: string })?.knowledge_base_id === kbId,
      ),
    ).toBe(true);
  });
});

describe('the emulator is strict: unknown, mistyped and missing fields get a 400 naming them', () => {
  let sessionId: string;
  let agentId: string;
  beforeAll(async () => {
    sessionId = await newSession({ agent_key: 'support_agent' });
    agentId = [...sandbox.worlds.atthene.agents.values()][0]!.id;
  });
  const fields = (json: Record<string, unknown>) =>
    (json.errors as Array<{ field: string }>).map((e) => e.field);

  it.each([
    ['POST', 'execute', { content: 'hi', after_seq: 3 }, ['after_seq']],
    ['POST', 'execute', { content: 5 }, ['content']],
    ['POST', 'execute', {}, ['content']],
    ['POST', 'execute', { content: [{ type: 'text', txt: 'hi' }] }, ['content[0].text', 'content[0].txt']],
    ['POST', 'execute', { content: 'hi', correlation_id: 7, inputs: [] }, ['correlation_id', 'inputs']],
    ['GET', 'messages?after_seq=3', undefined, ['after_seq']],
    ['GET', 'messages?limit=abc&offset=-1', undefined, ['limit', 'offset']],
  ] as const)('%s %s %j', async (method, route, body, expected) => {
    const res = await http(
      method,
      `/runtime/${sessionId}/${route.replace('?', '/?')}${route.includes('?') ? '' : '/'}`,
      body,
    );
    expect(res.status).toBe(400);
    expect(fields(res.json)).toEqual(expected);
    expect((res.json.error as { message: string }).message).toContain(expected[0]);
  });

  it('agents, sessions and configs', async () => {
    const wrapped = await http('POST', '/agent/', { config: { name: 'X' } });
    expect([wrapped.status, fields(wrapped.json)]).toEqual([400, ['system_config', 'config']]);
    const listed = await http('GET', '/agent/?page=2');
    expect([listed.status, fields(listed.json)]).toEqual([400, ['page']]);
    const fromAgent = await http('POST', `/sessions/from-agent/${agentId}/`, { agent_key: 'x' });
    expect([fromAgent.status, fields(fromAgent.json)]).toEqual([400, ['agent_key']]);
    const byKey = await http('GET', '/sessions/from-agent/');
    expect([byKey.status, fields(byKey.json)]).toEqual([400, ['agent_key']]);
    const session = await http('POST', '/sessions/', { name: 'X', agent_type: 'llm_agent', temprature: 0.2 });
    expect([session.status, fields(session.json)]).toEqual([400, ['temprature']]);

    const validation = await http('POST', '/agent/validate/', {
      name: 5,
      agent_type: 'llm_agent',
      llm_config: { model: 'gpt-4o', temperature: 'warm' },
      agents: [{ name: 'a', agent_type: 'llm_agent', prompt: 'x' }],
      edges: [{ from: 'a', condition: 'ok?', condition_type: 'boolean', routing: { yes: 'a' } }],
    });
    expect(validation.json.valid).toBe(false);
    expect(fields(validation.json)).toEqual([
      'name',
      'agents[0].prompt',
      'llm_config.temperature',
      'description',
      'edges[0].routing',
    ]);
  });
});
