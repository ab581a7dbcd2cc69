import { setTimeout as sleep } from 'node:timers/promises';
import {
  createEmulator,
  type Emulator,
  type EmulatorRequest,
  type EmulatorResponse,
} from '../../../core/emulator/emulator.js';
import type { FaultOptions } from '../../../core/emulator/faults.js';
import type { Logger } from '../../../core/log.js';
import { parseYaml } from '../../../core/yaml.js';
import { ATTHENE_EXPIRED_KEY, ATTHENE_SANDBOX_API_KEY } from './credentials.js';
import {
  agentBody,
  check,
  executeBody as executeSchema,
  type FieldProblem,
  isObject,
  queryProblems,
  validateConfig,
} from './schema.js';
import { AttheneWorld, type Session, type StoredMessage } from './state.js';

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
/**
 * A request with an unknown, mistyped or missing field: 400 naming every field, in the platform's
 * error shape (§1 `{error: {type, message}}`) with the same `[{field, message}]` list validate uses.
 */
const invalidRequest = (problems: FieldProblem[]): EmulatorResponse =>
  invalidConfig(
    problems,
    `Invalid request: ${problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; ')}`,
  );
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

/**
 * The history in the shape the world is set to: the documented `{messages, total, has_more}`
 * (§3.2); a bare array (the quick-start's `get_history() -> list`) of the whole history, as a
 * Django REST view without pagination answers (limit and offset ignored), or of the asked slice
 * only; Django REST's limit/offset pages `{count, next, previous, results}` with absolute links and
 * a page size capped at `historyMaxPage`; or Django REST's page-number pages (see pageNumberBody).
 */
function historyBody(
  world: AttheneWorld,
  session: Session,
  limit: number,
  offset: number,
  req: EmulatorRequest,
): EmulatorResponse {
  const all = session.messages;
  const ok = (json: unknown): EmulatorResponse => ({ status: 200, json });
  if (world.historyShape === 'array') return ok(all);
  if (world.historyShape === 'array-paged') return ok(all.slice(offset, offset + limit));
  if (world.historyShape === 'page-number') return pageNumberBody(all, world.historyMaxPage, req);
  if (world.historyShape === 'messages')
    return ok({
      messages: all.slice(offset, offset + limit),
      total: all.length,
      has_more: offset + limit < all.length,
    });
  const size = Math.min(limit, world.historyMaxPage);
  const link = (at: number) =>
    `http://${req.headers.host ?? '127.0.0.1'}${req.path}?limit=${size}&offset=${at}`;
  return ok({
    count: all.length,
    next: offset + size < all.length ? link(offset + size) : null,
    previous: offset > 0 ? link(Math.max(0, offset - size)) : null,
    results: all.slice(offset, offset + size),
  });
}

/**
 * Django REST's PageNumberPagination: a fixed page size, `?page=N` (limit and offset are not its
 * parameters and change nothing), links built from the request URL with `page` replaced (removed
 * for page 1), and 404 `Invalid page.` past the last page.
 */
function pageNumberBody(all: StoredMessage[], size: number, req: EmulatorRequest): EmulatorResponse {
  const page = Number(req.query.get('page') ?? '1');
  const pages = Math.max(1, Math.ceil(all.length / size));
  if (page > pages) return { status: 404, json: { detail: 'Invalid page.' } };
  const link = (n: number) => {
    const query = new URLSearchParams(req.query);
    if (n === 1) query.delete('page');
    else query.set('page', String(n));
    const search = query.toString();
    return `http://${req.headers.host ?? '127.0.0.1'}${req.path}${search ? `?${search}` : ''}`;
  };
  return {
    status: 200,
    json: {
      count: all.length,
      next: page < pages ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
      results: all.slice((page - 1) * size, page * size),
    },
  };
}

/**
 * Ids under the names the world is set to: the API reference's (`session_id`; `id` for agents and
 * knowledge bases) or the other names the documents show (`id` for a session as the quick-start
 * reads it; `agent_id`, `knowledge_base_id`), so the sandbox exercises both (apis/atthene.md §2-§4).
 */
