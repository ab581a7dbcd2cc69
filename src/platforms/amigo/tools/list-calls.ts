import { z } from 'zod';
import { cursorParam, isUuid, limitParam, pageOutput } from '../../../core/params.js';
import { AMIGO_LIMITS } from '../client.js';
import { callUri, defineAmigoTool, nextState, remember } from '../support.js';

const NAME = 'amigo_list_calls';

export default defineAmigoTool({
  name: NAME,
  title: 'List Amigo calls',
  description: 'Lists voice calls, newest first: caller, duration, outcome, quality.',
  platform: 'amigo',
  input: {
    service_id: z
      .string()
      .refine(isUuid, 'service_id must be a UUID from amigo_list_services')
      .optional()
      .describe('Only this service.'),
    direction: z.enum(['inbound', 'outbound', 'playground', 'simulated']).optional(),
    limit: limitParam(AMIGO_LIMITS.offsetPage),
    cursor: cursorParam(),
  },
  output: {
    calls: z
      .array(
        z.object({
          call_id: z.string().describe('Id for amigo_get_call.'),
          direction: z.string().optional().describe('inbound or outbound.'),
          caller_id: z.string().optional().describe('Caller number.'),
          duration_seconds: z.number().optional().describe('Length.'),
          completion_reason: z.string().optional().describe('How it ended.'),
          quality_score: z.number().optional().describe('0 to 1.'),
          started_at: z.string().optional().describe('ISO time.'),
        }),
      )
      .describe('Calls on this page.'),
    total: z.number().describe('Calls matching, in all.'),
    ...pageOutput,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  paginate: { items: 'calls', scope: ['service_id', 'direction'] },
  async run(input, ctx) {
    const offset = ctx.page.state ?? 0;
    const page = await ctx.client.listCalls(
      { service_id: input.service_id, direction: input.direction, limit: ctx.page.limit, offset },
      ctx.signal,
    );
    const calls = page.items.map((c) => ({
      call_id: String(c.entity_id),
      direction: (c.direction as string | null) ?? undefined,
      caller_id: (c.caller_id as string | null) ?? undefined,
      duration_seconds: (c.duration_seconds as number | null) ?? undefined,
      completion_reason: (c.completion_reason as string | null) ?? undefined,
      quality_score: (c.quality_score as number | null) ?? undefined,
      started_at: (c.started_at as string | null) ?? undefined,
    }));
    for (const c of calls) remember(ctx.recent, callUri(c.call_id), `Amigo call ${c.call_id}`);
    return {
      calls,
      total: page.total,
      next: nextState(page.has_more, page.continuation_token ?? offset + page.items.length),
    };
  },
});
