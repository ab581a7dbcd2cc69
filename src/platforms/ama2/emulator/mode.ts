import { type Ama2Routes, bearer, error, threadNotFound } from './routes.js';
import type { Mode } from './state.js';
import { AMA2_SHAPES, checkPost } from './validate.js';

// The agent's participation mode in a thread; needs the manage_thread capability (apis/ama2.md §2).

export function registerMode({ route, actors, rateLimit, threadFor }: Ama2Routes): void {
  route('POST', '/api/v1/chat/threads/:thread_id/mode', (req) => {
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
}
