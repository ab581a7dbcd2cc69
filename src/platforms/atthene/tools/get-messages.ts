import { z } from 'zod';
import { cursorParam, limitParam, pageOutput } from '../../../core/params.js';
import { contentText } from '../client.js';
import { defineAttheneTool, rememberSession, SESSION_NOT_FOUND, sessionIdParam } from '../support.js';

const NAME = 'atthene_get_messages';
export const MESSAGES_LIMIT_MAX = 100;

export default defineAttheneTool({
  name: NAME,
  title: 'Read Atthene session messages',
  description:
    "Reads a session's history, oldest first (latest: newest first), paged. Also atthene://sessions/{session_id}.",
  platform: 'atthene',
  input: {
    session_id: sessionIdParam,
    limit: limitParam(MESSAGES_LIMIT_MAX),
    cursor: cursorParam(),
    latest: z.boolean().default(false).describe('Newest first.'),
  },
  output: {
    session_id: z.string().describe('The session.'),
    messages: z
      .array(
        z.object({
          id: z.string().optional().describe('Message id.'),
          role: z.string().describe('user or assistant.'),
          content: z.string().describe('Message text.'),
          timestamp: z.string().optional().describe('ISO time.'),
        }),
      )
      .describe('Messages on this page, oldest first.'),
    total: z.number().describe('Messages in the whole history.'),
    offset: z.number().describe('Position of the first message of this page.'),
    ...pageOutput,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  notFoundHint: SESSION_NOT_FOUND,
  untrusted: ['content'],
  paginate: {
    items: 'messages',
    scope: ['session_id'],
    shown: (out, { skipped }) => ({ offset: out.offset + skipped }),
  },
  async run(input, ctx) {
    const client = ctx.client;
    const { limit } = ctx.page;
    let offset = ctx.page.state ?? 0;
    if (ctx.page.state === undefined && input.latest) {
      const head = await client.getMessages(input.session_id, { limit: 1, offset: 0 }, ctx.signal);
      offset = Math.max(0, head.total - limit);
    }
    const page = await client.getMessages(input.session_id, { limit, offset }, ctx.signal);
    rememberSession(ctx.recent, input.session_id);
    const next = offset + page.messages.length;
    return {
      session_id: input.session_id,
      messages: page.messages.map((m) => ({
        id: m.id,
        role: m.role,
        content: contentText(m.content),
        timestamp: typeof m.timestamp === 'string' ? m.timestamp : undefined,
      })),
      total: page.total,
      offset,
      next: page.has_more ? next : undefined,
      // latest=true chose this offset: a cut page resumes from it, not from a newer "latest".
      from: offset,
    };
  },
});
