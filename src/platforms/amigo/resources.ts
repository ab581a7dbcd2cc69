import { defineResource, type ResourceDefinition } from '../../core/resources/define.js';
import { historyContents, renderTranscript } from '../../core/resources/transcript.js';
import { pollWatch } from '../../core/resources/watchers.js';
import { fenceUntrusted } from '../../core/untrusted.js';
import type { AmigoClient } from './client.js';
import { callUri, conversationUri, timelineUri } from './support.js';

/** Subscriptions poll a conversation at most this often (no push channel for it in the REST API). */
export const AMIGO_WATCH_INTERVAL_MS = 2000;
const LISTED = 50;

const conversation = defineResource<AmigoClient>({
  name: 'amigo_conversation',
  title: 'Amigo conversation',
  description:
    'The turns of an Amigo conversation as a markdown transcript (one line per turn: time, role, text) and as JSON. Subscribe to an active conversation to be notified of each new turn.',
  platform: 'amigo',
  uriTemplate: 'amigo://conversations/{conversation_id}',
  mimeType: 'text/markdown',
  async list(ctx) {
    const page = await ctx.client.listConversations({ limit: LISTED }, ctx.signal);
    return page.items.map((c) => ({
      uri: conversationUri(c.id),
      name: `Amigo conversation ${c.id}`,
      title: `${c.channel_kind} conversation (${c.status})`,
      mimeType: 'text/markdown',
    }));
  },
  complete: {
    async conversation_id(value, ctx) {
      const page = await ctx.client.listConversations({ limit: 100 }, ctx.signal);
      return page.items.map((c) => c.id).filter((id) => id.startsWith(value));
    },
  },
  async read(uri, { conversation_id: id = '' }, ctx) {
    const c = await ctx.client.getConversation(id, ctx.signal);
    const turns = c.turns ?? [];
    const { markdown, kept } = renderTranscript(
      `Amigo conversation ${id} (${c.status})`,
      turns.map((t) => ({ time: t.timestamp ?? undefined, speaker: t.role, text: t.text })),
      Math.floor(ctx.maxResultChars / 2),
      'read them with amigo_get_conversation, whose next_cursor goes back to the first turn',
    );
    return historyContents(
      uri,
      markdown,
      {
        id,
        status: c.status,
        turn_count: c.turn_count,
        turns: turns
          .slice(turns.length - kept)
          .map((t) => ({ role: t.role, text: t.text, timestamp: t.timestamp ?? undefined })),
      },
      ['text'],
    );
  },
  async watch({ conversation_id: id = '' }, ctx, { signal, changed }) {
    let last = (await ctx.client.getConversation(id, signal)).turn_count;
    // A 401, 403 or 404 ends the watch with a log notification to the client (Watchers).
    await pollWatch({
      signal,
      intervalMs: AMIGO_WATCH_INTERVAL_MS,
      read: (s) => ctx.client.getConversation(id, s),
      seen(now) {
        if (now.turn_count !== last) {
          last = now.turn_count;
          changed();
        }
        // A closed conversation takes no more turns: stop watching it.
        return now.status === 'closed';
      },
    });
  },
});

const callTranscript = defineResource<AmigoClient>({
  name: 'amigo_call_transcript',
  title: 'Amigo call transcript',
  description:
    'The transcript of a voice call: caller and agent words per turn, with the conversation state, as markdown and JSON.',
  platform: 'amigo',
  uriTemplate: 'amigo://calls/{call_id}/transcript',
  mimeType: 'text/markdown',
  async list(ctx) {
    const page = await ctx.client.listCalls({ limit: LISTED }, ctx.signal);
    return page.items.map((c) => ({
      uri: callUri(String(c.entity_id)),
      name: `Amigo call ${String(c.entity_id)}`,
      mimeType: 'text/markdown',
    }));
  },
  async read(uri, { call_id: id = '' }, ctx) {
    const call = await ctx.client.getCall(id, ctx.signal);
    const turns = (call.turns as Array<Record<string, unknown>> | undefined) ?? [];
    const lines = turns.flatMap((t) => [
      ...(t.user_transcript
        ? [
            {
              time: (t.timestamp as string | undefined) ?? undefined,
              speaker: 'caller',
              text: String(t.user_transcript),
            },
          ]
        : []),
      ...(t.agent_transcript
        ? [
            {
              time: (t.timestamp as string | undefined) ?? undefined,
              speaker: 'agent',
              text: String(t.agent_transcript),
            },
          ]
        : []),
    ]);
    const { markdown } = renderTranscript(
      `Amigo call ${id}`,
      lines,
      Math.floor(ctx.maxResultChars / 2),
      'read them with amigo_get_call, whose transcript pages from the first turn',
    );
    return historyContents(uri, markdown, { call_id: id, turns: lines }, ['text']);
  },
});

