import { setTimeout as sleep } from 'node:timers/promises';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/core/emulator/faults.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { connectTestClient, resultText, sandboxCredentials, type TestConnection } from '../helpers/mcp.js';
import { contractProblems } from './contract.js';

let sandbox: Sandbox;
let conn: TestConnection;
beforeAll(async () => {
  sandbox = await startSandbox();
  conn = await connectTestClient({ credentials: sandboxCredentials(sandbox, ['amigo']) });
});
afterAll(async () => {
  // Everything the tools sent, and every answer, held to the OpenAPI document.
  expect(sandbox.emulators.amigo.requests.flatMap(contractProblems)).toEqual([]);
  await conn?.close();
  await sandbox?.close();
});
beforeEach(() => sandbox.emulators.amigo.setFaults(undefined));

type Out = Record<string, unknown>;
const out = async (tool: string, args: Out = {}) => {
  const result = await conn.call(tool, args);
  expect(result.isError, `${tool}: ${resultText(result)}`).toBeFalsy();
  return result.structuredContent as Out;
};

describe('an Amigo conversation through MCP', () => {
  it('find a text service, start, continue, read, get notified, close; then a clear "closed" error', async () => {
    const services = (await out('amigo_list_services', { limit: 20 })).services as Array<{
      id: string;
      channel_type: string;
      name: string;
    }>;
    const text = services.find((s) => s.channel_type === 'text')!;
    const progress: string[] = [];
    const first = await conn.client.callTool(
      {
        name: 'amigo_send_message',
        arguments: {
          service_id: text.id,
          message: 'Hi, I need an appointment next week.',
          include_tool_calls: true,
        },
      },
      undefined,
      { onprogress: (p) => progress.push(p.message ?? '') },
    );
    const started = first.structuredContent as {
      conversation_id: string;
      started: boolean;
      greeting: string;
      replies: Array<{ text: string }>;
      tool_calls: Array<{ tool_name: string }>;
    };
    expect(started.started).toBe(true);
    expect(started.greeting).toMatch(/^Hello, this is Maple Reception Agent at Front Desk Chat/);
    expect(started.replies[0]?.text).toMatch(/opening on Thursday/);
    expect(started.tool_calls.map((t) => t.tool_name)).toEqual(['find_open_slots']);
    expect(progress.join('')).toBe(started.replies[0]?.text);

    const next = await out('amigo_send_message', {
      conversation_id: started.conversation_id,
      message: 'Thursday works.',
    });
    expect(next).toMatchObject({ started: false, status: 'active', turn_count: 5 });

    const uri = `amigo://conversations/${started.conversation_id}`;
    const read = await conn.client.readResource({ uri });
    const markdown = (read.contents.find((c) => c.mimeType === 'text/markdown') as { text: string }).text;
    expect(markdown.match(/\*\*(agent|user)\*\*/g)).toEqual([
      '**agent**',
      '**user**',
      '**agent**',
      '**user**',
      '**agent**',
    ]);
    expect((await conn.client.listResources()).resources.map((r) => r.uri)).toContain(uri);

    const updates: string[] = [];
    conn.client.setNotificationHandler(
      ResourceUpdatedNotificationSchema,
      (n) => void updates.push(n.params.uri),
    );
    await conn.client.subscribeResource({ uri });
    await out('amigo_send_message', { conversation_id: started.conversation_id, message: 'Thanks!' });
    const deadline = Date.now() + 6000;
    while (!updates.includes(uri) && Date.now() < deadline) await sleep(50);
    expect(updates).toContain(uri);
    await conn.client.unsubscribeResource({ uri });

    expect(await out('amigo_close_conversation', { conversation_id: started.conversation_id })).toEqual({
      conversation_id: started.conversation_id,
      closed: true,
    });
    const refused = await conn.call('amigo_send_message', {
      conversation_id: started.conversation_id,
      message: 'Are you there?',
    });
    expect(resultText(refused)).toMatch(
      /amigo error 409 conflict: Conversation is closed; start a new conversation/,
    );
    const history = await out('amigo_get_conversation', { conversation_id: started.conversation_id });
    expect(history).toMatchObject({ status: 'closed', turn_count: 7 });
  }, 20_000);
});

