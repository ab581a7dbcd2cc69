import { type Ama2Routes, error, noQuery } from './routes.js';
import { SANDBOX_USERS } from './state.js';
import { AMA2_SHAPES, checkPost } from './validate.js';

// Threads: the user's list, and open-or-reuse a thread with given users (apis/ama2.md §2).

export function registerThreads({ route, world, isAgent, rateLimit }: Ama2Routes): void {
  route('GET', '/api/v1/chat/threads', (req) => {
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

  route('POST', '/api/v1/chat/threads', (req) => {
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
}
