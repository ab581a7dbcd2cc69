import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_USERS } from '../../src/platforms/ama2/emulator/state.js';
import { AttheneWorld } from '../../src/platforms/atthene/emulator/state.js';
import { CLI, cliEnv, startHttpCli } from '../helpers/cli.js';

// Issue #12 A: the tests imported the TypeScript source, so a bundle-only bug (YAML sessions)
// shipped. This pass drives the BUILT dist/cli.js on --sandbox, as an `npx` user gets it, and
// calls every listed tool, reads every resource template and gets every prompt. The coverage
// test at the end fails when the server lists something these tables do not exercise.
//
// Assertions read structuredContent (stable), not text (fenced and worded by other code).
// The three tables below (TOOL_STEPS, TEMPLATE_READS, PROMPT_GETS) are the one place to edit.

type Json = Record<string, unknown>;

/** Ids that earlier steps saved for later ones. */
class Saved {
  readonly #values = new Map<string, string>();
  set(name: string, value: unknown): void {
    expect(value, name).toBeTypeOf('string');
    expect(value, name).not.toBe('');
    this.#values.set(name, value as string);
  }
  get(name: string): string {
    const value = this.#values.get(name);
    if (value === undefined) throw new Error(`${name} was not saved: the step that saves it failed`);
    return value;
  }
}

const list = (value: unknown, what: string): Json[] => {
  expect(Array.isArray(value), `${what} is an array`).toBe(true);
  return value as Json[];
};
const nonEmpty = (value: unknown, what: string): Json[] => {
  const items = list(value, what);
  expect(items.length, `${what} is not empty`).toBeGreaterThan(0);
  return items;
};
const object = (value: unknown, what: string): Json => {
  expect(value, what).toBeTypeOf('object');
  expect(value, what).not.toBeNull();
  return value as Json;
};
const first = (value: unknown, what: string): Json => nonEmpty(value, what)[0] as Json;

// The sandbox's own data, so the pass needs no id written twice.
const AMA2_USER_ID = SANDBOX_USERS[0]?.id ?? '';
const KNOWLEDGE_BASE_ID = [...new AttheneWorld(0).knowledgeBases.keys()][0] ?? '';

const SMOKE_YAML = [
  'name: Smoke YAML Agent',
  'agent_type: llm_agent',
  'system_prompt: You answer the smoke test.',
  'llm_config:',
  '  model: gpt-4o',
  '  temperature: 0',
  'tools: []',
  '',
].join('\n');

const SMOKE_CONFIG: Json = {
  name: 'Smoke Agent',
  agent_type: 'llm_agent',
  system_prompt: 'You answer the smoke test.',
  llm_config: { model: 'gpt-4o', temperature: 0 },
  tools: [],
};

interface ToolStep {
  tool: string;
  /** Distinguishes several calls of one tool in the test name. */
  label?: string;
  args(saved: Saved): Json;
  /** Asserts on structuredContent and saves ids for later steps. */
  check(result: Json, saved: Saved): void;
}

