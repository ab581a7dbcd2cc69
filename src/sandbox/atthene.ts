import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.js';
import { parseYaml } from '../yaml.js';
import {
  AttheneWorld,
  type FieldProblem,
  type Session,
  type StoredMessage,
  validateConfig,
} from './atthene-state.js';
import { ATTHENE_EXPIRED_KEY, ATTHENE_SANDBOX_API_KEY } from './credentials.js';
import { createEmulator, type Emulator, type EmulatorRequest, type EmulatorResponse } from './emulator.js';
import type { FaultOptions } from './faults.js';

export interface AttheneEmulatorOptions {
  faults?: FaultOptions;
  logger?: Logger;
  /** How long an execute runs (the session is `processing` meanwhile); default 100 ms. */
  executeDelayMs?: number;
}

const ERROR_TYPES = {
  not_found: 'not_found_error',
  method_not_allowed: 'invalid_request_error',
  server_error: 'server_error',
  rate_limited: 'rate_limit_error',
  too_large: 'invalid_request_error',
  bad_json: 'invalid_request_error',
} as const;

const MESSAGES_LIMIT_MAX = 100;

/** A 400 listing every field problem, as the platform answers an invalid configuration. */
const invalidConfig = (problems: FieldProblem[], message: string): EmulatorResponse => ({
  status: 400,
  json: { error: { type: 'invalid_request_error', message }, errors: problems },
});
const apiError = (status: number, type: string, message: string): EmulatorResponse => ({
  status,
  json: { error: { type, message } },
});
// Django REST framework answers an unknown object with {"detail": "Not found."}.
const notFound = (): EmulatorResponse => ({ status: 404, json: { detail: 'Not found.' } });

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((b) =>
        b && typeof b === 'object' && typeof (b as { text?: unknown }).text === 'string'
          ? (b as { text: string }).text
          : '[attachment]',
      )
      .join(' ');
  }
  return '';
}

async function configFrom(req: EmulatorRequest): Promise<Record<string, unknown> | string> {
  const type = req.headers['content-type'] ?? '';
  if (/yaml/.test(type)) {
    try {
      const parsed: unknown = await parseYaml(req.bodyText);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : 'YAML must describe a mapping';
    } catch (error) {
      return `Invalid YAML: ${(error as Error).message.split('\n')[0]}`;
    }
  }
  return req.json && typeof req.json === 'object' && !Array.isArray(req.json)
    ? (req.json as Record<string, unknown>)
    : 'Body must be a JSON object';
}

function sessionView(s: Session) {
  return {
    session_id: s.session_id,
    config_hash: s.config_hash,
    created_at: s.created_at,
    status: s.processing ? 'processing' : 'active',
    agent_config: s.config,
    ...(s.agent_id ? { agent_id: s.agent_id, agent_key: s.agent_key } : {}),
  };
}

/** The three documented execute response shapes (apis/atthene.md §3.1). */
function executeBody(
  world: AttheneWorld,
  session: Session,
  replies: StoredMessage[],
  correlationId: string | undefined,
  ms: number,
) {
  const last = replies.at(-1)!;
  const seconds = ms / 1000;
  const unix = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  switch (world.executeShape) {
    case 'A':
      return {
        success: true,
        message_id: last.id,
        response: { content: last.content, tool_calls: [] },
        correlation_id: correlationId ?? null,
      };
    case 'B':
      return {
        id: `exec_${last.id.slice(0, 8)}`,
        object: 'agent.session',
        status: 'completed',
        created_at: unix(session.last_activity),
        completed_at: unix(last.timestamp),
        config: { name: session.config.name },
        messages: replies.map((m) => ({
          id: m.id,
          role: m.role,
          content: m.content,
          created_at: unix(m.timestamp),
        })),
        execution_time: seconds,
        metadata: {
          correlation_id: correlationId ?? null,
          event_count: replies.length * 3,
          execution_id: `exec_${last.id.slice(0, 8)}`,
          usage: { input_tokens: 42 * replies.length, output_tokens: last.content.split(/\s+/).length },
        },
      };
    case 'C':
      return {
        type: 'execution_result',
        client_type: 'backend',
        session_id: session.session_id,
        status: 'completed',
        execution_time: seconds,
        messages: replies.map((m) => ({
          id: m.id,
          role: m.role,
          content: m.content,
          created_at: m.timestamp,
        })),
      };
  }
}

