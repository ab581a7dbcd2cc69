import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { OpenApiDocument } from '../../src/core/platform.js';
import { AttheneClient } from '../../src/platforms/atthene/client.js';
import type { HistoryShape } from '../../src/platforms/atthene/emulator/state.js';
import { atthene } from '../../src/platforms/atthene/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { EXAMPLES } from '../atthene/examples.js';
import { createContract } from '../helpers/openapi-contract.js';
import { startToolCli, type ToolCli } from './cli.js';

// Issue #14: the Atthene tools' and client's wire traffic, as the sandbox emulator recorded it
// (request and response), validates against src/platforms/atthene/openapi.json, over every
// variant the emulator serves (execute shapes A-C, history shapes, id names, KB status routes).

let sandbox: Sandbox;
let doc: OpenApiDocument;
let contract: ReturnType<typeof createContract>;
let cli: ToolCli | undefined;
beforeAll(async () => {
  sandbox = await startSandbox({ attheneExecuteDelayMs: 5 });
  doc = await atthene.openapi();
  contract = createContract(doc);
});
afterAll(async () => {
  cli?.close();
  await sandbox?.close();
});

const emulator = () => sandbox.emulators.atthene;
const world = () => sandbox.worlds.atthene;
const keys = () => new Set(emulator().requests.map((r) => contract.operationOf(r)?.key));
const CONFIG = EXAMPLES[0]!.config;

/** One pass of every tool, with the world serving the given variants. */
async function toolFlow(tools: ToolCli, history: HistoryShape[]) {
  await tools.call('atthene_validate_agent', { config: CONFIG });
  await tools.call('atthene_validate_agent', { config: { agent_type: 'llm_agent' } });
  const agent = await tools.call('atthene_create_agent', { system_config: CONFIG });
  const saved = agent.structuredContent?.agent as Record<string, unknown>;
  const agentId = String(saved.id ?? saved.agent_id);
  const agentKey = String(saved.agent_key);
  await tools.call('atthene_list_agents', {});
  await tools.call('atthene_get_agent', { agent_id: agentId });
  await tools.call('atthene_update_agent', {
    agent_id: agentId,
    system_config: { ...CONFIG, system_prompt: 'Be brief.' },
  });
  const session = await tools.call('atthene_create_session', { config: CONFIG });
  const sessionId = String(session.structuredContent?.session_id);
  await tools.call('atthene_create_session', { yaml: stringify(EXAMPLES[1]!.config) });
  await tools.call('atthene_create_session', { agent_id: agentId });
  const byKey = await tools.call('atthene_create_session', { agent_key: agentKey });
  await tools.call('atthene_list_sessions', {});
  await tools.call('atthene_get_session', { session_id: sessionId });
  for (const shape of ['A', 'B', 'C'] as const) {
    world().executeShape = shape;
    await tools.call('atthene_execute_turn', {
      session_id: sessionId,
      content: `Hello (${shape})`,
      correlation_id: 'c-1',
    });
  }
  for (const shape of history) {
    world().historyShape = shape;
    await tools.call('atthene_get_messages', { session_id: sessionId, limit: 2 });
  }
  await tools.call('atthene_get_status', { session_id: sessionId });
  const kbId = [...world().knowledgeBases.keys()][0]!;
  for (const route of ['check_status', 'status'] as const) {
    world().knowledgeBaseStatusRoute = route;
    await tools.call('atthene_get_knowledge_base', { knowledge_base_id: kbId });
  }
  await tools.call('atthene_delete_session', { session_id: String(byKey.structuredContent?.session_id) });
  await tools.call('atthene_delete_agent', { agent_id: agentId });
}