/** In order: each step may use ids an earlier one saved. */
const TOOL_STEPS: ToolStep[] = [
  {
    tool: 'platforms_status',
    args: () => ({}),
    check: (r) => {
      const platforms = nonEmpty(r.platforms, 'platforms');
      expect(platforms.map((p) => p.platform)).toEqual(['ama2', 'amigo', 'atthene']);
      for (const p of platforms) expect(p).toMatchObject({ reachable: true, authenticated: true });
    },
  },

  // AMA2
  {
    tool: 'ama2_create_thread',
    args: () => ({ target_user_ids: [AMA2_USER_ID], initial_message: 'smoke: hello from the agent' }),
    check: (r, s) => {
      s.set('thread_id', r.thread_id);
      s.set('initial_message_id', r.initial_message_id);
      expect(r.resource_uri).toBe(`ama2://threads/${r.thread_id}`);
      expect(list(r.participants, 'participants').map((p) => p.sender_id)).toContain(`user:${AMA2_USER_ID}`);
    },
  },
  {
    tool: 'ama2_list_threads',
    args: () => ({ limit: 100 }),
    check: (r, s) => {
      expect(list(r.threads, 'threads').map((t) => t.thread_id)).toContain(s.get('thread_id'));
    },
  },
  {
    tool: 'ama2_send_message',
    args: (s) => ({ thread_id: s.get('thread_id'), content: 'smoke: a second message' }),
    check: (r, s) => {
      expect(r).toMatchObject({ thread_id: s.get('thread_id'), accepted: true });
      s.set('message_id', r.message_id);
      s.set('client_message_id', r.client_message_id);
    },
  },
  {
    tool: 'ama2_poll_events',
    args: (s) => ({ thread_id: s.get('thread_id'), after_seq: 0 }),
    check: (r, s) => {
      const events = nonEmpty(r.events, 'events');
      expect(events.map((e) => e.event_id)).toEqual(
        expect.arrayContaining([s.get('initial_message_id'), s.get('message_id')]),
      );
      expect(r.latest_seq).toBeGreaterThanOrEqual(2);
      s.set('latest_seq', String(r.latest_seq));
    },
  },
  {
    // The sandbox users answer the agent's messages, so an event after the latest one arrives.
    tool: 'ama2_wait_for_events',
    args: (s) => ({
      thread_id: s.get('thread_id'),
      after_seq: Number(s.get('latest_seq')),
      timeout_seconds: 10,
    }),
    check: (r) => {
      expect(r.timed_out).toBe(false);
      const event = first(r.events, 'events');
      expect(String(event.sender_id)).toMatch(/^user:/);
    },
  },
  {
    tool: 'ama2_set_participation_mode',
    args: (s) => ({ thread_id: s.get('thread_id'), participation_mode: 'invocation_only' }),
    check: (r, s) => {
      expect(r).toMatchObject({ thread_id: s.get('thread_id'), participation_mode: 'invocation_only' });
    },
  },
  {
    // The sandbox never delivers webhooks, so this reserved name is never contacted.
    tool: 'ama2_register_webhook',
    args: (s) => ({ thread_id: s.get('thread_id'), callback_url: 'https://hooks.example.invalid/smoke' }),
    check: (r, s) => {
      expect(r).toMatchObject({ thread_id: s.get('thread_id'), active: true });
      s.set('subscription_id', r.subscription_id);
    },
  },
  {
    tool: 'ama2_remove_webhook',
    args: (s) => ({ thread_id: s.get('thread_id'), subscription_id: s.get('subscription_id') }),
    check: (r, s) => {
      expect(r).toMatchObject({ subscription_id: s.get('subscription_id'), removed: true });
    },
  },

  // Amigo
  {
    tool: 'amigo_whoami',
    args: () => ({}),
    check: (r) => {
      expect(r.workspace_id).toBeTypeOf('string');
      expect(r.workspace_matches).toBe(true);
    },
  },
  {
    tool: 'amigo_get_workspace_overview',
    args: () => ({}),
    check: (r) => {
      expect(r.generated_at).toBeTypeOf('string');
    },
  },
  {
    tool: 'amigo_get_analytics',
    args: () => ({ days: 7 }),
    check: (r) => {
      expect(r.days).toBe(7);
      object(r.dashboard, 'dashboard');
    },
  },
  {
    tool: 'amigo_list_agents',
    args: () => ({ limit: 5 }),
    check: (r, s) => {
      s.set('amigo_agent_id', first(r.agents, 'agents').id);
    },
  },
  {
    tool: 'amigo_get_agent',
    args: (s) => ({ agent_id: s.get('amigo_agent_id') }),
    check: (r, s) => {
      expect(r.id).toBe(s.get('amigo_agent_id'));
    },
  },
  {
    tool: 'amigo_list_services',
    args: () => ({ limit: 20 }),
    check: (r, s) => {
      const text = nonEmpty(r.services, 'services').find((x) => x.channel_type === 'text' && x.is_active);
      s.set('service_id', text?.id);
    },
  },
  {
    tool: 'amigo_get_service',
    args: (s) => ({ service_id: s.get('service_id') }),
    check: (r, s) => {
      expect(object(r.service, 'service').id).toBe(s.get('service_id'));
      s.set('context_graph_id', object(r.service, 'service').context_graph_id);
      s.set('service_agent_id', object(r.service, 'service').agent_id);
    },
  },
  {
    tool: 'amigo_get_context_graph',
    args: (s) => ({ context_graph_id: s.get('context_graph_id') }),
    check: (r) => {
      expect(first(r.states, 'states').name).toBeTypeOf('string');
    },
  },
  {
    tool: 'amigo_create_agent_version',
    args: (s) => ({
      agent_id: s.get('service_agent_id'),
      changes: { background: 'smoke: a new background' },
    }),
    check: (r, s) => {
      expect(r.total_changes).toBe(1);
      s.set('agent_version', String(r.version));
    },
  },
  {
    tool: 'amigo_create_context_graph_version',
    args: (s) => ({
      context_graph_id: s.get('context_graph_id'),
      changes: { description: 'smoke: changed' },
    }),
    check: (r, s) => {
      expect(r.total_changes).toBe(1);
      s.set('graph_version', String(r.version));
    },
  },
  {
    tool: 'amigo_update_service',
    args: (s) => ({
      service_id: s.get('service_id'),
      changes: { keyterms: ['smoke'] },
      version_set: {
        name: 'smoke',
        agent_version_number: Number(s.get('agent_version')),
        context_graph_version_number: Number(s.get('graph_version')),
      },
    }),
    check: (r) => {
      expect(r.total_changes).toBeGreaterThanOrEqual(2);
    },
  },
  {
    tool: 'amigo_send_message',
    args: (s) => ({ service_id: s.get('service_id'), message: 'smoke: I would like to book an appointment' }),
    check: (r, s) => {
      expect(r.started).toBe(true);
      s.set('conversation_id', r.conversation_id);
      expect(first(r.replies, 'replies').text).toBeTypeOf('string');
    },
  },
  {
    tool: 'amigo_list_conversations',
    args: () => ({ limit: 100 }),
    check: (r, s) => {
      expect(list(r.conversations, 'conversations').map((c) => c.id)).toContain(s.get('conversation_id'));
    },
  },
  {
    tool: 'amigo_get_conversation',
    args: (s) => ({ conversation_id: s.get('conversation_id') }),
    check: (r, s) => {
      expect(r.id).toBe(s.get('conversation_id'));
      nonEmpty(r.turns, 'turns');
    },
  },
  {
    tool: 'amigo_list_entity_types',
    args: () => ({}),
    check: (r, s) => {
      s.set('entity_type', first(r.entity_types, 'entity_types').entity_type);
    },
  },
  {
    tool: 'amigo_list_entities',
    args: (s) => ({ entity_types: [s.get('entity_type')], limit: 5 }),
    check: (r, s) => {
      const entity = first(r.entities, 'entities');
      expect(entity.entity_type).toBe(s.get('entity_type'));
      s.set('entity_id', entity.id);
      s.set('canonical_id', entity.canonical_id);
      s.set('entity_name', entity.display_name);
    },
  },
  {
    tool: 'amigo_get_entity',
    args: (s) => ({ entity_id: s.get('entity_id') }),
    check: (r, s) => {
      expect(object(r.entity, 'entity').id).toBe(s.get('entity_id'));
    },
  },
  {
    tool: 'amigo_resolve_entity',
    args: (s) => ({ entity_type: s.get('entity_type'), canonical_id: s.get('canonical_id') }),
    check: (r, s) => {
      expect(JSON.stringify(nonEmpty(r.matches, 'matches'))).toContain(s.get('entity_id'));
    },
  },
  {
    tool: 'amigo_get_entity_timeline',
    args: (s) => ({ entity_id: s.get('entity_id') }),
    check: (r, s) => {
      expect(r.entity_id).toBe(s.get('entity_id'));
      nonEmpty(r.events, 'events');
    },
  },
  {
    tool: 'amigo_search_world',
    args: (s) => ({ q: s.get('entity_name') }),
    check: (r, s) => {
      expect(JSON.stringify(object(r.result, 'result'))).toContain(s.get('entity_id'));
    },
  },
  {
    tool: 'amigo_list_calls',
    args: () => ({ limit: 5 }),
    check: (r, s) => {
      s.set('call_id', first(r.calls, 'calls').call_id);
    },
  },
  {
    tool: 'amigo_get_call',
    args: (s) => ({ call_id: s.get('call_id') }),
    check: (r, s) => {
      expect(r.call_id).toBe(s.get('call_id'));
    },
  },
  {
    tool: 'amigo_list_functions',
    args: () => ({}),
    check: (r, s) => {
      // A function that needs no input, so the invoke below is valid whatever the function is.
      const free = nonEmpty(r.functions, 'functions').find(
        (f) => list(object(f.input_schema, 'input_schema').required ?? [], 'required').length === 0,
      );
      s.set('function_name', free?.name);
    },
  },
  {
    tool: 'amigo_invoke_function',
    args: (s) => ({ function_name: s.get('function_name'), input: {} }),
    check: (r) => {
      expect(r.result).toBeDefined();
    },
  },
  {
    tool: 'amigo_test_service',
    args: (s) => ({
      service_id: s.get('service_id'),
      user_turns: ['smoke: book a check-up', 'Thursday works'],
    }),
    check: (r, s) => {
      s.set('simulation_id', r.session_id);
      expect(r).toMatchObject({ final_state: 'confirm', scores: { score: 80 } });
      expect(nonEmpty(r.transcript, 'transcript')).toHaveLength(5);
    },
  },
  {
    tool: 'amigo_close_conversation',
    args: (s) => ({ conversation_id: s.get('conversation_id') }),
    check: (r, s) => {
      expect(r).toMatchObject({ conversation_id: s.get('conversation_id'), closed: true });
    },
  },

  // The operation catalog (issue #14): every operation of a platform's OpenAPI document.
  {
    tool: 'api_search_operations',
    args: () => ({ platform: 'amigo', query: 'agents', limit: 100 }),
    check: (r) => {
      expect(nonEmpty(r.operations, 'operations').map((o) => o.operation_id)).toContain('list-agents');
    },
  },
  {
    tool: 'api_describe_operation',
    args: () => ({ platform: 'amigo', operation_id: 'list-agents' }),
    check: (r) => {
      expect(r).toMatchObject({ method: 'GET', call_with: 'api_read', changes_data: false });
      // The workspace id is the server's to fill in: not a parameter the caller sees.
      expect(Object.keys(object(object(r.params, 'params').properties, 'properties'))).not.toContain(
        'workspace_id',
      );
    },
  },
  {
    tool: 'api_read',
    args: () => ({ platform: 'amigo', operation_id: 'list-agents', params: { limit: 5 } }),
    check: (r) => {
      expect(r.status).toBe(200);
      // A list answer is split out as items, so the registry can page it at the size budget.
      nonEmpty(r.items, 'agents');
      expect(object(r.data, 'data').items_field).toBe('items');
    },
  },
  {
    // No curated emulator route models it: the spec-driven responder answers from the document.
    tool: 'api_write',
    args: () => ({ platform: 'amigo', operation_id: 'world-sync-retry-all' }),
    check: (r) => {
      expect(r.status).toBe(200);
    },
  },

  // Atthene
  {
    tool: 'atthene_validate_agent',
    args: () => ({ config: SMOKE_CONFIG }),
    check: (r) => {
      expect(r.valid).toBe(true);
    },
  },
  {
    // Issue #12 A: in the bundle this answered "yaml is not valid YAML: a is not a function".
    tool: 'atthene_create_session',
    label: 'from yaml',
    args: () => ({ yaml: SMOKE_YAML }),
    check: (r, s) => {
      expect(r.source).toBe('yaml');
      s.set('session_id', r.session_id);
      expect(r.resource_uri).toBe(`atthene://sessions/${r.session_id}`);
    },
  },
  {
    tool: 'atthene_execute_turn',
    args: (s) => ({ session_id: s.get('session_id'), content: 'smoke: hello agent', wait_seconds: 15 }),
    check: (r, s) => {
      expect(r).toMatchObject({ session_id: s.get('session_id'), status: 'completed' });
      // The YAML's name reached the platform: the sandbox agent answers under it.
      expect(r.reply).toContain('Smoke YAML Agent');
    },
  },
  {
    tool: 'atthene_get_messages',
    args: (s) => ({ session_id: s.get('session_id') }),
    check: (r) => {
      const roles = list(r.messages, 'messages').map((m) => m.role);
      expect(roles).toEqual(expect.arrayContaining(['user', 'assistant']));
    },
  },
  {
    tool: 'atthene_get_status',
    args: (s) => ({ session_id: s.get('session_id') }),
    check: (r, s) => {
      expect(r.session_id).toBe(s.get('session_id'));
    },
  },
  {
    tool: 'atthene_get_session',
    args: (s) => ({ session_id: s.get('session_id') }),
    check: (r, s) => {
      expect(JSON.stringify(object(r.session, 'session'))).toContain(s.get('session_id'));
    },
  },
  {
    tool: 'atthene_list_sessions',
    args: () => ({ limit: 100 }),
    check: (r, s) => {
      expect(JSON.stringify(list(r.sessions, 'sessions'))).toContain(s.get('session_id'));
    },
  },
  {
    tool: 'atthene_list_agents',
    args: () => ({ limit: 100 }),
    check: (r, s) => {
      s.set('agent_key', first(r.agents, 'agents').agent_key);
    },
  },
  {
    tool: 'atthene_create_session',
    label: 'from agent_key',
    args: (s) => ({ agent_key: s.get('agent_key') }),
    check: (r, s) => {
      expect(r.agent_key).toBe(s.get('agent_key'));
      s.set('agent_session_id', r.session_id);
    },
  },
  {
    tool: 'atthene_delete_session',
    args: (s) => ({ session_id: s.get('agent_session_id') }),
    check: (r, s) => {
      expect(r).toMatchObject({ session_id: s.get('agent_session_id'), deleted: true });
    },
  },
  {
    tool: 'atthene_create_agent',
    args: () => ({ system_config: SMOKE_CONFIG }),
    check: (r, s) => {
      const agent = object(r.agent, 'agent');
      s.set('atthene_agent_id', agent.id);
      s.set('atthene_agent_version', agent.version_number);
      expect(agent.name).toContain(SMOKE_CONFIG.name);
    },
  },
  {
    tool: 'atthene_get_agent',
    args: (s) => ({ agent_id: s.get('atthene_agent_id') }),
    check: (r, s) => {
      expect(object(r.agent, 'agent').id).toBe(s.get('atthene_agent_id'));
    },
  },
  {
    tool: 'atthene_update_agent',
    args: (s) => ({
      agent_id: s.get('atthene_agent_id'),
      system_config: { system_prompt: 'smoke: updated' },
    }),
    check: (r, s) => {
      const agent = object(r.agent, 'agent');
      expect(agent.id).toBe(s.get('atthene_agent_id'));
      expect(agent.version_number).not.toBe(s.get('atthene_agent_version'));
    },
  },
  {
    tool: 'atthene_get_agent',
    label: 'after the update',
    args: (s) => ({ agent_id: s.get('atthene_agent_id') }),
    check: (r) => {
      const config = JSON.stringify(object(object(r.agent, 'agent').system_config, 'system_config'));
      expect(config).toContain('smoke: updated');
      expect(config).toContain(String(SMOKE_CONFIG.name));
    },
  },
  {
    tool: 'atthene_delete_agent',
    args: (s) => ({ agent_id: s.get('atthene_agent_id') }),
    check: (r, s) => {
      expect(r).toMatchObject({ agent_id: s.get('atthene_agent_id'), deleted: true });
    },
  },
  {
    tool: 'atthene_get_knowledge_base',
    args: () => ({ knowledge_base_id: KNOWLEDGE_BASE_ID }),
    check: (r) => {
      expect(object(r.knowledge_base, 'knowledge_base').id).toBe(KNOWLEDGE_BASE_ID);
    },
  },
];

