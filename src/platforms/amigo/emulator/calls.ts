import type { EmulatorRequest } from '../../../core/emulator/emulator.js';
import { type AmigoRoutes, detail, type Json, offsetPage, ok } from './routes.js';

// Voice calls: list, detail with turns, intelligence (apis/amigo.md §6 Calls).

function callDetail(found: Json): Json {
  const name = String(found.patient);
  const turn = (state: string, trigger: string, agent: string, user: string) => ({
    state,
    trigger,
    agent_transcript: agent,
    user_transcript: user,
    speaker_role: 'agent',
    timestamp: found.started_at,
    interrupted: false,
    inner_thoughts: [],
    state_transitions: [],
    tool_calls: [],
  });
  return {
    id: found.id,
    call_sid: found.call_sid,
    caller_id: found.caller_id,
    direction: found.direction,
    status: found.status,
    call_start_time: found.started_at,
    call_duration_seconds: found.duration_seconds,
    completion_reason: found.completion_reason,
    quality_score: found.quality_score,
    final_state: found.final_state,
    has_recording: true,
    service_id: found.service_id,
    states_visited: ['greeting', 'identify_patient', 'wrap_up'],
    turns: [
      turn('greeting', 'call_start', 'Maple Street Health, how can I help?', `Hi, this is ${name}.`),
      turn('wrap_up', 'user_speech', 'You are all set. Goodbye!', 'I would like to confirm my appointment.'),
    ],
    participants: [],
    human_segments: [],
    barge_in_events: [],
    triggered_behaviors: [],
  };
}

function callIntelligence(found: Json): Json {
  return {
    call_id: found.id,
    call_sid: found.call_sid,
    direction: found.direction,
    duration_seconds: found.duration_seconds,
    completion_reason: found.completion_reason,
    quality_score: found.quality_score,
    final_state: found.final_state,
    conversation_summary: {
      turn_count: 2,
      states_visited_count: 3,
      unique_states: 3,
      loop_count: 0,
      barge_in_count: 0,
    },
    key_moments:
      found.completion_reason === 'escalated'
        ? [{ type: 'escalation', description: 'Caller asked for a nurse', severity: 'warning', turn: 2 }]
        : [],
  };
}

export function registerCalls({ ws, world }: AmigoRoutes): void {
  ws('GET', '/calls', (_req, input) => {
    const { service_id: service, direction } = input.query;
    const all = world.calls
      .filter((c) => (!service || c.service_id === service) && (!direction || c.direction === direction))
      .map(({ id: _id, patient: _patient, ...summary }) => summary);
    // continuation_token is documented as an alias for offset.
    const offset = (input.query.continuation_token ?? input.query.offset) as number;
    const page = offsetPage(input, all, 'items', false, {}, offset);
    const body = page.json as { has_more: boolean; items: unknown[] };
    return ok({ ...body, continuation_token: body.has_more ? offset + body.items.length : null });
  });
  const call = (req: EmulatorRequest) =>
    world.calls.find((c) => c.id === req.params.call_id || c.call_sid === req.params.call_id);
  ws('GET', '/calls/:call_id', (req) => {
    const found = call(req);
    return found ? ok(callDetail(found)) : detail(404, 'Call not found');
  });
  ws('GET', '/calls/:call_id/intelligence', (req) => {
    const found = call(req);
    return found ? ok(callIntelligence(found)) : detail(404, 'Call not found');
  });
}
