import { z } from 'zod';
import { AMIGO_LIMITS } from '../client.js';
import { defineAmigoTool } from '../support.js';

export default defineAmigoTool({
  name: 'amigo_get_analytics',
  title: 'Amigo analytics',
  description: 'Returns dashboard KPIs with their change, and call statistics, over the last N days.',
  platform: 'amigo',
  input: {
    days: z
      .number()
      .int()
      .min(1)
      .max(AMIGO_LIMITS.days, `days must be from 1 to ${AMIGO_LIMITS.days}`)
      .default(7)
      .describe('Days back.'),
  },
  output: {
    days: z.number().describe('The period.'),
    dashboard: z.record(z.string(), z.unknown()).describe('KPIs as the platform reports them.'),
    calls: z
      .object({
        total_calls: z.number().describe('Calls.'),
        avg_duration_seconds: z.number().describe('Average length.'),
        calls_by_date: z.array(z.object({ date: z.string(), count: z.number() })).describe('Calls per day.'),
      })
      .describe('Call statistics.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run(input, ctx) {
    const client = ctx.client;
    const [dashboard, calls] = await Promise.all([
      client.getAnalyticsDashboard(input.days, ctx.signal),
      client.getCallStats(input.days, ctx.signal),
    ]);
    return {
      days: input.days,
      dashboard,
      calls: {
        total_calls: Number(calls.total_calls),
        avg_duration_seconds: Number(calls.avg_duration_seconds),
        calls_by_date: (
          (calls.calls_by_date as Array<{ date: string; count: number }> | undefined) ?? []
        ).map(({ date, count }) => ({ date, count })),
      },
    };
  },
});
