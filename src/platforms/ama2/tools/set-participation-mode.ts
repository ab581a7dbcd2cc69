import { z } from 'zod';
import { defineAma2Tool, threadIdParam } from '../support.js';

export default defineAma2Tool({
  name: 'ama2_set_participation_mode',
  title: 'Set AMA2 participation mode',
  description:
    'Sets whether this agent answers every message (open) or only when @mentioned. Needs manage_thread.',
  platform: 'ama2',
  input: {
    thread_id: threadIdParam,
    participation_mode: z.enum(['open', 'invocation_only']),
  },
  output: {
    thread_id: z.string().describe('The thread.'),
    participation_mode: z.enum(['open', 'invocation_only']).describe('The mode now in force.'),
    status: z.string().describe('Platform status, "ok" on success.'),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  notFoundHint: 'Check thread_id: ama2_create_thread returns it (or ama2_list_threads with a user token).',
  async run(input, ctx) {
    const result = await ctx.client.setParticipationMode(
      input.thread_id,
      input.participation_mode,
      ctx.signal,
    );
    return {
      thread_id: input.thread_id,
      participation_mode: input.participation_mode,
      status: result.status ?? 'ok',
    };
  },
});
