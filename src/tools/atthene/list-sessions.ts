import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { cursorParam, limitParam, pageOutput } from '../params.js';
import { defineTool } from '../registry.js';
import { atthene, rememberSession, sessionSummary, summariseSession } from './support.js';

const NAME = 'atthene_list_sessions';
const offsetOf = (cursor?: string) => (cursor ? Number(decodeCursor(NAME, cursor).offset) || 0 : 0);

export default defineTool({
  name: NAME,
  title: 'List Atthene sessions',
  description:
    'Lists the conversation sessions of the account with their status and agent. Continue one with atthene_execute_turn, read it with atthene_get_messages, or remove it with atthene_delete_session.',
  platform: 'atthene',
  input: { limit: limitParam(100), cursor: cursorParam(NAME) },
  output: {
    sessions: z.array(sessionSummary).describe('Sessions on this page.'),
    total: z.number().describe('Sessions in all.'),
    ...pageOutput,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  paginate: {
    items: 'sessions',
    resume: (input, _out, kept) => encodeCursor(NAME, { offset: offsetOf(input.cursor) + kept }),
  },
  async run(input, ctx) {
    const all = await atthene(ctx.clients).listSessions(ctx.signal);
    const offset = offsetOf(input.cursor);
    const end = offset + input.limit;
    const page = all.slice(offset, end);
    for (const s of page) rememberSession(ctx.recent, s.session_id);
    return {
      sessions: page.map(summariseSession),
      total: all.length,
      ...(end < all.length ? { next_cursor: encodeCursor(NAME, { offset: end }) } : {}),
    };
  },
});
