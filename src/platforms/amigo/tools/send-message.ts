import { z } from 'zod';
import { ToolInputError } from '../../../core/input-error.js';
import { isUuid } from '../../../core/params.js';
import { conversationUri, defineAmigoTool, NOT_FOUND, remember } from '../support.js';

const uuid = (field: string, from: string) =>
  z.string().refine(isUuid, `${field} must be a UUID from ${from}`).optional();

export default defineAmigoTool({
  name: 'amigo_send_message',
  title: 'Send Amigo message',
  description:
    'Talks to an agent as a user: service_id starts a conversation (with its greeting), conversation_id continues one.',
  platform: 'amigo',
  input: {
    message: z.string().min(1, 'message must not be empty').max(10_000).describe('What the user says.'),
    service_id: uuid('service_id', 'amigo_list_services').describe(
      'Text service to start on (amigo_list_services).',
    ),
    conversation_id: uuid('conversation_id', 'a previous amigo_send_message').describe('To continue.'),
    include_tool_calls: z.boolean().default(false).describe('Return the tools called.'),
    auto_greet: z.boolean().default(true).describe('Agent greets first on a new conversation.'),
  },
  output: {
    conversation_id: z.string().describe('Pass it to continue the conversation.'),
    started: z.boolean().describe('True when this call started the conversation.'),
    greeting: z.string().optional().describe("The agent's greeting, on a new conversation."),
    replies: z
      .array(z.object({ text: z.string().describe('Reply text.') }))
      .describe("The agent's replies to this message."),
    tool_calls: z
      .array(
        z.object({
          tool_name: z.string(),
          input: z.unknown().optional(),
          result: z.unknown().optional(),
          succeeded: z.boolean().optional(),
        }),
      )
      .optional()
      .describe('Tools the agent called, when asked for.'),
    status: z.string().describe('Conversation status after the turn.'),
    turn_count: z.number().optional().describe('Turns in the conversation.'),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  notFoundHint: `${NOT_FOUND.service} ${NOT_FOUND.conversation}`,
  untrusted: ['greeting', 'text', 'tool_calls'],
  links: (out) => [
    {
      uri: conversationUri(out.conversation_id),
      name: `Amigo conversation ${out.conversation_id}`,
      mimeType: 'text/markdown',
    },
  ],
  async run(input, ctx) {
    if ((input.service_id === undefined) === (input.conversation_id === undefined)) {
      throw new ToolInputError(
        'give service_id to start a conversation or conversation_id to continue one, not both or neither.',
      );
    }
    const client = ctx.client;
    let conversationId = input.conversation_id;
    let greeting: string | undefined;
    if (!conversationId) {
      const created = await client.createConversation(
        { service_id: input.service_id!, auto_greet: input.auto_greet },
        ctx.signal,
      );
      conversationId = created.id;
      greeting = created.turns?.find((t) => t.role === 'agent')?.text;
      ctx.note(`The conversation ${conversationId} was started; continue it with conversation_id.`);
    }
    remember(ctx.recent, conversationUri(conversationId), `Amigo conversation ${conversationId}`);

    const replies: Array<{ text: string }> = [];
    const toolCalls: Array<{ tool_name: string; input?: unknown; result?: unknown; succeeded?: boolean }> =
      [];
    let done: { status?: string; turn_count?: number } = {};
    let tokens = 0;
    const events = client.streamTurn(
      conversationId,
      { message: input.message },
      input.include_tool_calls,
      ctx.signal,
    );
    for await (const event of events) {
      if (event.event === 'token') await ctx.progress(++tokens, undefined, event.text);
      else if (event.event === 'tool_call_completed') {
        const { tool_name, input: args, result, succeeded } = event;
        toolCalls.push({ tool_name, input: args, result, succeeded });
      } else if (event.event === 'message' && event.role !== 'user') replies.push({ text: event.text });
      // streamTurn ends after `done`, or throws (apis/amigo.md §7).
      else if (event.event === 'done') done = event;
    }
    return {
      conversation_id: conversationId,
      started: input.conversation_id === undefined,
      greeting,
      replies,
      ...(input.include_tool_calls ? { tool_calls: toolCalls } : {}),
      status: done.status ?? 'active',
      turn_count: done.turn_count,
    };
  },
});