/** The Atthene AMAS API (apis/atthene.md): x-api-key, Django trailing slashes, base /api/v1. */
export function createAttheneEmulator(options: AttheneEmulatorOptions = {}): {
  emulator: Emulator;
  world: AttheneWorld;
} {
  const world = new AttheneWorld(options.executeDelayMs ?? 100);
  const emulator = createEmulator({
    platform: 'atthene',
    redirectToSlash: true,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    errorBody: (_status, errorCase, message) =>
      errorCase === 'not_found'
        ? { detail: 'Not found.' }
        : { error: { type: ERROR_TYPES[errorCase], message } },
    authenticate: (req) => {
      const key = req.headers['x-api-key'];
      if (key === ATTHENE_EXPIRED_KEY) return apiError(401, 'authentication_error', 'API key has expired');
      if (key !== ATTHENE_SANDBOX_API_KEY)
        return apiError(401, 'authentication_error', 'Invalid or missing authentication credentials');
      return null;
    },
  });
  const api = (
    method: string,
    pattern: string,
    handler: (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>,
  ) => emulator.route(method, `/api/v1${pattern}`, handler);
  const session = (req: EmulatorRequest) => world.sessions.get(req.params.session_id ?? '');
  const agent = (req: EmulatorRequest) => world.agents.get(req.params.agent_id ?? '');

  emulator.route('GET', '/api/v1/health/', () => ({ status: 200, json: { status: 'ok' } }), { public: true });

  api('POST', '/agent/validate/', (req) => {
    const problems = validateConfig(req.json);
    return {
      status: 200,
      json:
        problems.length === 0
          ? { valid: true, message: 'Configuration is valid' }
          : { valid: false, errors: problems },
    };
  });
  api('GET', '/agent/', () => ({ status: 200, json: [...world.agents.values()] }));
  api('POST', '/agent/', (req) => {
    const config = (req.json as { system_config?: unknown } | undefined)?.system_config;
    const problems = validateConfig(config);
    if (problems.length > 0) return invalidConfig(problems, 'Invalid system_config');
    return { status: 201, json: world.saveAgent(config as Record<string, unknown>) };
  });
  api('GET', '/agent/:agent_id/', (req) => {
    const found = agent(req);
    return found ? { status: 200, json: found } : notFound();
  });
  api('PATCH', '/agent/:agent_id/', (req) => {
    const found = agent(req);
    if (!found) return notFound();
    const partial = (req.json as { system_config?: unknown } | undefined)?.system_config;
    if (!partial || typeof partial !== 'object')
      return apiError(400, 'invalid_request_error', 'system_config is required');
    const merged = { ...found.system_config, ...(partial as Record<string, unknown>) };
    const problems = validateConfig(merged);
    if (problems.length > 0) return invalidConfig(problems, 'Invalid system_config');
    return { status: 200, json: world.updateAgent(found, partial as Record<string, unknown>) };
  });
  api('DELETE', '/agent/:agent_id/', (req) =>
    world.agents.delete(req.params.agent_id ?? '') ? { status: 204 } : notFound(),
  );

  api('POST', '/sessions/', async (req) => {
    const config = await configFrom(req);
    if (typeof config === 'string') return apiError(400, 'invalid_request_error', config);
    const problems = validateConfig(config);
    if (problems.length > 0) return invalidConfig(problems, 'Invalid configuration');
    const created = world.openSession(config);
    return {
      status: 201,
      json: { success: true, session_id: created.session_id, config_hash: created.config_hash },
    };
  });
  api('GET', '/sessions/', () => ({ status: 200, json: [...world.sessions.values()].map(sessionView) }));
  api('POST', '/sessions/from-agent/:agent_id/', (req) => {
    const found = agent(req);
    if (!found) return notFound();
    const created = world.openSession(found.system_config, found);
    return {
      status: 201,
      json: {
        success: true,
        session_id: created.session_id,
        agent_id: found.id,
        config_hash: created.config_hash,
      },
    };
  });
  api('GET', '/sessions/from-agent/', (req) => {
    const key = req.query.get('agent_key');
    const found = [...world.agents.values()].find((a) => a.agent_key === key);
    if (!found) return apiError(404, 'not_found_error', `No agent with agent_key "${key ?? ''}"`);
    const created = world.openSession(found.system_config, found);
    return {
      status: 200,
      json: { session_id: created.session_id, agent_key: found.agent_key, created_at: created.created_at },
    };
  });
  api('GET', '/sessions/:session_id/', (req) => {
    const found = session(req);
    return found ? { status: 200, json: sessionView(found) } : notFound();
  });
  api('DELETE', '/sessions/:session_id/', (req) =>
    world.sessions.delete(req.params.session_id ?? '') ? { status: 204 } : notFound(),
  );

  api('POST', '/runtime/:session_id/execute/', async (req) => {
    const found = session(req);
    if (!found) return apiError(404, 'not_found_error', 'Session not found');
    const body = (req.json ?? {}) as { content?: unknown; correlation_id?: string };
    const text = textOf(body.content);
    if (!text) return apiError(400, 'invalid_request_error', 'content is required');
    // "Concurrent requests: limited per session" (runtime overview).
    if (found.processing) return apiError(409, 'conflict_error', 'Session is already processing a message');
    found.processing = true;
    const started = Date.now();
    try {
      await sleep(world.executeDelayMs, undefined, { signal: req.signal }).catch(() => {});
      if (req.signal.aborted) return { status: 499, json: {} };
      const replies = world.runTurn(found, text);
      return {
        status: 200,
        json: executeBody(world, found, replies, body.correlation_id, Date.now() - started),
      };
    } finally {
      found.processing = false;
    }
  });
  api('GET', '/runtime/:session_id/messages/', (req) => {
    const found = session(req);
    if (!found) return apiError(404, 'not_found_error', 'Session not found');
    const limit = Number(req.query.get('limit') ?? '50');
    const offset = Number(req.query.get('offset') ?? '0');
    if (!Number.isInteger(limit) || limit < 1 || limit > MESSAGES_LIMIT_MAX) {
      return apiError(400, 'invalid_request_error', `limit must be from 1 to ${MESSAGES_LIMIT_MAX}`);
    }
    if (!Number.isInteger(offset) || offset < 0)
      return apiError(400, 'invalid_request_error', 'offset must be 0 or more');
    const messages = found.messages.slice(offset, offset + limit);
    return {
      status: 200,
      json: { messages, total: found.messages.length, has_more: offset + limit < found.messages.length },
    };
  });
  api('GET', '/runtime/:session_id/status/', (req) => {
    const found = session(req);
    if (!found) return apiError(404, 'not_found_error', 'Session not found');
    return {
      status: 200,
      json: {
        session_id: found.session_id,
        status: found.processing ? 'processing' : 'active',
        message_count: found.messages.length,
        last_activity: found.last_activity,
        created_at: found.created_at,
        health: 'healthy',
      },
    };
  });

  api('GET', '/knowledge-bases/:kb_id/', (req) => {
    const kb = world.knowledgeBases.get(req.params.kb_id ?? '');
    return kb ? { status: 200, json: kb } : notFound();
  });
  api('GET', '/knowledge-bases/:kb_id/check_status/', (req) => {
    const kb = world.knowledgeBases.get(req.params.kb_id ?? '');
    if (!kb || world.knowledgeBaseStatusRoute !== 'check_status') return notFound();
    return {
      status: 200,
      json: {
        success: true,
        message: 'Status checked',
        knowledge_base: {
          ...kb,
          processing_metadata: {
            phase: 'completed',
            total_chunks: 120,
            processed_chunks: 120,
            message: 'Done',
          },
        },
        status_updated: false,
      },
    };
  });
  api('GET', '/knowledge-bases/:kb_id/status/', (req) => {
    const kb = world.knowledgeBases.get(req.params.kb_id ?? '');
    if (!kb || world.knowledgeBaseStatusRoute !== 'status') return notFound();
    return {
      status: 200,
      json: {
        total_datasources: 2,
        processed_datasources: 2,
        failed_datasources: 0,
        success_rate: 100,
        estimated_completion: null,
        last_updated: new Date().toISOString(),
      },
    };
  });
  return { emulator, world };
}