const entityTimeline = defineResource<AmigoClient>({
  name: 'amigo_entity_timeline',
  title: 'Amigo entity timeline',
  description:
    'The event history of a world entity (patient, appointment, ...) as markdown, one line per event, and as JSON.',
  platform: 'amigo',
  uriTemplate: 'amigo://entities/{entity_id}/timeline',
  mimeType: 'text/markdown',
  async list(ctx) {
    const page = await ctx.client.listEntities({ limit: LISTED }, ctx.signal);
    return page.entities.map((e) => ({
      uri: timelineUri(e.id),
      name: `Timeline of ${e.display_name ? fenceUntrusted(e.display_name) : e.id}`,
      mimeType: 'text/markdown',
    }));
  },
  async read(uri, { entity_id: id = '' }, ctx) {
    const page = await ctx.client.getEntityTimeline(id, { limit: 200 }, ctx.signal);
    const lines = page.events.map((e) => ({
      time: e.effective_at ?? undefined,
      speaker: `${e.domain}/${e.event_type}`,
      text: JSON.stringify(e.data ?? {}),
    }));
    const { markdown } = renderTranscript(
      `Timeline of entity ${id}`,
      lines,
      Math.floor(ctx.maxResultChars / 2),
      'read them with amigo_get_entity_timeline',
    );
    const events = page.events.map((e) => ({
      id: e.id,
      domain: e.domain,
      event_type: e.event_type,
      effective_at: e.effective_at ?? undefined,
      data: e.data,
    }));
    return historyContents(uri, markdown, { entity_id: id, total: page.total, events }, ['data']);
  },
});

const entityTypes = defineResource<AmigoClient>({
  name: 'amigo_entity_types',
  title: 'Amigo entity types',
  description: 'The entity types of the workspace world model with their counts (JSON).',
  platform: 'amigo',
  uriTemplate: 'amigo://entity-types',
  mimeType: 'application/json',
  async read(uri, _vars, ctx) {
    const types = await ctx.client.listEntityTypes(ctx.signal);
    return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(types) }] };
  },
});

/** A history item of a simulation snapshot: untyped in the document; the sandbox and call turns use role + text. */
const historyLine = (item: Record<string, unknown>) => ({
  speaker: String(item.role ?? item.speaker ?? 'unknown'),
  text: typeof item.text === 'string' ? item.text : JSON.stringify(item),
});

const simulation = defineResource<AmigoClient>({
  name: 'amigo_simulation',
  title: 'Amigo simulation',
  description:
    'A simulated test conversation (amigo_test_service): its transcript, the state reached and the platform intelligence, as markdown and JSON.',
  platform: 'amigo',
  uriTemplate: 'amigo://simulations/{session_id}',
  mimeType: 'text/markdown',
  // resources/list: the sessions this session's amigo_test_service created (RecentResources);
  // the document has no workspace-wide list of test conversations.
  async read(uri, { session_id: id = '' }, ctx) {
    // simulation-observe, not get-simulation-session-turns: test-conversation-step stores no turn
    // observations, and the snapshot carries the whole conversation_history.
    const [snap, intel] = await Promise.all([
      ctx.client.observeSimulation(id, ctx.signal),
      ctx.client.getSimulationIntelligence(id, ctx.signal),
    ]);
    const lines = (snap.conversation_history ?? []).map(historyLine);
    const { markdown, kept } = renderTranscript(
      `Amigo simulation ${id} (state ${snap.current_state.name}${snap.terminal_reached ? ', ended' : ''})`,
      lines,
      Math.floor(ctx.maxResultChars / 2),
      'api_read with operation simulation-observe returns the whole history',
    );
    const intelJson = JSON.stringify(intel.intelligence);
    const intelligence =
      intelJson.length <= ctx.maxResultChars / 4
        ? fenceUntrusted(intelJson)
        : '_Too long for this form; the JSON form carries it._';
    return historyContents(
      uri,
      `${markdown}\n## Intelligence\n\n${intelligence}\n`,
      {
        session_id: id,
        current_state: snap.current_state.name,
        terminal_reached: snap.terminal_reached ?? false,
        states_visited: snap.states_visited ?? [],
        turns: lines.slice(lines.length - kept).map((l) => ({ role: l.speaker, text: l.text })),
        intelligence: intel.intelligence,
      },
      ['text', 'intelligence'],
    );
  },
});

export const AMIGO_RESOURCES: readonly ResourceDefinition[] = [
  conversation,
  callTranscript,
  entityTimeline,
  entityTypes,
  simulation,
];
