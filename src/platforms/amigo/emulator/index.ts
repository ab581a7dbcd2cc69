import { setTimeout as sleep } from 'node:timers/promises';
import {
  createEmulator,
  type Emulator,
  type EmulatorRequest,
  type EmulatorResponse,
  type JsonResponse,
} from '../../../core/emulator/emulator.js';
import type { FaultOptions } from '../../../core/emulator/faults.js';
import type { Logger } from '../../../core/log.js';
import { AMIGO_SANDBOX_API_KEY, AMIGO_SANDBOX_WORKSPACE_ID } from './credentials.js';
import {
  amigoOperation,
  extraForbidden,
  jsonInvalid,
  unknownFields,
  type ValidInput,
  validateAmigoRequest,
} from './validate.js';
import { AmigoWorld, type ConversationState } from './world.js';

export interface AmigoEmulatorOptions {
  faults?: FaultOptions;
  logger?: Logger;
  /** How long a conversation turn takes (default 30 ms). */
  turnDelayMs?: number;
}

type Json = Record<string, unknown>;
const KEY_ID = 'sbx-key-0001';

// FastAPI error bodies (apis/amigo.md §3): {detail: string} or, for 422, a list of {loc, msg, type}.
const detail = (status: number, message: string): EmulatorResponse => ({ status, json: { detail: message } });
const invalid = (
  loc: Array<string | number>,
  msg: string,
  type: string,
  input?: unknown,
): EmulatorResponse => ({
  status: 422,
  json: { detail: [{ loc, msg, type, ...(input === undefined ? {} : { input }) }] },
});

const isResponse = (v: unknown): v is EmulatorResponse =>
  typeof v === 'object' && v !== null && 'status' in v;

