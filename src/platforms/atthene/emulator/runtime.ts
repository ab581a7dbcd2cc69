import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorRequest, EmulatorResponse } from '../../../core/emulator/emulator.js';
import { type AttheneRoutes, apiError, invalidRequest, noQuery } from './routes.js';
import { check, executeBody as executeSchema, queryProblems } from './schema.js';
import type { AttheneWorld, Session, StoredMessage } from './state.js';

// The runtime of a session: execute a turn, read the history, read the status (apis/atthene.md §3).

const MESSAGES_LIMIT_MAX = 100;

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

export function registerRuntime({ api, world, session, ids }: AttheneRoutes): void {
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
}