interface TemplateRead {
  uri(saved: Saved): string;
  /** Every mime type the read must return (transcripts come as markdown and as JSON). */
  mimeTypes: string[];
  /** Text the markdown must contain: something an earlier step wrote. */
  contains?: string;
}

/** By resource template name; ids from TOOL_STEPS, read after all of them. */
const TEMPLATE_READS: Record<string, TemplateRead> = {
  ama2_thread: {
    uri: (s) => `ama2://threads/${s.get('thread_id')}`,
    mimeTypes: ['text/markdown', 'application/json'],
    contains: 'smoke: a second message',
  },
  amigo_conversation: {
    uri: (s) => `amigo://conversations/${s.get('conversation_id')}`,
    mimeTypes: ['text/markdown', 'application/json'],
    contains: 'smoke: I would like to book an appointment',
  },
  amigo_call_transcript: {
    uri: (s) => `amigo://calls/${s.get('call_id')}/transcript`,
    mimeTypes: ['text/markdown', 'application/json'],
  },
  amigo_entity_timeline: {
    uri: (s) => `amigo://entities/${s.get('entity_id')}/timeline`,
    mimeTypes: ['text/markdown', 'application/json'],
  },
  amigo_simulation: {
    uri: (s) => `amigo://simulations/${s.get('simulation_id')}`,
    mimeTypes: ['text/markdown', 'application/json'],
    contains: 'smoke: book a check-up',
  },
  atthene_session: {
    uri: (s) => `atthene://sessions/${s.get('session_id')}`,
    mimeTypes: ['text/markdown', 'application/json'],
    contains: 'smoke: hello agent',
  },
};

