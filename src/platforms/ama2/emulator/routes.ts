import { randomUUID } from 'node:crypto';
import type { Emulator, EmulatorRequest, EmulatorResponse } from '../../../core/emulator/emulator.js';
import {
  type Ama2World,
  type Mode,
  SANDBOX_AGENT,
  SANDBOX_USERS,
  type Thread,
  type ThreadEvent,
} from './state.js';
import { AMA2_SHAPES, checkPost, checkQuery } from './validate.js';

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

const error = (status: number, code: string, message: string): EmulatorResponse => ({
  status,
  json: { code, message },
});
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

  /** Refuses any query parameter: the GET and DELETE routes below document none, except the poll. */
  const noQuery = (req: EmulatorRequest): EmulatorResponse | null => {
    const checked = checkQuery(req, AMA2_SHAPES.none);
    return 'error' in checked ? checked.error : null;
  };

  emulator.route('GET', '/api/v1/chat/threads', (req) => {
    if (isAgent(req)) return error(401, 'UNAUTHORIZED', 'This endpoint requires a user token');
    const refused = noQuery(req);
    if (refused) return refused;
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
    const body = checkPost(req, AMA2_SHAPES.createThread);
    if ('error' in body) return body.error;
    const ids = body.data.target_user_ids;
    const unknown = ids.find((id) => !world.user(id));
    if (unknown) return error(404, 'NOT_FOUND', `User ${unknown} not found`);
    const { thread, created } = world.createThread(ids);
    return {
      status: created ? 201 : 200,
      json: { thread_id: thread.thread_id, participants: thread.participants, created_at: thread.created_at },
    };
  });

  emulator.route('POST', '/api/v1/chat/threads/:thread_id/agent-messages', (req) => {
    const limited = rateLimit(req, 'send');
    if (limited) return limited;
    const body = checkPost(req, AMA2_SHAPES.agentMessage);
    if ('error' in body) return body.error;
    const thread = threadFor(req);
    if (!thread) return threadNotFound();
    const { content, client_message_id: clientMessageId, mentions } = body.data;
    const sent = world.sendAgentMessage(thread, content, clientMessageId, mentions ?? []);
    return { status: 200, json: { accepted: true, message_id: sent.message_id } };
  });

  emulator.route('GET', '/api/v1/chat/threads/:thread_id/events', (req) => {
    const limited = rateLimit(req, 'read');
    if (limited) return limited;
    const query = checkQuery(req, AMA2_SHAPES.pollQuery);
    if ('error' in query) return query.error;
    // Defaults as documented: last_thread_seq 0 (everything), limit 50.
    const { last_thread_seq: after = 0, limit = 50 } = query.data;
    const thread = threadFor(req);
    if (!thread) return threadNotFound();
    const newer = thread.events.filter((e) => e.thread_seq > after);
    return { status: 200, json: { events: newer.slice(0, limit), has_more: newer.length > limit } };
  });

  emulator.route('GET', '/api/v1/chat/threads/:thread_id/events/stream', (req) => {
    const limited = rateLimit(req, 'read');
    if (limited) return limited;
    const refused = noQuery(req);
    if (refused) return refused;
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
    const body = checkPost(req, AMA2_SHAPES.mode);
    if ('error' in body) return body.error;
    const thread = threadFor(req);
    if (!thread) return threadNotFound();
    if (bearer(req) === actors.limitedToken)
      return error(403, 'FORBIDDEN', 'Missing capability: manage_thread');
    thread.mode = body.data.participation_mode as Mode;
    return { status: 200, json: { status: 'ok' } };
  });

  emulator.route('POST', '/api/v1/chat/threads/:thread_id/webhooks', (req) => {
    const limited = rateLimit(req, 'manage');
    if (limited) return limited;
    const body = checkPost(req, AMA2_SHAPES.webhook);
    if ('error' in body) return body.error;
    const thread = threadFor(req);
    if (!thread) return threadNotFound();
    const url = body.data.callback_url;
    if (!URL.canParse(url) || new URL(url).protocol !== 'https:') {
      return error(400, 'BAD_REQUEST', 'callback_url must be an https URL');
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
    const refused = noQuery(req);
    if (refused) return refused;
    const thread = threadFor(req);
    if (!thread) return threadNotFound();
    if (!thread.webhooks.delete(req.params.subscription_id ?? ''))
      return error(404, 'NOT_FOUND', 'Webhook not found');
    return { status: 200, json: { status: 'ok' } };
  });
}