describe('every list tool pages through more than one page, each item exactly once', () => {
  async function pageAll(
    tool: string,
    key: string,
    idKey: string,
    args: Out,
    limit: number,
  ): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const result = await out(tool, { ...args, limit, ...(cursor ? { cursor } : {}) });
      seen.push(...(result[key] as Array<Record<string, string>>).map((item) => item[idKey]!));
      cursor = result.next_cursor as string | undefined;
      if (!cursor) break;
      expect(page, `${tool} made too many pages`).toBeLessThan(49);
    }
    expect(new Set(seen).size).toBe(seen.length);
    return seen;
  }

  it.each([
    ['amigo_list_agents', 'agents', 'id', {}, 5, 23],
    ['amigo_list_services', 'services', 'id', {}, 4, 22],
    ['amigo_list_entities', 'entities', 'id', {}, 10, 27],
    ['amigo_list_entities', 'entities', 'id', { entity_types: ['patient'] }, 4, 15],
    ['amigo_list_calls', 'calls', 'call_id', {}, 5, 12],
  ])('%s %j', async (tool, key, idKey, args, limit, expected) => {
    expect(await pageAll(tool, key, idKey, args, limit)).toHaveLength(expected);
  });

  it('amigo_list_conversations and amigo_get_entity_timeline', async () => {
    const services = (await out('amigo_list_services', { limit: 20 })).services as Array<{
      id: string;
      channel_type: string;
    }>;
    const text = services.find((s) => s.channel_type === 'text')!;
    for (let i = 0; i < 3; i++)
      await out('amigo_send_message', { service_id: text.id, message: `hello ${i}` });
    const total = (await out('amigo_list_conversations', { limit: 1 })).total as number;
    expect(await pageAll('amigo_list_conversations', 'conversations', 'id', {}, 2)).toHaveLength(total);
    const patient = (
      (await out('amigo_list_entities', { entity_types: ['patient'], limit: 1 })).entities as Array<{
        id: string;
      }>
    )[0]!;
    expect(
      await pageAll('amigo_get_entity_timeline', 'events', 'id', { entity_id: patient.id }, 2),
    ).toHaveLength(5);
  });
});

