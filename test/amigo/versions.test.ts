import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { amigo } from '../../src/platforms/amigo/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { type CliProcess, startCli } from '../helpers/cli.js';
import { contractProblems } from './contract.js';

// Issue #14 section 2 on the BUILT CLI: the curated tools that read a context graph and change
// agents, context graphs and services. The Amigo emulator runs in this process (so the test sees
// the wire requests it received); the CLI reaches it as it would reach the platform.

type Json = Record<string, unknown>;
const AGENT = '5a4d0b0c-0001-4000-8000-000000000002'; // Maple Scheduling Agent, latest version 2
const GRAPH = '5a4d0b0c-0003-4000-8000-000000000002'; // Appointment scheduling, latest version 2
const SERVICE = '5a4d0b0c-0002-4000-8000-000000000002'; // Appointment Line: that agent and graph
const MISSING = '00000000-0000-4000-8000-000000000000';

let sandbox: Sandbox;
let proc: CliProcess | undefined;
beforeAll(async () => {
  sandbox = await startSandbox({}, [amigo]);
});
afterAll(async () => {
  // Everything sent, and every answer, held to the OpenAPI document.
  expect(sandbox.emulators.amigo.requests.flatMap(contractProblems)).toEqual([]);
  await sandbox?.close();
});
afterEach(() => proc?.kill());

async function start(): Promise<CliProcess> {
  const { baseUrl, apiKey, workspaceId } = sandbox.amigo;
  proc = await startCli([], {
    AMIGO_BASE_URL: baseUrl,
    AMIGO_API_KEY: apiKey,
    AMIGO_WORKSPACE_ID: workspaceId,
    LOG_LEVEL: 'warn',
  });
  return proc;
}

async function call(name: string, args: Json): Promise<{ isError?: boolean; text: string; out: Json }> {
  const answer = (await proc!.rpc('tools/call', { name, arguments: args })).result as Json;
  const content = answer.content as Array<{ text?: string }>;
  return {
    isError: answer.isError as boolean | undefined,
    text: content.map((c) => c.text ?? '').join('\n'),
    out: (answer.structuredContent ?? {}) as Json,
  };
}

/** The requests the emulator received from `from` on, as `METHOD path`. */
const wire = (from: number) =>
  sandbox.emulators.amigo.requests
    .slice(from)
    .map((r) => `${r.method} ${r.path.replace(/^\/v1\/[^/]+/, '')}`);
const lastBody = (method: string) =>
  sandbox.emulators.amigo.requests.filter((r) => r.method === method).at(-1)?.json as Json;