interface PromptGet {
  args(saved: Saved): Record<string, string>;
  /** A resource the prompt must embed. */
  embeds?(saved: Saved): string;
}

/** By prompt name. */
const PROMPT_GETS: Record<string, PromptGet> = {
  converse_with_ama2_thread: { args: (s) => ({ goal: 'smoke: say hello', thread_id: s.get('thread_id') }) },
  test_amigo_service: {
    args: (s) => ({ scenario: 'smoke: book a check-up', service_id: s.get('service_id') }),
  },
  run_atthene_agent: { args: (s) => ({ task: 'smoke: say hello', agent_key: s.get('agent_key') }) },
  summarize_conversation: {
    args: (s) => ({ uri: `atthene://sessions/${s.get('session_id')}` }),
    embeds: (s) => `atthene://sessions/${s.get('session_id')}`,
  },
};

interface Connection {
  client: Client;
  diagnostics(): string;
  close(): Promise<void>;
}

async function connectStdio(): Promise<Connection> {
  const env = Object.fromEntries(
    Object.entries(cliEnv()).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, '--sandbox'],
    env,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'smoke-stdio', version: '1.0.0' });
  await client.connect(transport);
  return { client, diagnostics: () => stderr.slice(-4000), close: () => client.close() };
}

async function connectHttp(): Promise<Connection> {
  const proc = await startHttpCli(['--sandbox']);
  const client = new Client({ name: 'smoke-http', version: '1.0.0' });
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(proc.url)));
  } catch (error) {
    proc.kill();
    throw error;
  }
  return {
    client,
    diagnostics: () => proc.stderr().slice(-4000),
    close: async () => {
      await client.close();
      proc.kill();
    },
  };
}

