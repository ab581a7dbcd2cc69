import type { Json } from './routes.js';

// The sandbox agent's side of a test conversation: a small context graph walked by keyword, so
// the same service and caller turns always give the same replies, states and tool calls. The
// texts come from the service's seeded context (its name, agent and context graph).

export type StateName = 'greeting' | 'identify_need' | 'schedule' | 'confirm' | 'wrap_up';

export interface Move {
  state: StateName;
  text: string;
  tools: string[];
}

const OBJECTIVES: Record<StateName, string> = {
  greeting: 'Greet the caller and learn why they are calling.',
  identify_need: 'Find out what the caller needs.',
  schedule: 'Offer open appointment slots.',
  confirm: 'Book the chosen slot and confirm it.',
  wrap_up: 'Close the conversation politely.',
};

const TOPOLOGY: Array<[StateName, StateName]> = [
  ['greeting', 'identify_need'],
  ['greeting', 'schedule'],
  ['identify_need', 'schedule'],
  ['schedule', 'confirm'],
  ['confirm', 'wrap_up'],
  ['identify_need', 'wrap_up'],
];

/** What the caller would say next in each state (simulation-recommend), best first. */
const SUGGESTIONS: Record<StateName, string[]> = {
  greeting: ["I'd like to book a check-up appointment.", 'What are your opening hours?'],
  identify_need: ["I'd like to book a check-up appointment.", "No, that's all. Thank you, goodbye."],
  schedule: ['Thursday at 10:00 works for me.', 'Do you have anything on Friday?'],
  confirm: ["No, that's all. Thank you, goodbye.", 'Can I bring a family member?'],
  wrap_up: [],
};

export const isTerminal = (state: StateName) => state === 'wrap_up';

export function stateInfo(state: StateName): Json {
  const tools = state === 'schedule' ? ['find_open_slots'] : state === 'confirm' ? ['book_appointment'] : [];
  return {
    name: state,
    type: isTerminal(state) ? 'terminal' : 'action',
    objective: OBJECTIVES[state],
    tools,
    action_guidelines: [],
    boundary_constraints: [],
  };
}

export const topology = () => TOPOLOGY.map(([from, to]) => ({ from, to }));
export const reachable = (state: StateName) =>
  TOPOLOGY.filter(([from]) => from === state).map(([, to]) => ({ name: to }));
export const suggestions = (state: StateName, n: number) => SUGGESTIONS[state].slice(0, n);

export function greeting(service: Json): string {
  return `Hello, this is ${String(service.agent_name ?? 'the sandbox agent')} at ${String(service.name)}. How can I help you today?`;
}

/** The agent's move for a caller turn in `state`. */
export function move(service: Json, state: StateName, caller: string): Move {
  if (/\b(bye|goodbye|that's all|nothing else)\b/i.test(caller))
    return {
      state: 'wrap_up',
      text: `Thank you for contacting ${String(service.name)}. Goodbye!`,
      tools: [],
    };
  if (state === 'schedule' && /\b(thursday|friday|works|yes)\b/i.test(caller)) {
    const slot = /friday/i.test(caller) ? 'Friday at 14:30' : 'Thursday at 10:00';
    return {
      state: 'confirm',
      text: `You're booked for ${slot}. Is there anything else I can help with?`,
      tools: ['book_appointment'],
    };
  }
  if (/\b(appointment|book|schedule|check-?up)\b/i.test(caller))
    return {
      state: 'schedule',
      text: 'I can book that. There are openings on Thursday at 10:00 and Friday at 14:30. Which suits you?',
      tools: ['find_open_slots'],
    };
  return {
    state: 'identify_need',
    text: `I can help with appointments and questions about ${String(service.context_graph_name ?? 'your visit')}. What do you need?`,
    tools: [],
  };
}

/** The session's quality, 0 to 1: how far along the booking path it got. */
export function quality(visited: readonly string[]): number {
  const goals = ['schedule', 'confirm', 'wrap_up'].filter((s) => visited.includes(s)).length;
  return Math.round((0.5 + 0.15 * goals) * 100) / 100;
}