/** The Amigo Platform API (apis/amigo.md, openapi.json): FastAPI error bodies, workspace-scoped paths. */
export function createAmigoEmulator(options: AmigoEmulatorOptions = {}): {
  emulator: Emulator;
  world: AmigoWorld;
} {
  const world = new AmigoWorld(AMIGO_SANDBOX_WORKSPACE_ID, options.turnDelayMs ?? 30);
  const emulator = createEmulator({
    platform: 'amigo',
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    badJson: (req) => ({ status: 422, json: { detail: [jsonInvalid(req.bodyText)] } }),
    errorBody: (_status, errorCase, message) => ({
      detail: errorCase === 'not_found' ? 'Not Found' : message,
    }),
    authenticate: (req) => {
      if (req.headers.authorization !== `Bearer ${AMIGO_SANDBOX_API_KEY}`)
        return detail(401, 'Invalid or expired API key');
      // The key is bound to one workspace; any other workspace id in the path is refused.
      const workspace = /^\/v1\/([0-9a-f-]{36})(\/|$)/i.exec(req.path)?.[1];
      if (workspace && workspace.toLowerCase() !== AMIGO_SANDBOX_WORKSPACE_ID) {
        return detail(403, 'API key is not authorized for this workspace');
      }
      return null;
    },
  });
  /** An operation of the document: its request validated first, as FastAPI does (amigo-validate.ts). */
  const op = (
    method: string,
    path: string,
    handler: (req: EmulatorRequest, input: ValidInput) => EmulatorResponse | Promise<EmulatorResponse>,
  ) => {
    const operation = amigoOperation(method, path);
    if (!operation) throw new Error(`${method} ${path} is not an operation of the Amigo document`);
    emulator.route(method, path, (req) => {
      const input = validateAmigoRequest(operation, req);
      if (Array.isArray(input)) return { status: 422, json: { detail: input } };
      // The platform (FastAPI) ignores fields it does not declare; the sandbox refuses them with
      // pydantic's extra_forbidden, on purpose: a misspelled field is a client bug that an ignoring
      // sandbox would hide (issue #12 C). The one place the sandbox is stricter than the platform.
      const unknown = unknownFields(operation, req);
      if (unknown.length > 0) return { status: 422, json: { detail: unknown.map(extraForbidden) } };
      Object.assign(req.params, input.path);
      return handler(req, input);
    });
  };
  const ws = (
    method: string,
    pattern: string,
    handler: (req: EmulatorRequest, input: ValidInput) => EmulatorResponse | Promise<EmulatorResponse>,
  ) => op(method, `/v1/:workspace_id${pattern}`, handler);
  const ok = (json: unknown, status = 200): JsonResponse => ({ status, json });

  emulator.route('GET', '/health', () => ok({ status: 'ok' }), { public: true });
  op('GET', '/v1/auth/me', () =>
    ok({
      key_id: KEY_ID,
      name: 'Sandbox key',
      workspace_id: AMIGO_SANDBOX_WORKSPACE_ID,
      expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      expires_in_seconds: 30 * 86_400,
    }),
  );

  /** Continuation-token lists: the token is the offset of the next item. */
  const tokenPage = ({ query }: ValidInput, all: Json[]) => {
    const limit = query.limit as number;
    const token = query.continuation_token as number;
    const search = (query.search as string | null | undefined)?.toLowerCase();
    const matching = search ? all.filter((x) => String(x.name).toLowerCase().includes(search)) : all;
    const items = matching.slice(token, token + limit);
    const more = token + limit < matching.length;
    return ok({
      items,
      has_more: more,
      continuation_token: more ? token + limit : null,
      total: matching.length,
    });
  };
  /** Offset lists; `next` adds next_offset (entities, timeline) as those operations do. */
  const offsetPage = (
    { query }: ValidInput,
    all: Json[],
    key: string,
    next: boolean,
    extra: Json = {},
    offset = query.offset as number,
  ) => {
    const limit = query.limit as number;
    const more = offset + limit < all.length;
    return ok({
      ...extra,
      [key]: all.slice(offset, offset + limit),
      total: all.length,
      has_more: more,
      ...(next ? { next_offset: more ? offset + limit : null } : {}),
    });
  };

  ws('GET', '/agents', (_req, input) => tokenPage(input, world.agents));
  ws('GET', '/agents/:agent_id', (req) => {
    const agent = world.agents.find((a) => a.id === req.params.agent_id);
    return agent ? ok(agent) : detail(404, 'Agent not found');
  });
  ws('GET', '/agents/:agent_id/versions/:version', (req) => {
    const agent = world.agents.find((a) => a.id === req.params.agent_id);
    if (!agent) return detail(404, 'Agent not found');
    const version = req.params.version === 'latest' ? 2 : Number(req.params.version);
    if (!Number.isInteger(version) || version < 1 || version > 2)
      return detail(404, 'Agent version not found');
    const name = String(agent.name);
    return ok({
      id: `${String(agent.id).slice(0, 24)}${String(version).padStart(12, '0')}`,
      agent_id: agent.id,
      workspace_id: AMIGO_SANDBOX_WORKSPACE_ID,
      version,
      name,
      initials: name
        .split(' ')
        .map((w) => w[0])
        .join('')
        .slice(0, 3),
      identity: {
        name,
        role: 'Patient services assistant',
        developed_by: 'Maple Street Health (fictional)',
        default_spoken_language: 'en',
      },
      background: 'Helps patients of a fictional clinic with questions, appointments and billing.',
      behaviors: [
        'Greets by name when known',
        'Confirms details before booking',
        'Escalates medical questions to staff',
      ],
      communication_patterns: ['Short, warm sentences', 'One question at a time'],
      voice_config: null,
      created_at: agent.created_at,
      updated_at: agent.updated_at,
    });
  });

  ws('GET', '/services', (_req, input) => {
    const active = input.query.is_active;
    const all =
      typeof active === 'boolean' ? world.services.filter((s) => s.is_active === active) : world.services;
    return tokenPage(input, all);
  });
  ws('GET', '/services/:service_id', (req) => {
    const service = world.service(req.params.service_id ?? '');
    return service ? ok(service) : detail(404, 'Service not found');
  });

  const conversationDetail = (c: ConversationState) => ({ ...c.detail, turns: c.turns });
  ws('POST', '/conversations', (_req, { body }) => {
    const service = world.service(body.service_id as string);
    if (!service) return detail(404, 'Service not found');
    if (service.channel_type !== 'text')
      return detail(
        422,
        `Service ${service.name} is a ${service.channel_type} service; conversations need a text service`,
      );
    const created = world.createConversation(
      service,
      (body.entity_id as string | null | undefined) ?? null,
      body.auto_greet as boolean,
    );
    return ok(conversationDetail(created), 201);
  });
  ws('GET', '/conversations', (_req, input) => {
    const status = input.query.status;
    const all = [...world.conversations.values()]
      .map((c) => c.detail)
      .filter((c) => !status || c.status === status)
      .reverse();
    return offsetPage(input, all, 'items', false);
  });
  ws('GET', '/conversations/:conversation_id', (req) => {
    const found = world.conversations.get(req.params.conversation_id ?? '');
    return found ? ok(conversationDetail(found)) : detail(404, 'Conversation not found');
  });
  ws('DELETE', '/conversations/:conversation_id', (req) => {
    const found = world.conversations.get(req.params.conversation_id ?? '');
    if (!found) return detail(404, 'Conversation not found');
    found.detail.status = 'closed';
    found.detail.lifecycle = 'closed';
    return { status: 204 };
  });

  /** Validates a turn and marks the conversation busy; the caller produces the answer. */
  const startTurn = (
    req: EmulatorRequest,
    { body }: ValidInput,
  ): { state: ConversationState; message: string } | EmulatorResponse => {
    const state = world.conversations.get(req.params.conversation_id ?? '');
    if (!state) return detail(404, 'Conversation not found');
    const message = body.message as string;
    if (state.detail.status === 'closed')
      return detail(409, 'Conversation is closed; start a new conversation');
    if (state.busy) return detail(409, 'A turn is already in progress for this conversation');
    state.busy = true;
    return { state, message };
  };

  ws('POST', '/conversations/:conversation_id/turns', async (req, valid) => {
    const started = startTurn(req, valid);
    if (isResponse(started)) return started;
    const { state, message } = started;
    try {
      await sleep(world.turnDelayMs);
      const input = world.addTurn(state, 'user', message);
      const reply = world.reply(state, message);
      const output = world.addTurn(state, 'agent', reply.text);
      const withTools = valid.query.include_tool_calls === true;
      return ok({
        turn_id: `turn-${state.turns.length}`,
        input,
        output: [output],
        tool_calls:
          withTools && reply.tool
            ? [
                {
                  tool_name: reply.tool.name,
                  call_id: `call-${state.turns.length}`,
                  input: reply.tool.input,
                  result: reply.tool.result,
                  succeeded: true,
                },
              ]
            : [],
        conversation: {
          id: state.detail.id,
          status: state.detail.status,
          turn_count: state.detail.turn_count,
          updated_at: state.detail.updated_at,
        },
      });
    } finally {
      state.busy = false;
    }
  });

  ws('POST', '/conversations/:conversation_id/turns/stream', (req, input) => {
    const started = startTurn(req, input);
    if (isResponse(started)) return started;
    const { state, message } = started;
    const withTools = input.query.include_tool_calls === true;
    return {
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
      // The event name travels only on the `event:` line (apis/amigo.md §7).
      stream: async (write, signal) => {
        const send = (event: string, data: Json) =>
          write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        try {
          world.addTurn(state, 'user', message);
          send('thinking', { tier: 1, tier_name: 'fast' });
          const reply = world.reply(state, message);
          if (withTools && reply.tool) {
            send('tool_call_started', {
              call_id: `call-${state.turns.length}`,
              tool_name: reply.tool.name,
              input: reply.tool.input,
            });
            send('tool_call_completed', {
              call_id: `call-${state.turns.length}`,
              tool_name: reply.tool.name,
              result: reply.tool.result,
              succeeded: true,
            });
          }
          for (const word of reply.text.split(/(?<= )/)) {
            if (signal.aborted) return;
            send('token', { text: word });
            await sleep(Math.max(1, Math.floor(world.turnDelayMs / 10)));
          }
          world.addTurn(state, 'agent', reply.text);
          send('message', { role: 'agent', text: reply.text });
          send('done', {
            conversation_id: state.detail.id,
            status: state.detail.status,
            turn_count: state.detail.turn_count,
          });
        } finally {
          state.busy = false;
        }
      },
    };
  });

  ws('GET', '/calls', (_req, input) => {
    const { service_id: service, direction } = input.query;
    const all = world.calls
      .filter((c) => (!service || c.service_id === service) && (!direction || c.direction === direction))
      .map(({ id: _id, patient: _patient, ...summary }) => summary);
    // continuation_token is documented as an alias for offset.
    const offset = (input.query.continuation_token ?? input.query.offset) as number;
    const page = offsetPage(input, all, 'items', false, {}, offset);
    const body = page.json as { has_more: boolean; items: unknown[] };
    return ok({ ...body, continuation_token: body.has_more ? offset + body.items.length : null });
  });
  const call = (req: EmulatorRequest) =>
    world.calls.find((c) => c.id === req.params.call_id || c.call_sid === req.params.call_id);
  ws('GET', '/calls/:call_id', (req) => {
    const found = call(req);
    if (!found) return detail(404, 'Call not found');
    const name = String(found.patient);
    return ok({
      id: found.id,
      call_sid: found.call_sid,
      caller_id: found.caller_id,
      direction: found.direction,
      status: found.status,
      call_start_time: found.started_at,
      call_duration_seconds: found.duration_seconds,
      completion_reason: found.completion_reason,
      quality_score: found.quality_score,
      final_state: found.final_state,
      has_recording: true,
      service_id: found.service_id,
      states_visited: ['greeting', 'identify_patient', 'wrap_up'],
      turns: [
        {
          state: 'greeting',
          trigger: 'call_start',
          agent_transcript: 'Maple Street Health, how can I help?',
          user_transcript: `Hi, this is ${name}.`,
          speaker_role: 'agent',
          timestamp: found.started_at,
          interrupted: false,
          inner_thoughts: [],
          state_transitions: [],
          tool_calls: [],
        },
        {
          state: 'wrap_up',
          trigger: 'user_speech',
          agent_transcript: 'You are all set. Goodbye!',
          user_transcript: 'I would like to confirm my appointment.',
          speaker_role: 'agent',
          timestamp: found.started_at,
          interrupted: false,
          inner_thoughts: [],
          state_transitions: [],
          tool_calls: [],
        },
      ],
      participants: [],
      human_segments: [],
      barge_in_events: [],
      triggered_behaviors: [],
    });
  });
  ws('GET', '/calls/:call_id/intelligence', (req) => {
    const found = call(req);
    if (!found) return detail(404, 'Call not found');
    return ok({
      call_id: found.id,
      call_sid: found.call_sid,
      direction: found.direction,
      duration_seconds: found.duration_seconds,
      completion_reason: found.completion_reason,
      quality_score: found.quality_score,
      final_state: found.final_state,
      conversation_summary: {
        turn_count: 2,
        states_visited_count: 3,
        unique_states: 3,
        loop_count: 0,
        barge_in_count: 0,
      },
      key_moments:
        found.completion_reason === 'escalated'
          ? [{ type: 'escalation', description: 'Caller asked for a nurse', severity: 'warning', turn: 2 }]
          : [],
    });
  });

  ws('GET', '/world/entities', (_req, input) => {
    const types = (input.query.entity_type as string[] | null | undefined) ?? [];
    const tags = (input.query.tags as string[] | null | undefined) ?? [];
    const q = (input.query.q as string | null | undefined)?.toLowerCase();
    const semantic = (input.query.semantic as string | null | undefined)?.toLowerCase();
    const all = world.entities.filter(
      (e) =>
        (types.length === 0 || types.includes(String(e.entity_type))) &&
        (tags.length === 0 || tags.some((t) => (e.tags as string[]).includes(t))) &&
        (!q ||
          [e.display_name, e.canonical_id, e.phone, e.id].some((v) =>
            String(v ?? '')
              .toLowerCase()
              .includes(q),
          )) &&
        (!semantic || semantic.split(/\s+/).some((w) => JSON.stringify(e).toLowerCase().includes(w))),
    );
    return offsetPage(input, all, 'entities', true);
  });
  ws('GET', '/world/search', (_req, input) => {
    const q = input.query.q as string;
    const hits = world.entities.filter((e) => JSON.stringify(e).toLowerCase().includes(q.toLowerCase()));
    return offsetPage(
      input,
      hits.map((e) => ({
        entity_id: e.id,
        entity_type: e.entity_type,
        display_name: e.display_name,
        score: 0.9,
      })),
      'results',
      false,
      { query: q },
    );
  });
  ws('POST', '/world/entities/resolve', (_req, { body }) => {
    const keys = ['entity_id', 'phone', 'email', 'canonical_id'] as const;
    const matches = world.entities
      .filter((e) => e.entity_type === body.entity_type)
      .flatMap((e) => {
        const on = keys.filter(
          (k) => body[k] !== undefined && body[k] !== null && (k === 'entity_id' ? e.id : e[k]) === body[k],
        );
        return on.length
          ? [
              {
                entity_id: e.id,
                entity_type: e.entity_type,
                confidence: 1,
                matched_on: on,
                summary: { display_name: e.display_name },
              },
            ]
          : [];
      });
    return ok({ matches, total: matches.length });
  });
  ws('GET', '/world/entities/:entity_id', (req) => {
    const entity = world.entities.find((e) => e.id === req.params.entity_id);
    return entity ? ok(entity) : detail(404, 'Entity not found');
  });
  ws('GET', '/world/entities/:entity_id/timeline', (req, input) => {
    const events = world.events.get(req.params.entity_id ?? '');
    if (!events) return detail(404, 'Entity not found');
    const domain = input.query.domain;
    return offsetPage(input, domain ? events.filter((e) => e.domain === domain) : events, 'events', true, {
      entity_id: req.params.entity_id,
    });
  });
  ws('GET', '/world/entity-types', () => {
    const counts = new Map<string, number>();
    for (const e of world.entities)
      counts.set(String(e.entity_type), (counts.get(String(e.entity_type)) ?? 0) + 1);
    return ok({
      entity_types: [...counts].map(([entity_type, count]) => ({
        entity_type,
        count,
        has_projection: true,
        last_updated: new Date(Date.UTC(2026, 10, 20)).toISOString(),
      })),
      total_entities: world.entities.length,
    });
  });

  ws('GET', '/command-center', () =>
    ok({
      workspace_id: AMIGO_SANDBOX_WORKSPACE_ID,
      generated_at: new Date().toISOString(),
      cached: false,
      voice: {
        active_calls: 1,
        active_escalated: 0,
        calls_today: world.calls.length,
        escalation_rate_today: 1 / world.calls.length,
        avg_quality_score_today: 0.8,
      },
      pipeline: {
        connector_status: 'healthy',
        events_last_hour: 42,
        outbound_failed: 0,
        outbound_pending: 2,
        sources_total: 3,
        sources_healthy: 3,
        sources_degraded: 0,
        sources_failing: 0,
      },
      data_quality: {
        entities_total: world.entities.length,
        entities_merged_7d: 1,
        pending_reviews: 2,
        approval_rate_7d: 0.95,
        avg_confidence: 0.97,
      },
      identity: { active_api_keys: 1 },
      alerts: [
        {
          level: 'info',
          section: 'data_quality',
          code: 'pending_reviews',
          message: '2 entity merges wait for review',
        },
      ],
      degraded_sections: [],
    }),
  );
  ws('GET', '/analytics/dashboard', (_req, input) => {
    const days = input.query.days as number;
    return ok({
      period_days: days,
      total_calls: world.calls.length,
      total_conversations: world.conversations.size,
      avg_quality_score: 0.8,
      delta_calls_pct: 12.5,
    });
  });
  ws('GET', '/analytics/calls', (_req, input) => {
    const days = input.query.days as number;
    const total = world.calls.reduce((n, c) => n + Number(c.duration_seconds), 0);
    return ok({
      workspace_id: AMIGO_SANDBOX_WORKSPACE_ID,
      period_start: new Date(Date.UTC(2026, 10, 25) - days * 86_400_000).toISOString().slice(0, 10),
      period_end: '2026-11-25',
      total_calls: world.calls.length,
      total_duration_seconds: total,
      avg_duration_seconds: total / world.calls.length,
      calls_by_date: world.calls.map((c) => ({
        date: String(c.started_at).slice(0, 10),
        count: 1,
        avg_duration_seconds: c.duration_seconds,
      })),
    });
  });

  ws('GET', '/functions/registered', () => ok({ count: world.functions.length, items: world.functions }));
  ws('POST', '/functions/:function_name/invoke', (req, { body }) => {
    const fn = world.functions.find((f) => f.name === req.params.function_name);
    if (!fn) return detail(404, `Function ${req.params.function_name} not found`);
    const input = body.input as Json;
    if (fn.name === 'patients_by_tag') {
      if (typeof input.tag !== 'string')
        return invalid(['body', 'input', 'tag'], 'Field required', 'missing', input);
      const rows = world.entities
        .filter((e) => e.entity_type === 'patient' && (e.tags as string[]).includes(String(input.tag)))
        .map((e) => ({ id: e.id, display_name: e.display_name }));
      return ok({ result: rows, row_count: rows.length, version: fn.version, duration_ms: 3 });
    }
    const counts: Record<string, number> = {};
    for (const e of world.entities)
      if (e.entity_type === 'appointment')
        counts[String(e.appointment_status)] = (counts[String(e.appointment_status)] ?? 0) + 1;
    const rows = Object.entries(counts).map(([status, count]) => ({ status, count }));
    return ok({ result: rows, row_count: rows.length, version: fn.version, duration_ms: 2 });
  });

  return { emulator, world };
}
