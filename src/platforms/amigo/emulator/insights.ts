import { AMIGO_SANDBOX_WORKSPACE_ID } from './credentials.js';
import { type AmigoRoutes, detail, invalid, type Json, ok } from './routes.js';
import type { AmigoWorld } from './world.js';

// Read-only summaries and stored functions: command center, analytics, functions
// (apis/amigo.md §6 Analytics, Functions).

function commandCenter(world: AmigoWorld): Json {
  return {
    workspace_id: AMIGO_SANDBOX_WORKSPACE_ID,
    generated_at: new Date().toISOString(),
    cached: false,
    voice: {
      active_calls: 1,
      active_escalated: 0,
      calls_today: world.calls.length,
      escalation_rate_today: 1 / world.calls.length,
      avg_quality_score_today: 0.8,
    },
    pipeline: {
      connector_status: 'healthy',
      events_last_hour: 42,
      outbound_failed: 0,
      outbound_pending: 2,
      sources_total: 3,
      sources_healthy: 3,
      sources_degraded: 0,
      sources_failing: 0,
    },
    data_quality: {
      entities_total: world.entities.length,
      entities_merged_7d: 1,
      pending_reviews: 2,
      approval_rate_7d: 0.95,
      avg_confidence: 0.97,
    },
    identity: { active_api_keys: 1 },
    alerts: [
      {
        level: 'info',
        section: 'data_quality',
        code: 'pending_reviews',
        message: '2 entity merges wait for review',
      },
    ],
    degraded_sections: [],
  };
}

function callStats(world: AmigoWorld, days: number): Json {
  const total = world.calls.reduce((n, c) => n + Number(c.duration_seconds), 0);
  return {
    workspace_id: AMIGO_SANDBOX_WORKSPACE_ID,
    period_start: new Date(Date.UTC(2026, 10, 25) - days * 86_400_000).toISOString().slice(0, 10),
    period_end: '2026-11-25',
    total_calls: world.calls.length,
    total_duration_seconds: total,
    avg_duration_seconds: total / world.calls.length,
    calls_by_date: world.calls.map((c) => ({
      date: String(c.started_at).slice(0, 10),
      count: 1,
      avg_duration_seconds: c.duration_seconds,
    })),
  };
}

export function registerAnalytics({ ws, world }: AmigoRoutes): void {
  ws('GET', '/command-center', () => ok(commandCenter(world)));
  ws('GET', '/analytics/dashboard', (_req, input) => {
    const days = input.query.days as number;
    return ok({
      period_days: days,
      total_calls: world.calls.length,
      total_conversations: world.conversations.size,
      avg_quality_score: 0.8,
      delta_calls_pct: 12.5,
    });
  });
  ws('GET', '/analytics/calls', (_req, input) => ok(callStats(world, input.query.days as number)));
}

export function registerFunctions({ ws, world }: AmigoRoutes): void {
  ws('GET', '/functions/registered', () => ok({ count: world.functions.length, items: world.functions }));
  ws('POST', '/functions/:function_name/invoke', (req, { body }) => {
    const fn = world.functions.find((f) => f.name === req.params.function_name);
    if (!fn) return detail(404, `Function ${req.params.function_name} not found`);
    const input = body.input as Json;
    if (fn.name === 'patients_by_tag') {
      if (typeof input.tag !== 'string')
        return invalid(['body', 'input', 'tag'], 'Field required', 'missing', input);
      const rows = world.entities
        .filter((e) => e.entity_type === 'patient' && (e.tags as string[]).includes(String(input.tag)))
        .map((e) => ({ id: e.id, display_name: e.display_name }));
      return ok({ result: rows, row_count: rows.length, version: fn.version, duration_ms: 3 });
    }
    const counts: Record<string, number> = {};
    for (const e of world.entities)
      if (e.entity_type === 'appointment')
        counts[String(e.appointment_status)] = (counts[String(e.appointment_status)] ?? 0) + 1;
    const rows = Object.entries(counts).map(([status, count]) => ({ status, count }));
    return ok({ result: rows, row_count: rows.length, version: fn.version, duration_ms: 2 });
  });
}