function idNames(world: AttheneWorld) {
  const rename =
    (from: string, to: string) =>
    (object: object): Record<string, unknown> => {
      const copy: Record<string, unknown> = { ...object };
      if (world.idNames === 'reference' || !(from in copy)) return copy;
      const { [from]: value, ...rest } = copy;
      return { [to]: value, ...rest };
    };
  return {
    session: rename('session_id', 'id'),
    agent: rename('id', 'agent_id'),
    knowledgeBase: rename('id', 'knowledge_base_id'),
  };
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
  const ids = idNames(world);

  emulator.route('GET', '/api/v1/health/', () => ({ status: 200, json: { status: 'ok' } }), { public: true });

  /** No query parameters at all (a list or a read takes none, §2-§4). */
  const noQuery = (req: EmulatorRequest) => {
    const problems = queryProblems(req.query, {});
    return problems.length > 0 ? invalidRequest(problems) : null;
  };
  /** A route that takes no body: any field in one is unknown. */
  const noBody = (req: EmulatorRequest) => {
    if (req.bodyText.trim() === '' || (isObject(req.json) && Object.keys(req.json).length === 0)) return null;
    return invalidRequest(
      isObject(req.json)
        ? Object.keys(req.json).map((field) => ({ field, message: 'Extra inputs are not permitted.' }))
        : [{ field: '', message: 'This endpoint takes no body.' }],
    );
  };
  const configProblems = (config: unknown, message: string) => {
    const problems = validateConfig(config);
    return problems.length > 0 ? invalidConfig(problems, message) : null;
  };

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
  api(
    'GET',
    '/agent/',
    (req) => noQuery(req) ?? { status: 200, json: [...world.agents.values()].map(ids.agent) },
  );
  api('POST', '/agent/', (req) => {
    const problems = check(req.json, agentBody);
    if (problems.length > 0) return invalidRequest(problems);
    const config = (req.json as { system_config: Record<string, unknown> }).system_config;
    return (
      configProblems(config, 'Invalid system_config') ?? {
        status: 201,
        json: ids.agent(world.saveAgent(config)),
      }
    );
  });
  api('GET', '/agent/:agent_id/', (req) => {
    const found = agent(req);
    return noQuery(req) ?? (found ? { status: 200, json: ids.agent(found) } : notFound());
  });
  // The platform replaces the saved system_config with the one sent: an update sends it whole (§2).
  api('PATCH', '/agent/:agent_id/', (req) => {
    const found = agent(req);
    if (!found) return notFound();
    const problems = check(req.json, agentBody);
    if (problems.length > 0) return invalidRequest(problems);
    const config = (req.json as { system_config: Record<string, unknown> }).system_config;
    return (
      configProblems(config, 'Invalid system_config') ?? {
        status: 200,
        json: world.updateAgent(found, config),
      }
    );
  });
  api(
    'DELETE',
    '/agent/:agent_id/',
    (req) => noQuery(req) ?? (world.agents.delete(req.params.agent_id ?? '') ? { status: 204 } : notFound()),
  );

  api('POST', '/sessions/', async (req) => {
    const config = await configFrom(req);
    if (typeof config === 'string') return apiError(400, 'invalid_request_error', config);
    const refused = configProblems(config, 'Invalid configuration');
    if (refused) return refused;
    const created = world.openSession(config);
    return {
      status: 201,
      json: ids.session({ success: true, session_id: created.session_id, config_hash: created.config_hash }),
    };
  });
  api(
    'GET',
    '/sessions/',
    (req) =>
      noQuery(req) ?? {
        status: 200,
        json: [...world.sessions.values()].map((s) => ids.session(sessionView(s))),
      },
  );
  api('POST', '/sessions/from-agent/:agent_id/', (req) => {
    const found = agent(req);
    if (!found) return notFound();
    const refused = noBody(req);
    if (refused) return refused;
    const created = world.openSession(found.system_config, found);
    return {
      status: 201,
      json: ids.session({
        success: true,
        session_id: created.session_id,
        agent_id: found.id,
        config_hash: created.config_hash,
      }),
    };
  });
  api('GET', '/sessions/from-agent/', (req) => {
    const problems = queryProblems(req.query, { agent_key: { required: true, text: true } });
    if (problems.length > 0) return invalidRequest(problems);
    const key = req.query.get('agent_key');
    const found = [...world.agents.values()].find((a) => a.agent_key === key);
    if (!found) return apiError(404, 'not_found_error', `No agent with agent_key "${key ?? ''}"`);
    const created = world.openSession(found.system_config, found);
    return {
      status: 200,
      json: ids.session({
        session_id: created.session_id,
        agent_key: found.agent_key,
        created_at: created.created_at,
      }),
    };
  });
  api('GET', '/sessions/:session_id/', (req) => {
    const found = session(req);
    return noQuery(req) ?? (found ? { status: 200, json: ids.session(sessionView(found)) } : notFound());
  });
  api(
    'DELETE',
    '/sessions/:session_id/',
    (req) =>
      noQuery(req) ?? (world.sessions.delete(req.params.session_id ?? '') ? { status: 204 } : notFound()),
  );

  api('POST', '/runtime/:session_id/execute/', async (req) => {
    const found = session(req);
    if (!found) return apiError(404, 'not_found_error', 'Session not found');
    const problems = check(req.json, executeSchema);
    if (problems.length > 0) return invalidRequest(problems);
    const body = req.json as { content: unknown; correlation_id?: string | null };
    const text = textOf(body.content);
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
        json: executeBody(world, found, replies, body.correlation_id ?? undefined, Date.now() - started),
      };
    } finally {
      found.processing = false;
    }
  });
  api('GET', '/runtime/:session_id/messages/', (req) => {
    const found = session(req);
    if (!found) return apiError(404, 'not_found_error', 'Session not found');
    const problems = queryProblems(req.query, {
      limit: { min: 1, max: MESSAGES_LIMIT_MAX },
      offset: { min: 0 },
      ...(world.historyShape === 'page-number' ? { page: { min: 1 } } : {}),
    });
    if (problems.length > 0) return invalidRequest(problems);
    const limit = Number(req.query.get('limit') ?? '50');
    const offset = Number(req.query.get('offset') ?? '0');
    return historyBody(world, found, limit, offset, req);
  });
  api('GET', '/runtime/:session_id/status/', (req) => {
    const found = session(req);
    if (!found) return apiError(404, 'not_found_error', 'Session not found');
    return (
      noQuery(req) ?? {
        status: 200,
        json: ids.session({
          session_id: found.session_id,
          status: found.processing ? 'processing' : 'active',
          message_count: found.messages.length,
          last_activity: found.last_activity,
          created_at: found.created_at,
          health: 'healthy',
        }),
      }
    );
  });

  api('GET', '/knowledge-bases/:kb_id/', (req) => {
    const kb = world.knowledgeBases.get(req.params.kb_id ?? '');
    return noQuery(req) ?? (kb ? { status: 200, json: ids.knowledgeBase(kb) } : notFound());
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
