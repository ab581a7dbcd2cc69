import { setTimeout as sleep } from 'node:timers/promises';
import type {
  EmulatorRequest,
  EmulatorResponse,
  StreamingResponse,
} from '../../../core/emulator/emulator.js';
import { type AmigoRoutes, detail, isResponse, type Json, offsetPage, ok } from './routes.js';
import type { ValidInput } from './validate.js';
import type { AmigoWorld, ConversationState } from './world.js';

// Text conversations and their turns, JSON and streamed (apis/amigo.md §6 Conversations, §7).

const conversationDetail = (c: ConversationState) => ({ ...c.detail, turns: c.turns });

/** Validates a turn and marks the conversation busy; the caller produces the answer. */
function startTurn(
  world: AmigoWorld,
  req: EmulatorRequest,
  { body }: ValidInput,
): { state: ConversationState; message: string } | EmulatorResponse {
  const state = world.conversations.get(req.params.conversation_id ?? '');
  if (!state) return detail(404, 'Conversation not found');
  const message = body.message as string;
  if (state.detail.status === 'closed')
    return detail(409, 'Conversation is closed; start a new conversation');
  if (state.busy) return detail(409, 'A turn is already in progress for this conversation');
  state.busy = true;
  return { state, message };
}

async function jsonTurn(world: AmigoWorld, state: ConversationState, message: string, withTools: boolean) {
  try {
    await sleep(world.turnDelayMs);
    const input = world.addTurn(state, 'user', message);
    const reply = world.reply(state, message);
    const output = world.addTurn(state, 'agent', reply.text);
    return ok({
      turn_id: `turn-${state.turns.length}`,
      input,
      output: [output],
      tool_calls:
        withTools && reply.tool
          ? [
              {
                tool_name: reply.tool.name,
                call_id: `call-${state.turns.length}`,
                input: reply.tool.input,
                result: reply.tool.result,
                succeeded: true,
              },
            ]
          : [],
      conversation: {
        id: state.detail.id,
        status: state.detail.status,
        turn_count: state.detail.turn_count,
        updated_at: state.detail.updated_at,
      },
    });
  } finally {
    state.busy = false;
  }
}

function streamedTurn(
  world: AmigoWorld,
  state: ConversationState,
  message: string,
  withTools: boolean,
): StreamingResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
    // The event name travels only on the `event:` line (apis/amigo.md §7).
    stream: async (write, signal) => {
      const send = (event: string, data: Json) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      try {
        world.addTurn(state, 'user', message);
        send('thinking', { tier: 1, tier_name: 'fast' });
        const reply = world.reply(state, message);
        if (withTools && reply.tool) {
          send('tool_call_started', {
            call_id: `call-${state.turns.length}`,
            tool_name: reply.tool.name,
            input: reply.tool.input,
          });
          send('tool_call_completed', {
            call_id: `call-${state.turns.length}`,
            tool_name: reply.tool.name,
            result: reply.tool.result,
            succeeded: true,
          });
        }
        for (const word of reply.text.split(/(?<= )/)) {
          if (signal.aborted) return;
          send('token', { text: word });
          await sleep(Math.max(1, Math.floor(world.turnDelayMs / 10)));
        }
        world.addTurn(state, 'agent', reply.text);
        send('message', { role: 'agent', text: reply.text });
        send('done', {
          conversation_id: state.detail.id,
          status: state.detail.status,
          turn_count: state.detail.turn_count,
        });
      } finally {
        state.busy = false;
      }
    },
  };
}

function registerTurns({ ws, world }: AmigoRoutes): void {
  ws('POST', '/conversations/:conversation_id/turns', async (req, valid) => {
    const started = startTurn(world, req, valid);
    if (isResponse(started)) return started;
    return jsonTurn(world, started.state, started.message, valid.query.include_tool_calls === true);
  });
  ws('POST', '/conversations/:conversation_id/turns/stream', (req, input) => {
    const started = startTurn(world, req, input);
    if (isResponse(started)) return started;
    return streamedTurn(world, started.state, started.message, input.query.include_tool_calls === true);
  });
}

export function registerConversations(routes: AmigoRoutes): void {
  const { ws, world } = routes;
  ws('POST', '/conversations', (_req, { body }) => {
    const service = world.service(body.service_id as string);
    if (!service) return detail(404, 'Service not found');
    if (service.channel_type !== 'text')
      return detail(
        422,
        `Service ${service.name} is a ${service.channel_type} service; conversations need a text service`,
      );
    const created = world.createConversation(
      service,
      (body.entity_id as string | null | undefined) ?? null,
      body.auto_greet as boolean,
    );
    return ok(conversationDetail(created), 201);
  });
  ws('GET', '/conversations', (_req, input) => {
    const status = input.query.status;
    const all = [...world.conversations.values()]
      .map((c) => c.detail)
      .filter((c) => !status || c.status === status)
      .reverse();
    return offsetPage(input, all, 'items', false);
  });
  ws('GET', '/conversations/:conversation_id', (req) => {
    const found = world.conversations.get(req.params.conversation_id ?? '');
    return found ? ok(conversationDetail(found)) : detail(404, 'Conversation not found');
  });
  ws('DELETE', '/conversations/:conversation_id', (req) => {
    const found = world.conversations.get(req.params.conversation_id ?? '');
    if (!found) return detail(404, 'Conversation not found');
    found.detail.status = 'closed';
    found.detail.lifecycle = 'closed';
    return { status: 204 };
  });
  registerTurns(routes);
}
