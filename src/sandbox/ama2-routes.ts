import { randomUUID } from 'node:crypto';
import {
  type Ama2World,
  type Mode,
  SANDBOX_AGENT,
  SANDBOX_USERS,
  type Thread,
  type ThreadEvent,
} from './ama2-state.js';
import type { Emulator, EmulatorRequest, EmulatorResponse } from './emulator.js';

// Routes of the AMA2 Thread Runtime API as apis/ama2.md §2 documents them.

export interface Ama2Actors {
  /** Full-capability external-agent token. */
  agentToken: string;
  /** External-agent token without manage_thread (set mode answers 403). */
  limitedToken: string;
  /** User JWT of the first sandbox user. */
  userToken: string;
  /** Enforce the documented per-key limits (default true; soak tests turn them off). */
  rateLimits?: boolean;
}

type Bucket = 'create' | 'read' | 'send' | 'manage';
/** Documented per-key limits per minute (apis/ama2.md §2 "Rate limits"). */
export const AMA2_RATE_LIMITS: Record<Bucket, number> = { create: 60, read: 300, send: 60, manage: 60 };

const CONTENT_MAX = 5000;
const POLL_LIMIT_MAX = 100;

const error = (status: number, code: string, message: string): EmulatorResponse => ({
  status,
  json: { code, message },
});
const badRequest = (message: string) => error(400, 'BAD_REQUEST', message);
const threadNotFound = () => error(404, 'NOT_FOUND', 'Thread not found');

