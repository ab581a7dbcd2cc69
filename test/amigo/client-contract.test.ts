import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmigoClient } from '../../src/platforms/amigo/client.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { operationKeys } from '../helpers/openapi-contract.js';
import { contractProblems, operationOf, SPEC } from './contract.js';

let sandbox: Sandbox;
let client: AmigoClient;
beforeAll(async () => {
  sandbox = await startSandbox();
  client = new AmigoClient({
    baseUrl: sandbox.amigo.baseUrl,
    apiKey: sandbox.amigo.apiKey,
    workspaceId: sandbox.amigo.workspaceId,
  });
});
afterAll(async () => {
  await client?.close();
  await sandbox?.close();
});

/** Agent and context graph versions, service updates and version sets (issue #14 section 2). */
async function versionsAndConfiguration(agentId: string, serviceId: string) {
  const versions = await client.listAgentVersions(agentId, { limit: 5 });
  const latest = versions.items.at(-1)!;
  const { name, initials, identity, background, behaviors, communication_patterns } = latest;
  const body = { name, initials, identity, background, behaviors, communication_patterns };
  expect((await client.createAgentVersion(agentId, { ...body, background: 'new' })).version).toBe(
    latest.version + 1,
  );
  const graphs = await client.listContextGraphs({ limit: 5, search: 'intake' });
  const graphId = graphs.items[0]!.id;
  await client.getContextGraph(graphId);
  await client.updateContextGraph(graphId, { description: 'Intake, reviewed.' });
  await client.listContextGraphVersions(graphId, { limit: 5 });
  const graph = await client.getContextGraphVersion(graphId, 'latest');
  const { states, new_user_initial_state, returning_user_initial_state, terminal_state } = graph;
  await client.createContextGraphVersion(graphId, {
    states,
    new_user_initial_state,
    returning_user_initial_state,
    terminal_state,
  });
  await client.updateService(serviceId, { keyterms: ['Maple Street', 'intake'], persona_id: null });
  await client.upsertVersionSet(serviceId, 'release', { version_set: { agent_version_number: 1 } });
}