describe('amigo_get_conversation pages a long conversation back to its first turn', () => {
  type Turns = Array<{ role: string; text: string }>;

  it('newest page first; next_cursor goes back, cut pages resume, each turn exactly once', async () => {
    const world = sandbox.worlds.amigo;
    const service = world.services.find((s) => s.channel_type === 'text')!;
    const state = world.createConversation(service, null, true);
    for (let i = 1; i < 240; i++)
      world.addTurn(
        state,
        i % 2 === 1 ? 'user' : 'agent',
        `turn ${i}: ${'words '.repeat(i % 7 === 0 ? 120 : 15)}`,
      );
    const id = state.detail.id;
    const first = await out('amigo_get_conversation', { conversation_id: id });
    expect((first.turns as Turns).map((t) => t.text)).toEqual(state.turns.slice(-50).map((t) => t.text));
    expect(first.next_cursor).toBeDefined();

    // A small budget cuts pages too: every page still fits, and the cursors still reach turn 0.
    const small = await connectTestClient({
      credentials: sandboxCredentials(sandbox, ['amigo']),
      maxResultChars: 4_000,
    });
    try {
      const pages: Turns[] = [];
      let cuts = 0;
      let cursor: string | undefined;
      for (let call = 0; call < 100; call++) {
        const result = await small.call('amigo_get_conversation', {
          conversation_id: id,
          limit: 30,
          ...(cursor ? { cursor } : {}),
        });
        expect(result.isError, resultText(result)).toBeFalsy();
        expect(resultText(result).length).toBeLessThanOrEqual(4_000);
        const page = result.structuredContent as { turns: Turns; next_cursor?: string; truncated?: boolean };
        pages.push(page.turns);
        if (page.truncated) cuts++;
        cursor = page.next_cursor;
        if (!cursor) break;
      }
      expect(cursor).toBeUndefined();
      expect(cuts).toBeGreaterThan(0);
      const texts = pages.reverse().flatMap((turns) => turns.map((t) => t.text));
      expect(texts).toEqual(state.turns.map((t) => t.text));
      expect(texts[0]).toMatch(/^Hello, this is/);
    } finally {
      await small.close();
    }
  });

  it('amigo_get_call pages its transcript too, and refuses the cursor of another call', async () => {
    const calls = (await out('amigo_list_calls', { limit: 2 })).calls as Array<{ call_id: string }>;
    const [one, two] = calls.map((c) => c.call_id);
    const first = await out('amigo_get_call', { call_id: one, limit: 1 });
    expect(first.transcript).toEqual([
      { state: 'greeting', caller: expect.any(String), agent: expect.any(String) },
    ]);
    const rest = await out('amigo_get_call', { call_id: one, limit: 1, cursor: first.next_cursor });
    expect(rest.transcript).toMatchObject([{ state: 'wrap_up' }]);
    expect(rest.next_cursor).toBeUndefined();
    const foreign = await conn.call('amigo_get_call', { call_id: two, limit: 1, cursor: first.next_cursor });
    expect(resultText(foreign)).toMatch(
      /cursor belongs to another amigo_get_call query \(different call_id\)/,
    );
  });

  it('the resource that leaves older turns out names a tool that pages to them', async () => {
    const world = sandbox.worlds.amigo;
    const state = world.createConversation(
      world.services.find((s) => s.channel_type === 'text')!,
      null,
      true,
    );
    for (let i = 1; i < 400; i++)
      world.addTurn(state, i % 2 === 1 ? 'user' : 'agent', `turn ${i} ${'x'.repeat(60)}`);
    const read = await conn.client.readResource({ uri: `amigo://conversations/${state.detail.id}` });
    const markdown = (read.contents.find((c) => c.mimeType === 'text/markdown') as { text: string }).text;
    const hint = markdown.match(/left out to fit the size budget; read them with (\w+)/);
    expect(hint?.[1]).toBe('amigo_get_conversation');
    const { tools } = await conn.client.listTools();
    const tool = tools.find((t) => t.name === hint?.[1]);
    expect(Object.keys(tool?.inputSchema.properties ?? {})).toContain('cursor');
    expect(Object.keys(tool?.outputSchema?.properties ?? {})).toContain('next_cursor');
  });
});

describe('read tools', () => {
  it('whoami, agent, service, call, entity, resolve, search, types, overview, analytics, functions', async () => {
    expect(await out('amigo_whoami')).toMatchObject({
      workspace_id: sandbox.amigo.workspaceId,
      workspace_matches: true,
    });
    const agents = (await out('amigo_list_agents', { search: 'scheduling' })).agents as Array<{ id: string }>;
    expect(await out('amigo_get_agent', { agent_id: agents[0]!.id })).toMatchObject({
      name: 'Maple Scheduling Agent',
      version: 2,
      identity: { role: 'Patient services assistant' },
      behaviors: expect.arrayContaining(['Confirms details before booking']),
    });
    const call = ((await out('amigo_list_calls', { limit: 1 })).calls as Array<{ call_id: string }>)[0]!;
    const detail = await out('amigo_get_call', { call_id: call.call_id });
    expect((detail.transcript as unknown[]).length).toBe(2);
    const transcript = await conn.client.readResource({ uri: `amigo://calls/${call.call_id}/transcript` });
    expect((transcript.contents[0] as { text: string }).text).toMatch(/\*\*caller\*\*/);
    const resolved = await out('amigo_resolve_entity', { entity_type: 'patient', phone: '+15550100000' });
    const entityId = (resolved.matches as Array<{ entity_id: string }>)[0]!.entity_id;
    expect(await out('amigo_get_entity', { entity_id: entityId })).toMatchObject({
      entity: { display_name: 'Avery Example', canonical_id: 'MRN-1000' },
    });
    expect((await out('amigo_search_world', { q: 'Avery' })).result).toMatchObject({
      total: expect.any(Number),
    });
    expect(await out('amigo_list_entity_types')).toMatchObject({ total_entities: 27 });
    const types = await conn.client.readResource({ uri: 'amigo://entity-types' });
    expect(JSON.parse((types.contents[0] as { text: string }).text)).toMatchObject({ total_entities: 27 });
    expect(await out('amigo_get_workspace_overview')).toMatchObject({
      voice: { calls_today: 12 },
      degraded_sections: [],
    });
    expect(await out('amigo_get_analytics', { days: 30 })).toMatchObject({
      days: 30,
      calls: { total_calls: 12 },
    });
    const functions = (await out('amigo_list_functions')).functions as Array<{ name: string }>;
    expect(functions.map((f) => f.name)).toEqual(['appointments_by_status', 'patients_by_tag']);
    expect(
      await out('amigo_invoke_function', { function_name: 'patients_by_tag', input: { tag: 'vip' } }),
    ).toMatchObject({ row_count: 5 });
  });
});