export function registerAma2Routes(emulator: Emulator, world: Ama2World, actors: Ama2Actors): void {
  const usage = new Map<string, number[]>();

  const bearer = (req: EmulatorRequest) => /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const isAgent = (req: EmulatorRequest) => [actors.agentToken, actors.limitedToken].includes(bearer(req));

  /** A sliding one-minute window per key and bucket; null when the call is allowed. */
  const rateLimit = (req: EmulatorRequest, bucket: Bucket): EmulatorResponse | null => {
    if (actors.rateLimits === false) return null;
    const key = `${bucket}:${bearer(req)}`;
    const now = Date.now();
    const recent = (usage.get(key) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= AMA2_RATE_LIMITS[bucket]) {
      usage.set(key, recent);
      return error(
        429,
        'RATE_LIMITED',
        `Rate limit of ${AMA2_RATE_LIMITS[bucket]} requests per minute exceeded`,
      );
    }
    recent.push(now);
    usage.set(key, recent);
    return null;
  };

  /** The thread, if the caller takes part in it (the agent, or the user of the user token). */
  const threadFor = (req: EmulatorRequest): Thread | undefined => {
    const thread = world.threads.get(req.params.thread_id ?? '');
    if (!thread) return undefined;
    const sender = isAgent(req) ? `agent:${SANDBOX_AGENT.id}` : `user:${SANDBOX_USERS[0]!.id}`;
    return thread.participants.some((p) => p.sender_id === sender) ? thread : undefined;
  };

  const body = (req: EmulatorRequest): Record<string, unknown> =>
    req.json !== null && typeof req.json === 'object' && !Array.isArray(req.json)
      ? (req.json as Record<string, unknown>)
      : {};

  emulator.route('GET', '/api/v1/chat/threads', (req) => {
    if (isAgent(req)) return error(401, 'UNAUTHORIZED', 'This endpoint requires a user token');
    const userSender = `user:${SANDBOX_USERS[0]!.id}`;
    const threads = [...world.threads.values()]
      .filter((t) => t.participants.some((p) => p.sender_id === userSender))
      .map((t) => ({
        thread_id: t.thread_id,
        is_archived: false,
        participants: t.participants,
        last_message_at: t.events.at(-1)?.created_at ?? null,
        last_message_preview: t.events.at(-1)?.content.slice(0, 80) ?? null,
        unread_count: 0,
      }))
      .reverse();
    // The docs' example is a bare array (their schema block says {threads}); the sandbox follows the example.
    return { status: 200, json: threads };
  });

  emulator.route('POST', '/api/v1/chat/threads', (req) => {
    const limited = rateLimit(req, 'create');
    if (limited) return limited;
    const ids = body(req).target_user_ids;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
      return badRequest('target_user_ids must be a non-empty array of user ids');
    }
    const unknown = ids.find((id) => !world.user(id as string));
    if (unknown) return error(404, 'NOT_FOUND', `User ${unknown} not found`);
    const { thread, created } = world.createThread(ids as string[]);
    return {
      status: created ? 201 : 200,
      json: { thread_id: thread.thread_id, participants: thread.participants, created_at: thread.created_at },
    };
  });

  emulator.route('POST', '/api/v1/chat/threads/:thread_id/agent-messages', (req) => {
    const limited = rateLimit(req, 'send');
    if (limited) return limited;
    const thread = threadFor(req);
    if (!thread) return threadNotFound();
    const { content, client_message_id: clientMessageId, mentions } = body(req);
    if (typeof content !== 'string' || content.length < 1 || content.length > CONTENT_MAX) {
      return badRequest(`content must be 1 to ${CONTENT_MAX} characters`);
    }
    if (typeof clientMessageId !== 'string' || clientMessageId.length === 0)
      return badRequest('client_message_id is required');
    if (
      mentions !== undefined &&
      (!Array.isArray(mentions) || !mentions.every((m) => typeof m === 'string'))
    ) {
      return badRequest('mentions must be an array of sender ids');
    }
    const sent = world.sendAgentMessage(
      thread,
      content,
      clientMessageId,
      (mentions as string[] | undefined) ?? [],
    );
    return { status: 200, json: { accepted: true, message_id: sent.message_id } };
  });

  emulator.route('GET', '/api/v1/chat/threads/:thread_id/events', (req) => {
    const limited = rateLimit(req, 'read');
    if (limited) return limited;
    const after = Number(req.query.get('last_thread_seq') ?? '0');
    const limit = Number(req.query.get('limit') ?? '50');
    if (!Number.isInteger(after) || after < 0)
      return badRequest('last_thread_seq must be a non-negative integer');
    if (!Number.isInteger(limit) || limit < 1 || limit > POLL_LIMIT_MAX) {
      return badRequest(`limit must be an integer from 1 to ${POLL_LIMIT_MAX}`);
    }
    const thread = threadFor(req);
    if (!thread) return threadNotFound();
    const newer = thread.events.filter((e) => e.thread_seq > after);
    return { status: 200, json: { events: newer.slice(0, limit), has_more: newer.length > limit } };
  });

  emulator.route('GET', '/api/v1/chat/threads/:thread_id/events/stream', (req) => {
    const limited = rateLimit(req, 'read');
    if (limited) return limited;
    const thread = threadFor(req);
    if (!thread) return threadNotFound();
    return {
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
      // Only `data:` frames, no `id:` or `event:` (apis/ama2.md §2 "SSE stream"); new events only.
      stream: (write, signal) =>
        new Promise<void>((resolve) => {
          let frames = 0;
          const keepAlive = setInterval(() => write(': keep-alive\n\n'), 15_000);
          const end = () => {
            clearInterval(keepAlive);
            thread.listeners.delete(listener);
            resolve();
          };
          const listener = (event: ThreadEvent) => {
            write(`data: ${JSON.stringify(event)}\n\n`);
            if (world.streamFrameLimit > 0 && ++frames >= world.streamFrameLimit) end();
          };
          thread.listeners.add(listener);
          write(': connected\n\n');
          signal.addEventListener('abort', end);
        }),
    };
  });

  emulator.route('POST', '/api/v1/chat/threads/:thread_id/mode', (req) => {
    const limited = rateLimit(req, 'manage');
    if (limited) return limited;
    const thread = threadFor(req);
    if (!thread) return threadNotFound();
    if (bearer(req) === actors.limitedToken)
      return error(403, 'FORBIDDEN', 'Missing capability: manage_thread');
    const mode = body(req).participation_mode;
    if (mode !== 'open' && mode !== 'invocation_only')
      return badRequest('participation_mode must be open or invocation_only');
    thread.mode = mode as Mode;
    return { status: 200, json: { status: 'ok' } };
  });

  emulator.route('POST', '/api/v1/chat/threads/:thread_id/webhooks', (req) => {
    const limited = rateLimit(req, 'manage');
    if (limited) return limited;
    const thread = threadFor(req);
    if (!thread) return threadNotFound();
    const url = body(req).callback_url;
    if (typeof url !== 'string' || !URL.canParse(url) || new URL(url).protocol !== 'https:') {
      return badRequest('callback_url must be an https URL');
    }
    const hook = {
      subscription_id: randomUUID(),
      callback_url: url,
      active: true,
      created_at: new Date().toISOString(),
    };
    thread.webhooks.set(hook.subscription_id, hook);
    return { status: 201, json: { ...hook, thread_id: thread.thread_id } };
  });

  emulator.route('DELETE', '/api/v1/chat/threads/:thread_id/webhooks/:subscription_id', (req) => {
    const limited = rateLimit(req, 'manage');
    if (limited) return limited;
    const thread = threadFor(req);
    if (!thread) return threadNotFound();
    if (!thread.webhooks.delete(req.params.subscription_id ?? ''))
      return error(404, 'NOT_FOUND', 'Webhook not found');
    return { status: 200, json: { status: 'ok' } };
  });
}
