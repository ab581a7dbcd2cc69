import { type Ama2Routes, threadNotFound } from './routes.js';
import { AMA2_SHAPES, checkPost } from './validate.js';

// The agent posts a message into a thread (apis/ama2.md §2).

export function registerMessages({ route, world, rateLimit, threadFor }: Ama2Routes): void {
  route('POST', '/api/v1/chat/threads/:thread_id/agent-messages', (req) => {
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
}
