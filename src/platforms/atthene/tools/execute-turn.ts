import { z } from 'zod';
import { ToolInputError } from '../../../core/input-error.js';
import type { ExecuteRequest } from '../client.js';
import {
  defineAttheneTool,
  rememberSession,
  SESSION_NOT_FOUND,
  sessionIdParam,
  sessionUri,
} from '../support.js';
import { waitForTurn } from '../wait.js';

export const WAIT_MAX_SECONDS = 55;

const block = z.object({
  type: z.enum(['text', 'image_url']),
  text: z.string().max(100_000).optional(),
  image_url: z.object({ url: z.string().url() }).optional(),
});

export default defineAttheneTool({
  name: 'atthene_execute_turn',
  title: 'Run an Atthene agent turn',
  description:
    'Sends a user message and returns the reply; past wait_seconds, status running (then atthene_get_status, atthene_get_messages).',
  platform: 'atthene',
  input: {
    session_id: sessionIdParam,
    content: z.string().min(1, 'content must not be empty').max(100_000).optional().describe('User message.'),
    content_blocks: z
      .array(block)
      .min(1)
      .max(20)
      .optional()
      .describe('Text and image blocks, instead of content.'),
    correlation_id: z.string().max(200).optional().describe('Echoed back.'),
    inputs: z.record(z.string(), z.unknown()).optional().describe('Session variables, kept for later turns.'),
    wait_seconds: z
      .number()
      .int()
      .min(1)
      .max(WAIT_MAX_SECONDS, `wait_seconds must be from 1 to ${WAIT_MAX_SECONDS}`)
      .default(45)
      .describe('Seconds to wait before answering status running.'),
  },
  output: {
    session_id: z.string().describe('The session.'),
    status: z
      .string()
      .describe('completed, error, timeout, or running (still working; see the description).'),
    reply: z.string().describe('The final assistant text of this turn (written by the agent).'),
    messages: z
      .array(
        z.object({
          id: z.string().optional().describe('Message id.'),
          role: z.string().describe('assistant (or another role the platform reports).'),
          content: z.string().describe('Message text.'),
          created_at: z.string().optional().describe('ISO time.'),
        }),
      )
      .describe('New messages of this turn, in order (one per agent in a workflow).'),
    tool_calls: z.array(z.unknown()).describe('Tool calls the agent made.'),
    usage: z
      .object({ input_tokens: z.number().optional(), output_tokens: z.number().optional() })
      .optional()
      .describe('Token usage, when reported.'),
    execution_time: z.number().optional().describe('Seconds the platform spent.'),
    correlation_id: z.string().optional().describe('Your correlation_id, echoed.'),
    waited_ms: z.number().describe('How long this call waited.'),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  notFoundHint: SESSION_NOT_FOUND,
  untrusted: ['reply', 'content', 'tool_calls'],
  links: (out) => [
    { uri: sessionUri(out.session_id), name: `Atthene session ${out.session_id}`, mimeType: 'text/markdown' },
  ],
  async run(input, ctx) {
    if ((input.content === undefined) === (input.content_blocks === undefined)) {
      throw new ToolInputError('give exactly one of content (text) or content_blocks.');
    }
    const request: ExecuteRequest = {
      content: input.content ?? (input.content_blocks as Array<Record<string, unknown>>),
      ...(input.correlation_id ? { correlation_id: input.correlation_id } : {}),
      ...(input.inputs ? { inputs: input.inputs } : {}),
    };
    const started = Date.now();
    rememberSession(ctx.recent, input.session_id);
    const execution = ctx.client.execute(input.session_id, request, ctx.signal);
    const result = await waitForTurn(execution, input.wait_seconds, ctx, input.session_id);
    const waited_ms = Date.now() - started;
    if (result !== 'running') return { session_id: input.session_id, ...result, waited_ms };
    return {
      session_id: input.session_id,
      status: 'running',
      reply: '',
      messages: [],
      tool_calls: [],
      waited_ms,
    };
  },
});
