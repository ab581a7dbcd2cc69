import { z } from 'zod';
import { defineAma2Tool, threadIdParam } from '../support.js';

export default defineAma2Tool({
  name: 'ama2_register_webhook',
  title: 'Register AMA2 thread webhook',
  description: 'Registers an https URL that AMA2 calls on new events in a thread.',
  platform: 'ama2',
  input: {
    thread_id: threadIdParam,
    callback_url: z
      .string()
      .max(2048, 'callback_url must be at most 2048 characters')
      .refine(
        (v) => URL.canParse(v) && new URL(v).protocol === 'https:',
        'callback_url must be an https:// URL',
      )
      .describe('Public https URL.'),
  },
  output: {
    subscription_id: z.string().describe('Id for ama2_remove_webhook.'),
    thread_id: z.string().describe('The thread.'),
    callback_url: z.string().describe('Where deliveries go.'),
    active: z.boolean().describe('Whether deliveries are on.'),
    created_at: z.string().optional().describe('RFC 3339 time.'),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  notFoundHint: 'Check thread_id: ama2_create_thread returns it (or ama2_list_threads with a user token).',
  async run(input, ctx) {
    const hook = await ctx.client.registerWebhook(input.thread_id, input.callback_url, ctx.signal);
    return {
      subscription_id: hook.subscription_id,
      thread_id: hook.thread_id ?? input.thread_id,
      callback_url: hook.callback_url ?? input.callback_url,
      active: hook.active ?? true,
      created_at: hook.created_at,
    };
  },
});