describe('errors a model can act on', () => {
  it('401 says to check AMIGO_API_KEY', async () => {
    const bad = await connectTestClient({
      credentials: {
        amigo: { ...sandboxCredentials(sandbox, ['amigo']).amigo!, apiKey: 'amigo_revoked_key_000' },
      },
    });
    try {
      expect(resultText(await bad.call('amigo_list_agents'))).toMatch(
        /amigo error 401 auth: Invalid or expired API key.*check AMIGO_API_KEY/,
      );
    } finally {
      await bad.close();
    }
  });

  it('a 422 names the offending field', async () => {
    const result = await conn.call('amigo_invoke_function', { function_name: 'patients_by_tag', input: {} });
    expect(resultText(result)).toMatch(
      /amigo error 422 validation: body\.input\.tag: Field required.*Fix the input/,
    );
  });

  it('404 says which tool lists valid ids', async () => {
    expect(
      resultText(await conn.call('amigo_get_agent', { agent_id: '00000000-0000-4000-8000-000000000000' })),
    ).toMatch(/404 not_found: Agent not found.*amigo_list_agents lists valid agent ids/);
    expect(
      resultText(await conn.call('amigo_get_entity', { entity_id: '00000000-0000-4000-8000-000000000000' })),
    ).toMatch(/amigo_list_entities/);
  });

  it('429 on a read honours Retry-After and then succeeds', async () => {
    const seed = Array.from({ length: 1000 }, (_, i) => i).find((s) => {
      const f = new FaultInjector({ seed: s, rateLimitRate: 0.5 });
      return f.decide().kind === 'rate_limited' && f.decide().kind === 'none';
    });
    sandbox.emulators.amigo.setFaults({ seed, rateLimitRate: 0.5, retryAfterSeconds: 1 });
    const before = sandbox.emulators.amigo.received;
    const started = Date.now();
    const result = await conn.call('amigo_list_entity_types');
    expect(result.isError).toBeFalsy();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(sandbox.emulators.amigo.received - before).toBe(2);
  });

  it('bad input is refused before any request', async () => {
    const before = sandbox.emulators.amigo.received;
    for (const [tool, args, pattern] of [
      ['amigo_send_message', { message: 'hi' }, /give service_id to start a conversation or conversation_id/],
      ['amigo_send_message', { message: 'hi', service_id: 'front-desk' }, /service_id must be a UUID/],
      ['amigo_list_agents', { limit: 21 }, /limit must be from 1 to 20/],
      ['amigo_resolve_entity', { entity_type: 'patient', phone: '555-0100' }, /phone must be E\.164/],
      ['amigo_get_call', { call_id: '../calls' }, /call_id must be/],
    ] as Array<[string, Out, RegExp]>) {
      expect(resultText(await conn.call(tool, args))).toMatch(pattern);
    }
    expect(sandbox.emulators.amigo.received).toBe(before);
  });
});
