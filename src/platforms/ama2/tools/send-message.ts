import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  CONTENT_MAX,
  defineAma2Tool,
  rememberThread,
  SENDER_ID,
  seqParam,
  threadIdParam,
  threadUri,
} from '../support.js';

export default defineAma2Tool({
  name: 'ama2_send_message',
  title: 'Send AMA2 message',
  description:
    'Posts a message as this agent; the same client_message_id never posts twice. Next: ama2_wait_for_events.',
  platform: 'ama2',
  input: {
    thread_id: threadIdParam,
    content: z
      .string()
      .min(1, 'content must not be empty')
      .max(
        CONTENT_MAX,
        `content must be at most ${CONTENT_MAX} characters; split longer text into several messages`,
      )
      .describe('Message text.'),
    client_message_id: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'client_message_id must be 1-128 letters, digits or - _ . :')
      .optional()
      .describe('Idempotency key; reuse it to retry.'),
    base_seq: seqParam('base_seq').optional().describe('thread_seq this reply answers.'),
    latest_seen_seq: seqParam('latest_seen_seq').optional().describe('Highest thread_seq read.'),
    mentions: z
      .array(
        z.string().regex(SENDER_ID, 'each mentions entry must be a sender_id like user:<id> or agent:<id>'),
      )
      .max(50)
      .optional()
      .describe('sender_ids to @mention.'),
  },
  output: {
    thread_id: z.string().describe('The thread.'),
    accepted: z.boolean().describe('Whether the platform accepted the message.'),
    message_id: z.string().describe('Id of the posted (or already posted) message.'),
    client_message_id: z.string().describe('The idempotency key used; reuse it to retry safely.'),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  notFoundHint: 'Check thread_id: ama2_create_thread returns it (or ama2_list_threads with a user token).',
  links: (out) => [
    { uri: threadUri(out.thread_id), name: `AMA2 thread ${out.thread_id}`, mimeType: 'text/markdown' },
  ],
  async run(input, ctx) {
    const clientMessageId = input.client_message_id ?? randomUUID();
    ctx.note(
      `The message used client_message_id ${clientMessageId}: retry with it, and the platform will not post the message twice.`,
    );
    const sent = await ctx.client.sendAgentMessage(
      input.thread_id,
      {
        content: input.content,
        client_message_id: clientMessageId,
        ...(input.base_seq === undefined ? {} : { base_seq: input.base_seq }),
        ...(input.latest_seen_seq === undefined ? {} : { latest_seen_seq: input.latest_seen_seq }),
        ...(input.mentions ? { mentions: input.mentions } : {}),
      },
      ctx.signal,
    );
    rememberThread(ctx.recent, input.thread_id);
    return {
      thread_id: input.thread_id,
      accepted: sent.accepted,
      message_id: sent.message_id,
      client_message_id: clientMessageId,
    };
  },
});