describe('the Amigo emulator models versions strictly, from the document', () => {
  const post = async (path: string, body: Json) => {
    const { baseUrl, apiKey, workspaceId } = sandbox.amigo;
    const response = await fetch(`${baseUrl}/v1/${workspaceId}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Json };
  };
  const graph = (states: unknown[]) => ({
    states,
    new_user_initial_state: 'greet',
    returning_user_initial_state: 'greet',
    terminal_state: 'greet',
  });

  it("refuses a context graph state as pydantic refuses a tagged union's member", async () => {
    const bad = await post(
      `/context-graphs/${GRAPH}/versions`,
      graph([{ type: 'loop', name: 'a' }, { name: 'b' }, { type: 'annotation', name: 'c', next_state: 'a' }]),
    );
    expect(bad.status).toBe(422);
    expect((bad.json.detail as Json[]).map((d) => [d.type, (d.loc as unknown[]).join('.')])).toEqual([
      ['union_tag_invalid', 'body.states.0'],
      ['union_tag_not_found', 'body.states.1'],
      ['missing', 'body.states.2.annotation.inner_thought'],
    ]);
    const extra = await post(
      `/context-graphs/${GRAPH}/versions`,
      graph([{ type: 'annotation', name: 'c', next_state: 'c', inner_thought: 'x', mood: 'calm' }]),
    );
    expect(extra.json.detail).toEqual([
      expect.objectContaining({ loc: ['body', 'states', 0, 'annotation', 'mood'] }),
    ]);
    // Refused on purpose: left out of the contract check at the end.
    sandbox.emulators.amigo.clearRequests();
  });

  it('numbers each new version after the last, and the agent and graph show it as latest', async () => {
    const agent = '5a4d0b0c-0001-4000-8000-000000000003';
    const identity = { name: 'B', role: 'r', developed_by: 'd', default_spoken_language: 'en' };
    const first = await post(`/agents/${agent}/versions`, { name: 'Billing v3', identity });
    const second = await post(`/agents/${agent}/versions`, { name: 'Billing v4', identity });
    expect([first.status, first.json.version, second.json.version]).toEqual([201, 3, 4]);
    expect(first.json).toMatchObject({ initials: '', background: '', behaviors: [], voice_config: null });
    const graphId = '5a4d0b0c-0003-4000-8000-000000000003';
    const made = await post(`/context-graphs/${graphId}/versions`, graph([]));
    expect(made.json.version).toBe(3);
    expect(sandbox.worlds.amigo.contextGraphs[2]).toMatchObject({ latest_version: 3, state_count: 0 });
    expect(sandbox.worlds.amigo.agents[2]).toMatchObject({ latest_version: 4 });
  });
});

describe('Amigo versions and service configuration on the built CLI', () => {
  it('amigo_get_context_graph shows states, types and exits compactly, and where to read more', async () => {
    await start();
    const { out, isError, text } = await call('amigo_get_context_graph', { context_graph_id: GRAPH });
    expect(isError, text).toBeFalsy();
    expect(out).toMatchObject({ id: GRAPH, name: 'Appointment scheduling', latest_version: 2, version: 2 });
    expect(out.states_total).toBe(4);
    expect((out.states as Json[])[1]).toEqual({
      name: 'identify',
      type: 'action',
      objective: 'Confirm who the patient is: full name and date of birth.',
      exits: ['handle: Identity confirmed', 'wrap_up: The patient cannot be identified'],
    });
    expect(out.full_text).toContain('get-context_graph-version');
    const v1 = await call('amigo_get_context_graph', { context_graph_id: GRAPH, version: 1 });
    expect((v1.out.states as Json[]).map((s) => s.name)).toEqual(['greet', 'handle', 'wrap_up']);
    const missing = await call('amigo_get_context_graph', { context_graph_id: MISSING });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/404 not_found: Context graph not found.*amigo_get_service/);
  });

  it('amigo_create_agent_version merges the changes into the latest version, posts it and returns the diff', async () => {
    await start();
    const from = sandbox.emulators.amigo.requests.length;
    const { out, isError, text } = await call('amigo_create_agent_version', {
      agent_id: AGENT,
      changes: {
        background: 'Books, moves and cancels appointments at a fictional clinic.',
        identity: { role: 'Scheduling assistant' },
      },
    });
    expect(isError, text).toBeFalsy();
    expect(wire(from)).toEqual([
      `GET /agents/${AGENT}`,
      `GET /agents/${AGENT}/versions/2`,
      `POST /agents/${AGENT}/versions`,
    ]);
    const sent = lastBody('POST');
    // Top-level fields replaced, the identity object merged one level, the rest kept as they were.
    expect(sent.identity).toEqual({
      name: 'Maple Scheduling Agent',
      role: 'Scheduling assistant',
      developed_by: 'Maple Street Health (fictional)',
      default_spoken_language: 'en',
    });
    expect(sent.behaviors).toHaveLength(3);
    expect(Object.keys(sent).sort()).toEqual(
      [
        'background',
        'behaviors',
        'communication_patterns',
        'identity',
        'initials',
        'name',
        'voice_config',
      ].sort(),
    );
    expect(out).toMatchObject({ agent_id: AGENT, version: 3, previous_version: 2, total_changes: 2 });
    expect(out.changes).toEqual([
      'background: "Helps patients of a fictional clinic with questions, appoint…" -> "Books, moves and cancels appointments at a fictional clinic."',
      'identity.role: "Patient services assistant" -> "Scheduling assistant"',
    ]);
    const agent = await call('amigo_get_agent', { agent_id: AGENT });
    expect(agent.out).toMatchObject({ version: 3, identity: { role: 'Scheduling assistant' } });
  });

  it('refuses an unknown field before any request, an invalid or no-op change before any write', async () => {
    await start();
    const from = sandbox.emulators.amigo.requests.length;
    const typo = await call('amigo_create_agent_version', {
      agent_id: AGENT,
      changes: { behaviours: ['x'] },
    });
    expect(typo.isError).toBe(true);
    expect(typo.text).toMatch(
      /changes\.behaviours: not a field of create-agent-version; its fields are .*behaviors/,
    );
    expect(wire(from)).toEqual([]);

    const invalid = await call('amigo_create_agent_version', {
      agent_id: AGENT,
      changes: { behaviors: 'Be brief', initials: 'TOO-LONG-INITIALS' },
    });
    expect(invalid.isError).toBe(true);
    expect(invalid.text).toContain('create-agent-version would refuse this (nothing was sent)');
    expect(invalid.text).toContain('body.behaviors: must be array');
    expect(invalid.text).toContain('body.initials: must NOT have more than 10 characters');

    const same = await call('amigo_update_service', {
      service_id: SERVICE,
      changes: { channel_type: 'voice' },
    });
    expect(same.isError).toBe(true);
    expect(same.text).toContain('changes leave the service as it is: nothing to do');
    const badService = await call('amigo_update_service', {
      service_id: SERVICE,
      changes: { tool_capacity: 99 },
    });
    expect(badService.text).toContain('body.tool_capacity: must be <= 10');
    expect(wire(from).filter((r) => !r.startsWith('GET '))).toEqual([]);
  });

  it('404 names the tool that lists valid ids', async () => {
    await start();
    const agent = await call('amigo_create_agent_version', {
      agent_id: MISSING,
      changes: { background: 'x' },
    });
    expect(agent.text).toMatch(/404 not_found: Agent not found.*amigo_list_agents/);
    const graph = await call('amigo_create_context_graph_version', {
      context_graph_id: MISSING,
      changes: { description: 'x' },
    });
    expect(graph.text).toMatch(/404 not_found: Context graph not found.*amigo_get_service/);
    const service = await call('amigo_update_service', {
      service_id: MISSING,
      changes: { description: 'x' },
    });
    expect(service.text).toMatch(/404 not_found: Service not found.*amigo_list_services/);
  });

  it('amigo_create_context_graph_version changes one state by name, adds one and removes none', async () => {
    await start();
    const { out, isError, text } = await call('amigo_create_context_graph_version', {
      context_graph_id: GRAPH,
      changes: {
        states: {
          identify: { objective: 'Confirm the full name, date of birth and phone number.' },
          survey: {
            type: 'annotation',
            inner_thought: 'Ask how the booking went.',
            next_state: 'wrap_up',
          },
        },
      },
    });
    expect(isError, text).toBeFalsy();
    const sent = lastBody('POST').states as Json[];
    expect(sent.map((s) => s.name)).toEqual(['greet', 'identify', 'handle', 'wrap_up', 'survey']);
    expect(sent[1]).toMatchObject({ objective: 'Confirm the full name, date of birth and phone number.' });
    expect(sent[1]?.exit_conditions).toHaveLength(2);
    expect(out).toMatchObject({ version: 3, previous_version: 2, total_changes: 2 });
    expect(out.changes).toEqual([
      'states[identify].objective: "Confirm who the patient is: full name and date of birth." -> "Confirm the full name, date of birth and phone number."',
      'states[survey]: (none) -> {"name":"survey","type":"annotation","inner_thought":"Ask ho…',
    ]);
    const read = await call('amigo_get_context_graph', { context_graph_id: GRAPH });
    expect(read.out).toMatchObject({ latest_version: 3, states_total: 5 });

    // A state the document's tagged union refuses never reaches the platform.
    const before = sandbox.emulators.amigo.requests.length;
    const bad = await call('amigo_create_context_graph_version', {
      context_graph_id: GRAPH,
      changes: { states: { greet: null, loop: { type: 'loop' } } },
    });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain('create-context_graph-version would refuse this');
    expect(wire(before).filter((r) => r.startsWith('POST'))).toEqual([]);
  });

  it('amigo_update_service sends only the changed fields, then pins a version set', async () => {
    await start();
    const from = sandbox.emulators.amigo.requests.length;
    const { out, isError, text } = await call('amigo_update_service', {
      service_id: SERVICE,
      changes: {
        description: 'Books appointments by phone (fictional).',
        keyterms: ['Maple Street', 'check-up'],
        channel_type: 'voice', // already voice: not sent, only what changes is
      },
      version_set: { name: 'release', agent_version_number: 2, context_graph_version_number: 1 },
    });
    expect(isError, text).toBeFalsy();
    expect(wire(from)).toEqual([
      `GET /services/${SERVICE}`,
      `PUT /services/${SERVICE}`,
      `PUT /services/${SERVICE}/version-sets/release`,
    ]);
    const puts = sandbox.emulators.amigo.requests.filter((r) => r.method === 'PUT').slice(-2);
    expect(puts[0]?.json).toEqual({
      description: 'Books appointments by phone (fictional).',
      keyterms: ['Maple Street', 'check-up'],
    });
    expect(puts[1]?.json).toEqual({
      version_set: { agent_version_number: 2, context_graph_version_number: 1 },
    });
    expect(out.changes).toEqual([
      'description: "Voice calls with patients (fictional)." -> "Books appointments by phone (fictional)."',
      'keyterms[1]: (none) -> "check-up"',
      'version_sets.release: (none) -> {"agent_version_number":2,"context_graph_version_number":1}',
    ]);
    // A second call moves one pin and keeps the other (read, merge, put).
    await call('amigo_update_service', {
      service_id: SERVICE,
      version_set: { name: 'release', agent_version_number: 1 },
    });
    expect(lastBody('PUT')).toEqual({
      version_set: { agent_version_number: 1, context_graph_version_number: 1, llm_model_preferences: {} },
    });
    const service = await call('amigo_get_service', { service_id: SERVICE });
    expect((service.out.service as Json).version_sets).toEqual({
      release: { agent_version_number: 1, context_graph_version_number: 1 },
    });
    // A pin to a version that does not exist: the platform validates pins (upsert-service-version-set).
    const pinned = await call('amigo_update_service', {
      service_id: SERVICE,
      version_set: { name: 'release', agent_version_number: 9 },
    });
    expect(pinned.isError).toBe(true);
    expect(pinned.text).toMatch(/422.*version 9 does not exist/);
  });
});
