import { defineResource } from '../../core/resources/define.js';
import { historyContents, newestWithin, renderTranscript } from '../../core/resources/transcript.js';
import { pollWatch } from '../../core/resources/watchers.js';
import { fenceUntrusted } from '../../core/untrusted.js';
import type { AttheneClient } from './client.js';
import { type AttheneMessage, contentText } from './client.js';

const PAGE = 100;
const MAX_PAGES = 50;
/** Subscriptions poll status at most this often (no push channel in the REST API). */
export const ATTHENE_WATCH_INTERVAL_MS = 2000;

export default defineResource<AttheneClient>({
  name: 'atthene_session',
  title: 'Atthene session history',
  description:
    'The conversation of an Atthene session: a markdown transcript (one line per message: time, role, text) and the same messages as JSON. Subscribe to be notified when a turn adds messages or the status changes.',
  platform: 'atthene',
  uriTemplate: 'atthene://sessions/{session_id}',
  mimeType: 'text/markdown',
  async list(ctx) {
    const sessions = await ctx.client.listSessions(ctx.signal);
    return sessions.slice(0, 100).map((s) => ({
      uri: `atthene://sessions/${s.session_id}`,
      name: `Atthene session ${s.session_id}`,
      ...(typeof s.agent_config?.name === 'string'
        ? { title: `Session with ${fenceUntrusted(s.agent_config.name)}` }
        : {}),
      mimeType: 'text/markdown',
    }));
  },
  complete: {
    async session_id(value, ctx) {
      const sessions = await ctx.client.listSessions(ctx.signal);
      return sessions
        .map((s) => s.session_id)
        .filter((id) => id.startsWith(value))
        .slice(0, 100);
    },
  },
  async read(uri, { session_id: sessionId = '' }, ctx) {
    const client = ctx.client;
    const messages: AttheneMessage[] = [];
    for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
      const result = await client.getMessages(sessionId, { limit: PAGE, offset }, ctx.signal);
      messages.push(...result.messages);
      offset += result.messages.length;
      if (!result.has_more || result.messages.length === 0) break;
    }
    const budget = Math.floor(ctx.maxResultChars / 2);
    const lines = messages.map((m) => ({ time: m.timestamp, speaker: m.role, text: contentText(m.content) }));
    const { markdown } = renderTranscript(
      `Atthene session ${sessionId}`,
      lines,
      budget,
      'read them with atthene_get_messages',
    );
    const json = newestWithin(
      lines.map(({ time, speaker, text }) => ({ timestamp: time, role: speaker, content: text })),
      budget,
    );
    return historyContents(uri, markdown, { session_id: sessionId, total: messages.length, messages: json }, [
      'content',
    ]);
  },
  async watch({ session_id: sessionId = '' }, ctx, { signal, changed }) {
    const fingerprint = async (s: AbortSignal) => {
      const status = await ctx.client.getStatus(sessionId, s);
      return `${status.status}:${status.message_count ?? ''}`;
    };
    let last = await fingerprint(signal);
    // Transient failures are retried a few times; a 401, 403 or 404 (the session was deleted) ends
    // the watch with a log notification to the client (Watchers).
    await pollWatch({
      signal,
      intervalMs: ATTHENE_WATCH_INTERVAL_MS,
      read: fingerprint,
      seen(now) {
        if (now !== last) {
          last = now;
          changed();
        }
        return false;
      },
    });
  },
});
