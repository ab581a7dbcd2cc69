import { z } from 'zod';
import { defineAma2Tool, threadIdParam } from '../support.js';

export default defineAma2Tool({
  name: 'ama2_remove_webhook',
  title: 'Remove AMA2 thread webhook',
  description: 'Removes a thread webhook; deliveries stop at once.',
  platform: 'ama2',
  input: {
    thread_id: threadIdParam,
    subscription_id: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/,
        'subscription_id must be the id ama2_register_webhook returned',
      )
      .describe('subscription_id from ama2_register_webhook.'),
  },
  output: {
    thread_id: z.string().describe('The thread.'),
    subscription_id: z.string().describe('The removed webhook.'),
    removed: z.boolean().describe('True when the platform confirmed the removal.'),
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  notFoundHint:
    'The thread or webhook does not exist (already removed?); ama2_register_webhook returns subscription ids.',
  async run(input, ctx) {
    const result = await ctx.client.removeWebhook(input.thread_id, input.subscription_id, ctx.signal);
    return {
      thread_id: input.thread_id,
      subscription_id: input.subscription_id,
      removed: (result.status ?? 'ok') === 'ok',
    };
  },
});