const TRANSPORTS = [
  { name: 'stdio', connect: connectStdio },
  { name: 'streamable HTTP', connect: connectHttp },
];

describe.each(TRANSPORTS.map((t) => [t.name, t.connect] as const))(
  'smoke pass over %s: built dist/cli.js --sandbox',
  (_name, connect) => {
    let conn: Connection | undefined;
    const saved = new Saved();
    const called = { tools: new Set<string>(), templates: new Set<string>(), prompts: new Set<string>() };
    let listed = { tools: [] as string[], templates: [] as ResourceTemplate[], prompts: [] as string[] };

    const client = (): Client => {
      if (!conn) throw new Error('no connection: the CLI did not start');
      return conn.client;
    };

    const transportErrors: string[] = [];

    beforeAll(async () => {
      conn = await connect();
      // On stdio a non-JSON-RPC line on stdout lands here.
      conn.client.onerror = (error) => transportErrors.push(error.message);
      // Listing tools first also makes the SDK client check each structuredContent against the
      // tool's outputSchema.
      const [tools, templates, prompts] = await Promise.all([
        conn.client.listTools(),
        conn.client.listResourceTemplates(),
        conn.client.listPrompts(),
      ]);
      listed = {
        tools: tools.tools.map((t) => t.name),
        templates: templates.resourceTemplates,
        prompts: prompts.prompts.map((p) => p.name),
      };
    });
    afterAll(async () => {
      await conn?.close();
    });

    async function callTool(name: string, args: Json): Promise<CallToolResult> {
      try {
        return (await client().callTool({ name, arguments: args })) as CallToolResult;
      } catch (error) {
        throw new Error(`${name} failed: ${(error as Error).message}\nserver stderr: ${conn?.diagnostics()}`);
      }
    }

    it.each(
      TOOL_STEPS.map((step) => [step.label ? `${step.tool} (${step.label})` : step.tool, step] as const),
    )('tool %s', async (_title, step) => {
      called.tools.add(step.tool);
      const result = await callTool(step.tool, step.args(saved));
      const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
      expect(result.isError, `${step.tool} answered an error: ${text}`).toBeFalsy();
      expect(text.trim(), `${step.tool} has text content`).not.toBe('');
      step.check(object(result.structuredContent, `${step.tool} structuredContent`), saved);
    });

    it('reads every resource template with a real id, in each mime type it offers', async () => {
      for (const template of listed.templates) {
        const read = TEMPLATE_READS[template.name];
        if (!read) continue; // Reported by the coverage test.
        called.templates.add(template.name);
        const uri = read.uri(saved);
        const { contents } = await client().readResource({ uri });
        expect(contents.map((c) => c.mimeType).sort(), uri).toEqual([...read.mimeTypes].sort());
        for (const content of contents) {
          expect(content.uri, uri).toBe(uri);
          const body = 'text' in content && typeof content.text === 'string' ? content.text : '';
          expect(body.trim(), `${uri} as ${content.mimeType}`).not.toBe('');
          if (content.mimeType === 'application/json') expect(() => JSON.parse(body), uri).not.toThrow();
          if (content.mimeType === 'text/markdown' && read.contains)
            expect(body, uri).toContain(read.contains);
        }
      }
    });

    it('reads every static resource in the listing', async () => {
      const { resources } = await client().listResources();
      const prefixes = listed.templates.map((t) => t.uriTemplate.slice(0, t.uriTemplate.indexOf('{')));
      const statics = resources.filter((r) => !prefixes.some((p) => r.uri.startsWith(p)));
      expect(statics.length).toBeGreaterThan(0);
      for (const resource of statics) {
        const { contents } = await client().readResource({ uri: resource.uri });
        expect(contents.length, resource.uri).toBeGreaterThan(0);
        expect(contents[0]?.mimeType, resource.uri).toBe(resource.mimeType);
      }
    });

    it('gets every prompt with real arguments', async () => {
      for (const name of listed.prompts) {
        const get = PROMPT_GETS[name];
        if (!get) continue; // Reported by the coverage test.
        called.prompts.add(name);
        const { messages } = await client().getPrompt({ name, arguments: get.args(saved) });
        expect(messages.length, name).toBeGreaterThan(0);
        for (const { content } of messages) {
          const body = content.type === 'text' ? content.text : JSON.stringify(content);
          expect(body.trim(), name).not.toBe('');
        }
        if (get.embeds) {
          const embedded = messages.flatMap(({ content }) =>
            content.type === 'resource' ? [content.resource] : [],
          );
          expect(
            embedded.map((r) => r.uri),
            name,
          ).toContain(get.embeds(saved));
        }
      }
    });

    it('exercised every tool, resource template and prompt the server lists, and nothing it does not', () => {
      const missing = (all: Iterable<string>, done: Iterable<string>) => {
        const seen = new Set(done);
        return [...new Set(all)].filter((n) => !seen.has(n));
      };
      const templateNames = listed.templates.map((t) => t.name);
      expect(
        {
          toolsNeverCalled: missing(listed.tools, called.tools),
          templatesNeverRead: missing(templateNames, called.templates),
          promptsNeverGot: missing(listed.prompts, called.prompts),
          // An entry for something the server no longer lists is stale.
          staleTools: missing(
            TOOL_STEPS.map((s) => s.tool),
            listed.tools,
          ),
          staleTemplates: missing(Object.keys(TEMPLATE_READS), templateNames),
          stalePrompts: missing(Object.keys(PROMPT_GETS), listed.prompts),
        },
        'add or remove entries in TOOL_STEPS / TEMPLATE_READS / PROMPT_GETS in test/e2e/smoke.test.ts',
      ).toEqual({
        toolsNeverCalled: [],
        templatesNeverRead: [],
        promptsNeverGot: [],
        staleTools: [],
        staleTemplates: [],
        stalePrompts: [],
      });
      // Issue #12 A names 44 tools; fewer means the listing itself broke.
      expect(listed.tools.length).toBeGreaterThanOrEqual(44);
    });

    it('saw no transport or protocol error', () => {
      expect(transportErrors).toEqual([]);
    });
  },
);
