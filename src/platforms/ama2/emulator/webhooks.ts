import { randomUUID } from 'node:crypto';
import { type Ama2Routes, error, noQuery, threadNotFound } from './routes.js';
import { AMA2_SHAPES, checkPost } from './validate.js';

// Webhook subscriptions of a thread: https callbacks only (apis/ama2.md §2).

export function registerWebhooks({ route, rateLimit, threadFor }: Ama2Routes): void {
  route('POST', '/api/v1/chat/threads/:thread_id/webhooks', (req) => {
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

  route('DELETE', '/api/v1/chat/threads/:thread_id/webhooks/:subscription_id', (req) => {
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
