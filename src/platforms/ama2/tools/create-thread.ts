import { z } from 'zod';
import { isUuid } from '../../../core/params.js';
import { CONTENT_MAX, defineAma2Tool, derivedMessageId, rememberThread, threadUri } from '../support.js';

export default defineAma2Tool({
  name: 'ama2_create_thread',
  title: 'Create AMA2 thread',
  description:
    "Opens (or returns) this agent's private thread with the given users; initial_message is posted once.",
  platform: 'ama2',
  input: {
    target_user_ids: z
      .array(z.string().refine(isUuid, 'each target_user_ids entry must be an AMA2 user UUID'))
      .min(1, 'target_user_ids needs at least one user UUID')
      .max(50, 'target_user_ids takes at most 50 users')
      .describe('User UUIDs (no user: prefix).'),
    participation_mode: z
      .enum(['open', 'invocation_only'])
      .optional()
      .describe('invocation_only: answer only when @mentioned.'),
    initial_message: z
      .string()
      .min(1)
      .max(CONTENT_MAX, `initial_message must be at most ${CONTENT_MAX} characters`)
      .optional()
      .describe('First message, sent as the agent.'),
  },
  output: {
    thread_id: z.string().describe('Thread id for the other ama2_ tools.'),
    participants: z
      .array(
        z.object({
          sender_id: z.string(),
          participant_kind: z.string().optional(),
          display_name: z.string().optional(),
        }),
      )
      .describe('Who is in the thread; sender_id is what mentions take.'),
    created_at: z.string().optional().describe('When the thread was created (RFC 3339).'),
    participation_mode: z
      .enum(['open', 'invocation_only'])
      .optional()
      .describe('Mode set after creation, if asked.'),
    initial_message_id: z.string().optional().describe('message_id of initial_message, if sent.'),
    initial_client_message_id: z
      .string()
      .optional()
      .describe('client_message_id used for initial_message, derived from thread_id and the text.'),
    resource_uri: z.string().describe('The thread history as an MCP resource.'),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['display_name'],
  links: (out) => [
    { uri: out.resource_uri, name: `AMA2 thread ${out.thread_id}`, mimeType: 'text/markdown' },
  ],
  async run(input, ctx) {
    const client = ctx.client;
    // The contract takes participation_mode and initial_message on create but does not process
    // them yet (apis/ama2.md §3 "Participation modes"), so they are applied as separate calls.
    const thread = await client.createThread({ target_user_ids: input.target_user_ids }, ctx.signal);
    rememberThread(ctx.recent, thread.thread_id);
    if (input.participation_mode)
      await client.setParticipationMode(thread.thread_id, input.participation_mode, ctx.signal);
    let initial: { message_id: string; client_message_id: string } | undefined;
    if (input.initial_message) {
      const clientMessageId = derivedMessageId(thread.thread_id, input.initial_message);
      const sent = await client.sendAgentMessage(
        thread.thread_id,
        { content: input.initial_message, client_message_id: clientMessageId },
        ctx.signal,
      );
      initial = { message_id: sent.message_id, client_message_id: clientMessageId };
    }
    return {
      thread_id: thread.thread_id,
      participants: (thread.participants ?? []).map((p) => ({
        sender_id: p.sender_id,
        participant_kind: p.participant_kind,
        display_name: p.display_name,
      })),
      created_at: thread.created_at,
      participation_mode: input.participation_mode,
      initial_message_id: initial?.message_id,
      initial_client_message_id: initial?.client_message_id,
      resource_uri: threadUri(thread.thread_id),
    };
  },
});