describe('Amigo client and emulator against the OpenAPI document', () => {
  it('every operation the client uses: the request it sends and the answer the emulator gives validate', async () => {
    const agents = await client.listAgents({ limit: 20 });
    const agentId = agents.items[0]!.id;
    await client.listAgents({ limit: 5, continuation_token: 20, search: 'maple' });
    await client.getAgent(agentId);
    await client.getAgentVersion(agentId, 'latest');
    await client.getAgentVersion(agentId, 1);
    const services = await client.listServices({ limit: 20, is_active: true });
    const text = services.items.find((s) => s.channel_type === 'text')!;
    await client.getService(text.id);
    const conversation = await client.createConversation({ service_id: text.id, auto_greet: true });
    await client.createTurn(conversation.id, { message: 'Can I book an appointment?' }, true);
    for await (const _event of client.streamTurn(conversation.id, { message: 'Thanks' }, false)) {
      // drain
    }
    await client.listConversations({ limit: 5, offset: 0, status: 'active' });
    await client.getConversation(conversation.id);
    await client.closeConversation(conversation.id);
    const calls = await client.listCalls({ limit: 5, offset: 5 });
    const callId = String((calls.items[0] as { entity_id: string }).entity_id);
    await client.getCall(callId);
    await client.getCallIntelligence(callId);
    const entities = await client.listEntities({
      entity_type: ['patient', 'appointment'],
      tags: ['vip'],
      q: 'example',
      limit: 5,
      offset: 0,
    });
    const entityId = entities.entities[0]!.id;
    await client.listEntities({ semantic: 'insurance', limit: 100 });
    await client.searchWorld({ q: 'Avery', limit: 5 });
    await client.resolveEntity({ entity_type: 'patient', phone: '+15550100000' });
    await client.getEntity(entityId);
    await client.getEntityTimeline(entityId, { limit: 2, offset: 1 });
    await client.listEntityTypes();
    await client.getCommandCenter();
    await client.getAnalyticsDashboard(7);
    await client.getCallStats(30);
    await client.listFunctions();
    await client.invokeFunction('patients_by_tag', { input: { tag: 'vip' }, alias: 'latest' });
    await client.getAuthInfo();
    await versionsAndConfiguration(agentId, text.id);
    // Simulations (amigo_test_service, amigo://simulations/{id}); the operations only the catalog
    // reaches (simulation-step, -turns, -destroy) through the client's HTTP layer.
    const sim = await client.createTestConversation({ service_id: text.id });
    const [caller] = (await client.recommendCallerTurns({ session_id: sim.session_id, n: 2 })).suggestions;
    await client.stepTestConversation({ session_id: sim.session_id, caller_text: caller! });
    const at = (tail: string) => `/v1/${client.workspaceId}/simulations/sessions/${sim.session_id}${tail}`;
    await client.http.request({
      method: 'POST',
      path: at('/step'),
      json: { session_id: sim.session_id, caller_text: 'Thursday works.', emotion: 'calm', valence: 0.5 },
    });
    await client.http.request({ method: 'GET', path: at('/turns') });
    await client.observeSimulation(sim.session_id);
    await client.getSimulationIntelligence(sim.session_id);
    await client.scoreSimulation(sim.session_id, { score: 90, score_rationale: 'contract test' });
    await client.http.request({ method: 'DELETE', path: at('') });

    const records = sandbox.emulators.amigo.requests;
    const problems = records.flatMap(contractProblems);
    expect(problems).toEqual([]);
    // Every operation of the vendored document was exercised.
    const covered = new Set(records.map((r) => operationOf(r)?.key));
    const documented = operationKeys(SPEC);
    expect(documented.filter((k) => !covered.has(k))).toEqual([]);
  });

  it('FastAPI error shapes: 422 names the field, 404, 409 on a closed conversation, 401, 403 for another workspace', async () => {
    sandbox.emulators.amigo.clearRequests();
    // Page sizes are clamped to the operation's maximum instead of earning a 422.
    expect((await client.listAgents({ limit: 50 })).items).toHaveLength(20);
    await expect(client.invokeFunction('patients_by_tag', { input: {} })).rejects.toMatchObject({
      kind: 'validation',
      status: 422,
      message: 'body.input.tag: Field required',
      details: [{ field: 'body.input.tag', message: 'Field required' }],
    });
    await expect(client.getAgent('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      kind: 'not_found',
      message: 'Agent not found',
    });
    const text = (await client.listServices({ limit: 20 })).items.find((s) => s.channel_type === 'text')!;
    const conversation = await client.createConversation({ service_id: text.id });
    await client.closeConversation(conversation.id);
    await expect(client.createTurn(conversation.id, { message: 'hello?' }, false)).rejects.toMatchObject({
      kind: 'conflict',
      status: 409,
    });
    const bad = new AmigoClient({ ...client.credentials, apiKey: 'amigo_wrong_key_00000' });
    await expect(bad.getAuthInfo()).rejects.toMatchObject({ kind: 'auth', status: 401 });
    const other = new AmigoClient({
      ...client.credentials,
      workspaceId: '11111111-1111-4111-8111-111111111111',
    });
    await expect(other.listAgents({})).rejects.toMatchObject({ kind: 'permission', status: 403 });
    await Promise.all([bad.close(), other.close()]);
    expect(sandbox.emulators.amigo.requests.flatMap(contractProblems)).toEqual([]);
  });

  it('the harness flags a field the document does not declare, in the query or the body', () => {
    const ws = `/v1/${client.credentials.workspaceId}`;
    const record = {
      method: 'POST',
      path: `${ws}/conversations`,
      rawPath: `${ws}/conversations?after_seq=2`,
      query: { after_seq: ['2'] },
      headers: { 'content-type': 'application/json' },
      bodyText: JSON.stringify({ service_id: '5a4d0b0c-0002-4000-8000-000000000001', autogreet: false }),
      json: { service_id: '5a4d0b0c-0002-4000-8000-000000000001', autogreet: false },
      time: Date.now(),
    };
    expect(contractProblems(record)).toEqual([
      expect.stringMatching(/query parameter after_seq is not documented/),
      expect.stringMatching(/body\.autogreet is not in the operation's body schema/),
    ]);
    // Any 422, documented for the operation or not, is FastAPI's validation error.
    const refused = {
      ...record,
      rawPath: `${ws}/conversations`,
      response: { status: 422, json: { detail: 'not a list' } },
    };
    expect(contractProblems(refused)).toContainEqual(
      expect.stringMatching(/422 body: .*detail must be array/),
    );
  });
});
