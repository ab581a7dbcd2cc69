import { z } from 'zod';
import { pageOfWhole } from '../../../core/paging.js';
import { cursorParam, limitParam, pageOutput } from '../../../core/params.js';
import { callIdParam, callUri, defineAmigoTool, NOT_FOUND, remember } from '../support.js';

type Json = Record<string, unknown>;
const NAME = 'amigo_get_call';

export default defineAmigoTool({
  name: NAME,
  title: 'Get Amigo call',
  description:
    "Returns a call's transcript (paged) and intelligence summary. Personal data: quote only what is needed.",
  platform: 'amigo',
  input: { call_id: callIdParam, limit: limitParam(200, 50), cursor: cursorParam() },
  output: {
    call_id: z.string().describe('The call.'),
    status: z.string().optional().describe('Call status.'),
    direction: z.string().optional().describe('inbound or outbound.'),
    duration_seconds: z.number().optional().describe('Length.'),
    completion_reason: z.string().optional().describe('How it ended.'),
    quality_score: z.number().optional().describe('0 to 1.'),
    states_visited: z.array(z.string()).optional().describe('Conversation states in order.'),
    transcript: z
      .array(
        z.object({
          state: z.string().optional().describe('State of the turn.'),
          caller: z.string().optional().describe('What the caller said.'),
          agent: z.string().optional().describe('What the agent said.'),
        }),
      )
      .describe('Turns on this page, in order.'),
    key_moments: z
      .array(z.object({ type: z.string(), description: z.string(), severity: z.string().optional() }))
      .optional()
      .describe('Notable moments from the intelligence summary.'),
    ...pageOutput,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  notFoundHint: NOT_FOUND.call,
  untrusted: ['transcript', 'key_moments', 'states_visited'],
  // The platform returns the whole transcript (apis/amigo.md "Calls (voice)"); the registry pages it.
  paginate: { items: 'transcript', scope: ['call_id'] },
  links: (out) => [
    { uri: callUri(out.call_id), name: `Amigo call ${out.call_id} transcript`, mimeType: 'text/markdown' },
  ],
  async run(input, ctx) {
    const client = ctx.client;
    const [call, intel] = await Promise.all([
      client.getCall(input.call_id, ctx.signal),
      client.getCallIntelligence(input.call_id, ctx.signal),
    ]);
    remember(ctx.recent, callUri(input.call_id), `Amigo call ${input.call_id}`);
    const { items: turns, next } = pageOfWhole((call.turns as Json[] | undefined) ?? [], ctx.page);
    return {
      call_id: input.call_id,
      status: call.status as string | undefined,
      direction: (call.direction as string | null) ?? undefined,
      duration_seconds: call.call_duration_seconds as number | undefined,
      completion_reason: (call.completion_reason as string | null) ?? undefined,
      quality_score: (call.quality_score as number | null) ?? undefined,
      states_visited: call.states_visited as string[] | undefined,
      transcript: turns.map((t) => ({
        state: t.state as string | undefined,
        caller: (t.user_transcript as string | null) ?? undefined,
        agent: (t.agent_transcript as string | null) ?? undefined,
      })),
      key_moments:
        (intel.key_moments as Array<{ type: string; description: string; severity?: string }> | undefined) ??
        [],
      next,
    };
  },
});