describe('Atthene tools and emulator against the OpenAPI document', () => {
  it('every tool through the built CLI, over every documented variant: each request and answer validates', async () => {
    emulator().clearRequests();
    cli = await startToolCli({
      ATTHENE_BASE_URL: sandbox.atthene.baseUrl,
      ATTHENE_API_KEY: sandbox.atthene.apiKey,
    });
    world().idNames = 'reference';
    await toolFlow(cli, ['messages', 'array', 'array-paged', 'paginated', 'page-number']);
    world().idNames = 'alternative';
    await toolFlow(cli, ['messages']);
    world().idNames = 'reference';
    world().historyShape = 'messages';

    expect(emulator().requests.flatMap(contract.contractProblems)).toEqual([]);
    const statuses = new Set(emulator().requests.map((r) => r.response?.status));
    // 404 only where the client probes check_status/ before falling back to status/ (note §4).
    expect([...statuses].sort()).toEqual([200, 201, 204, 404]);
    const notFound = emulator().requests.filter((r) => r.response?.status === 404);
    expect(new Set(notFound.map((r) => contract.operationOf(r)?.key))).toEqual(
      new Set(['GET /knowledge-bases/{kb_id}/check_status/']),
    );
    for (const key of [
      'POST /agent/validate/',
      'GET /agent/',
      'POST /agent/',
      'GET /agent/{agent_id}/',
      'PATCH /agent/{agent_id}/',
      'DELETE /agent/{agent_id}/',
      'POST /sessions/',
      'GET /sessions/',
      'GET /sessions/{session_id}/',
      'DELETE /sessions/{session_id}/',
      'POST /sessions/from-agent/{agent_id}/',
      'GET /sessions/from-agent/',
      'POST /runtime/{session_id}/execute/',
      'GET /runtime/{session_id}/messages/',
      'GET /runtime/{session_id}/status/',
      'GET /knowledge-bases/{kb_id}/',
      'GET /knowledge-bases/{kb_id}/check_status/',
      'GET /knowledge-bases/{kb_id}/status/',
    ])
      expect(keys(), key).toContain(key);
  });

  it("every example configuration of the note opens a session as the document's AgentConfig, and the error bodies match", async () => {
    emulator().clearRequests();
    const client = new AttheneClient(sandbox.atthene);
    const expired = new AttheneClient({
      ...sandbox.atthene,
      apiKey: 'atthene_sandbox_key_wrong_000000000000',
    });
    try {
      for (const example of EXAMPLES) await client.createSession(example.config as never);
      await expect(client.getSession('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
        status: 404,
      });
      await expect(
        client.execute('00000000-0000-4000-8000-000000000000', { content: 'hi' }),
      ).rejects.toMatchObject({
        status: 404,
      });
      await expect(expired.listAgents()).rejects.toMatchObject({ status: 401 });
      await expect(client.createAgent({ agent_type: 'llm_agent' } as never)).rejects.toMatchObject({
        status: 400,
      });
    } finally {
      await Promise.all([client.close(), expired.close()]);
    }
    const problems = emulator().requests.flatMap(contract.contractProblems);
    // The one deliberate violation: a system_config without the required name.
    expect(problems).toEqual([expect.stringMatching(/POST \/agent\/: request body: .*name/)]);
    expect(emulator().requests.map((r) => r.response?.status)).toEqual(
      expect.arrayContaining([201, 404, 401, 400]),
    );
  });

  it("the harness holds paths to the server's /api/v1 base and its trailing slashes", () => {
    const record = (rawPath: string) => ({
      method: 'GET',
      path: rawPath,
      rawPath,
      query: {},
      headers: {},
      bodyText: '',
      time: Date.now(),
      response: { status: 200, json: [] },
    });
    expect(contract.operationOf(record('/api/v1/agent/'))?.key).toBe('GET /agent/');
    expect(contract.operationOf(record('/api/v1/sessions/from-agent/?agent_key=a'))?.key).toBe(
      'GET /sessions/from-agent/',
    );
    expect(contract.contractProblems(record('/api/v1/agent'))).toEqual([
      expect.stringMatching(/is not an operation of the document/),
    ]);
    expect(contract.contractProblems(record('/agent/'))).toEqual([
      expect.stringMatching(/is not an operation of the document/),
    ]);
  });
});
