import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorRequest, EmulatorResponse } from '../../../core/emulator/emulator.js';
import { type AmigoRoutes, detail, type Json, ok } from './routes.js';
import {
  greeting,
  isTerminal,
  move,
  quality,
  reachable,
  type StateName,
  stateInfo,
  suggestions,
  topology,
} from './simulation-script.js';
import type { ValidInput } from './validate.js';

// Simulation sessions (openapi.json tag simulations: create-test-conversation, test-conversation-step,
// simulation-step, -recommend, -observe, -turns, -intelligence, score-simulation-session,
// simulation-destroy). Shapes: SimulationSessionResponse, SimulationStepResponse (observation +
// snapshot), SimulationSnapshotResponse. What the document leaves untyped (history items, turns,
// intelligence) is filled in as the call routes name the same things.

interface Session {
  id: string;
  service: Json;
  state: StateName;
  history: Array<{ role: 'agent' | 'user'; text: string }>;
  visited: StateName[];
  transitions: Array<[string, string]>;
  tools: string[];
  /** Observations simulation-step auto-stores (test-conversation-step stores none). */
  stored: Json[];
  score?: { score: number; score_rationale?: string | null };
  busy: boolean;
}

function snapshot(s: Session): Json {
  return {
    current_state: stateInfo(s.state),
    conversation_history: s.history,
    states_visited: s.visited,
    state_transitions: s.transitions,
    terminal_reached: isTerminal(s.state),
    terminal_state: isTerminal(s.state) ? s.state : null,
    tools_called: s.tools,
    total_turns: s.history.filter((h) => h.role === 'user').length,
    reachable_states: reachable(s.state),
    context_graph_topology: topology(),
  };
}

function intelligence(s: Session): Json {
  const turns = s.history.filter((h) => h.role === 'user').length;
  return {
    session_id: s.id,
    intelligence: {
      service_id: s.service.id,
      context_graph_name: s.service.context_graph_name,
      final_state: s.state,
      states_visited: s.visited,
      terminal_reached: isTerminal(s.state),
      turn_count: turns,
      tools_called: s.tools,
      quality_score: quality(s.visited),
      summary: `Test conversation of ${turns} caller turn(s) ending in state ${s.state}.`,
      key_moments: s.transitions.map(([from, to], i) => ({ turn: i + 1, description: `${from} -> ${to}` })),
      ...(s.score ? { score: s.score.score, score_rationale: s.score.score_rationale ?? null } : {}),
    },
  };
}

async function step(
  sessions: Map<string, Session>,
  id: string,
  caller: string,
  delayMs: number,
  store: boolean,
): Promise<EmulatorResponse> {
  const s = sessions.get(id);
  if (!s) return detail(404, 'Simulation session not found');
  // [infer] like a closed conversation (apis/amigo.md §3 409): a finished session takes no turn.
  if (isTerminal(s.state)) return detail(409, 'Simulation session has reached a terminal state');
  if (s.busy) return detail(409, 'A step is already in progress for this session');
  s.busy = true;
  try {
    await sleep(delayMs);
    const before = s.state;
    const next = move(s.service, before, caller);
    s.history.push({ role: 'user', text: caller }, { role: 'agent', text: next.text });
    s.state = next.state;
    if (!s.visited.includes(next.state)) s.visited.push(next.state);
    if (next.state !== before) s.transitions.push([before, next.state]);
    s.tools.push(...next.tools);
    const observation = {
      state_before: before,
      state_after: next.state,
      state_changed: next.state !== before,
      agent_text: next.text,
      is_terminal: isTerminal(next.state),
      selected_action: next.tools[0] ?? null,
      tools_called: next.tools,
      tool_call_details: next.tools.map((tool_name) => ({ tool_name, succeeded: true })),
      empathy_tier: 0,
      has_pause: false,
      engine_ms: delayMs,
      nav_ms: 1,
    };
    if (store) s.stored.push(observation);
    return ok({ observation, snapshot: snapshot(s) });
  } finally {
    s.busy = false;
  }
}

export function registerSimulations({ ws, world }: AmigoRoutes): void {
  const sessions = new Map<string, Session>();
  const found = (req: EmulatorRequest, then: (s: Session) => EmulatorResponse) => {
    const s = sessions.get(req.params.session_id ?? '');
    return s ? then(s) : detail(404, 'Simulation session not found');
  };
  ws('POST', '/simulations/sessions', (_req, { body }) => {
    const service = world.service(body.service_id as string);
    if (!service) return detail(404, 'Service not found');
    const id = randomUUID();
    const s: Session = {
      id,
      service,
      state: 'greeting',
      history: [{ role: 'agent', text: greeting(service) }],
      visited: ['greeting'],
      transitions: [],
      tools: [],
      stored: [],
      busy: false,
    };
    sessions.set(id, s);
    return ok({ session_id: id, greeting: greeting(service), is_terminal: false, snapshot: snapshot(s) });
  });
  ws('POST', '/simulations/sessions/step', (_req, { body }: ValidInput) =>
    step(sessions, body.session_id as string, body.caller_text as string, world.turnDelayMs, false),
  );
  // simulation-step: "auto-store the turn observation" (the turns route lists what it stored).
  ws('POST', '/simulations/sessions/:session_id/step', (req, { body }) =>
    step(sessions, req.params.session_id ?? '', body.caller_text as string, world.turnDelayMs, true),
  );
  ws('POST', '/simulations/sessions/recommend', (_req, { body }) => {
    const s = sessions.get(body.session_id as string);
    if (!s) return detail(404, 'Simulation session not found');
    return ok({ suggestions: suggestions(s.state, body.n as number) });
  });
  ws('GET', '/simulations/sessions/:session_id', (req) => found(req, (s) => ok(snapshot(s))));
  ws('GET', '/simulations/sessions/:session_id/turns', (req) =>
    found(req, (s) => ok({ session_id: s.id, turns: s.stored, total: s.stored.length })),
  );
  ws('GET', '/simulations/sessions/:session_id/intelligence', (req) =>
    found(req, (s) => ok(intelligence(s))),
  );
  ws('POST', '/simulations/sessions/:session_id/score', (req, { body }) =>
    found(req, (s) => {
      s.score = { score: body.score as number, score_rationale: body.score_rationale as string | null };
      return ok({ session_id: s.id, score: String(s.score.score), status: 'scored' });
    }),
  );
  ws('DELETE', '/simulations/sessions/:session_id', (req) =>
    found(req, (s) => {
      sessions.delete(s.id);
      return ok({ status: 'destroyed' });
    }),
  );
}
