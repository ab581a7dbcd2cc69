import { z } from 'zod';
import { defineAmigoTool } from '../support.js';

const section = (what: string) => z.record(z.string(), z.unknown()).optional().describe(what);

export default defineAmigoTool({
  name: 'amigo_get_workspace_overview',
  title: 'Amigo workspace overview',
  description:
    "The workspace at a glance: live and today's calls, escalations, pipelines, data quality, alerts.",
  platform: 'amigo',
  input: {},
  output: {
    generated_at: z.string().describe('When the figures were computed (ISO time).'),
    voice: section("Live and today's call figures."),
    pipeline: section('Data connector health.'),
    data_quality: section('Entity counts, merges, reviews.'),
    alerts: z
      .array(z.object({ level: z.string(), section: z.string(), message: z.string() }))
      .describe('Open alerts.'),
    degraded_sections: z.array(z.string()).describe('Sections that could not be computed.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['pipeline', 'data_quality', 'alerts'],
  async run(_input, ctx) {
    const cc = await ctx.client.getCommandCenter(ctx.signal);
    return {
      generated_at: String(cc.generated_at),
      voice: cc.voice as Record<string, unknown> | undefined,
      pipeline: cc.pipeline as Record<string, unknown> | undefined,
      data_quality: cc.data_quality as Record<string, unknown> | undefined,
      alerts: ((cc.alerts as Array<Record<string, unknown>> | undefined) ?? []).map((a) => ({
        level: String(a.level),
        section: String(a.section),
        message: String(a.message),
      })),
      degraded_sections: (cc.degraded_sections as string[] | undefined) ?? [],
    };
  },
});
