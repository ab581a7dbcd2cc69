import { randomUUID } from 'node:crypto';
import { GRAPH_NAMES, seedContextGraphs } from './graphs.js';

// The Amigo sandbox's seeded world: fictional clinic "Maple Street Health". Every list is larger
// than one page so paging is exercised. Ids are stable (derived from an index) so docs and tests
// can name them.

type Json = Record<string, unknown>;

const id = (kind: number, n: number) =>
  `5a4d0b0c-${String(kind).padStart(4, '0')}-4000-8000-${String(n).padStart(12, '0')}`;
const day = (offset: number, hour = 9) => new Date(Date.UTC(2026, 10, 1 + offset, hour, 0, 0)).toISOString();

const FIRST_NAMES = [
  'Avery',
  'Blake',
  'Casey',
  'Devon',
  'Emery',
  'Finley',
  'Gray',
  'Harper',
  'Indy',
  'Jules',
  'Kai',
  'Lane',
  'Morgan',
  'Noor',
  'Oakley',
];

export interface ConversationState {
  detail: Json & { id: string; status: string; lifecycle: string; turn_count: number; updated_at: string };
  turns: Array<{ role: 'agent' | 'user' | 'system'; text: string; timestamp: string; content: unknown[] }>;
  busy: boolean;
  serviceName: string;
  agentName: string;
}

export class AmigoWorld {
  readonly agents: Json[] = [];
  readonly services: Json[] = [];
  readonly entities: Json[] = [];
  readonly events = new Map<string, Json[]>();
  readonly calls: Json[] = [];
  readonly conversations = new Map<string, ConversationState>();
  readonly functions: Json[] = [];
  /** Each agent's versions, oldest first (agents.ts seeds an agent's on first use). */
  readonly agentVersions = new Map<string, Json[]>();
  readonly contextGraphs: Json[];
  /** Each context graph's versions, oldest first. */
  readonly graphVersions: Map<string, Json[]>;
  /** How long a turn takes (the conversation is busy meanwhile). */
  turnDelayMs: number;

  constructor(
    readonly workspaceId: string,
    turnDelayMs = 30,
  ) {
    this.turnDelayMs = turnDelayMs;
    const graphs = seedContextGraphs(workspaceId, (n) => id(3, n), day(-25));
    this.contextGraphs = graphs.graphs;
    this.graphVersions = graphs.versions;
    this.#seedAgents(workspaceId);
    this.#seedServices(workspaceId);
    this.#seedPatients(workspaceId);
    this.#seedAppointments(workspaceId);
    this.#seedCalls();
    this.#seedFunctions();
  }

  /** 23 agents: three named ones, then generated. */
  #seedAgents(workspaceId: string): void {
    const names = ['Maple Reception Agent', 'Maple Scheduling Agent', 'Maple Billing Agent'];
    for (let n = 1; n <= 23; n++) {
      this.agents.push({
        id: id(1, n),
        name: names[n - 1] ?? `Sandbox Agent ${String(n).padStart(2, '0')}`,
        description:
          n <= 3
            ? `Fictional ${names[n - 1]?.split(' ')[1]?.toLowerCase()} agent of Maple Street Health.`
            : 'A generated sandbox agent.',
        latest_version: 2,
        workspace_id: workspaceId,
        created_at: day(-30 + n),
        updated_at: day(-10 + (n % 10)),
      });
    }
  }

  /** 22 services, text and voice alternating. */
  #seedServices(workspaceId: string): void {
    for (let n = 1; n <= 22; n++) {
      const agent = this.agents[(n - 1) % 3]!;
      const text = n % 2 === 1;
      this.services.push({
        id: id(2, n),
        name:
          n === 1
            ? 'Front Desk Chat'
            : n === 2
              ? 'Appointment Line'
              : `Sandbox Service ${String(n).padStart(2, '0')}`,
        description: text
          ? 'Text conversations with patients (fictional).'
          : 'Voice calls with patients (fictional).',
        agent_id: agent.id,
        agent_name: agent.name,
        // The graph of its agent's topic (graphs.ts): reception, scheduling or billing.
        context_graph_id: id(3, ((n - 1) % 3) + 1),
        context_graph_name: GRAPH_NAMES[(n - 1) % 3],
        channel_type: text ? 'text' : 'voice',
        environment: n <= 2 ? 'production' : 'sandbox',
        is_active: n !== 5,
        keyterms: ['Maple Street'],
        tags: [{ key: 'team', value: 'front-office' }],
        tool_capacity: 8,
        version_sets: {},
        workspace_id: workspaceId,
        created_at: day(-20),
        updated_at: day(-2),
      });
    }
  }

  /** One patient per first name, each with five timeline events. */
  #seedPatients(workspaceId: string): void {
    FIRST_NAMES.forEach((name, i) => {
      const patientId = id(4, i + 1);
      this.entities.push({
        id: patientId,
        entity_type: 'patient',
        display_name: `${name} Example`,
        canonical_id: `MRN-${1000 + i}`,
        phone: `+1555010${String(i).padStart(4, '0')}`,
        email: `${name.toLowerCase()}@example.com`,
        birth_date: `19${70 + i}-0${(i % 9) + 1}-1${i % 9}`,
        status: 'active',
        tags: i % 3 === 0 ? ['vip'] : ['standard'],
        external_ids: { ehr: `EHR-${i}` },
        state: { preferred_language: 'en', insurance: 'Fictional Mutual' },
        event_count: 5,
        last_event_at: day(i % 10),
        confidence: 1,
        has_projection: true,
        workspace_id: workspaceId,
      });
      this.events.set(
        patientId,
        Array.from({ length: 5 }, (_, k) => ({
          id: id(5, i * 10 + k + 1),
          domain: k % 2 === 0 ? 'clinical' : 'communication',
          event_type: ['registered', 'call_completed', 'appointment_booked', 'sms_sent', 'note_added'][k]!,
          data: { summary: `Fictional event ${k + 1} for ${name}` },
          effective_at: day(k * 2),
          source: 'sandbox',
          confidence: 1,
          is_current: true,
        })),
      );
    });
  }

  /** 12 appointments, one per early patient. */
  #seedAppointments(workspaceId: string): void {
    for (let i = 0; i < 12; i++) {
      this.entities.push({
        id: id(6, i + 1),
        entity_type: 'appointment',
        display_name: `Check-up for ${FIRST_NAMES[i]} Example`,
        appointment_start: day(i + 1, 14),
        appointment_end: day(i + 1, 15),
        appointment_status: i % 4 === 0 ? 'cancelled' : 'booked',
        appointment_type: 'check-up',
        status: 'active',
        tags: [],
        external_ids: {},
        state: { patient_id: id(4, i + 1) },
        event_count: 1,
        confidence: 1,
        has_projection: true,
        workspace_id: workspaceId,
      });
      this.events.set(id(6, i + 1), []);
    }
  }

  /** 12 voice calls on the appointment line. */
  #seedCalls(): void {
    for (let i = 0; i < 12; i++) {
      this.calls.push({
        id: id(7, i + 1),
        entity_id: id(7, i + 1),
        call_sid: `CA${String(i + 1).padStart(32, '0')}`,
        caller_id: `+1555010${String(i).padStart(4, '0')}`,
        direction: i % 3 === 0 ? 'outbound' : 'inbound',
        status: 'completed',
        duration_seconds: 60 + i * 7,
        completion_reason: i === 4 ? 'escalated' : 'completed',
        quality_score: 0.7 + (i % 3) / 10,
        final_state: 'wrap_up',
        escalation_status: i === 4 ? 'completed' : 'none',
        has_recording: true,
        service_id: id(2, 2),
        started_at: day(i, 10),
        source: 'real',
        turns: 2,
        patient: FIRST_NAMES[i],
      });
    }
  }

  /** Two stored read-only SQL functions. */
  #seedFunctions(): void {
    this.functions.push(
      {
        name: 'appointments_by_status',
        version: 3,
        description: 'Counts appointments by status.',
        when_to_use: 'To see how many appointments are booked or cancelled.',
        function_type: 'sql',
        returns_kind: 'table',
        sql_template: 'SELECT status, count(*) FROM appointments GROUP BY status',
        input_schema: { type: 'object', properties: {} },
        examples: [{ input: {} }],
        parameters: [],
        timeout_ms: 5000,
      },
      {
        name: 'patients_by_tag',
        version: 1,
        description: 'Lists patients with a tag.',
        when_to_use: 'To find patients tagged vip or standard.',
        function_type: 'sql',
        returns_kind: 'table',
        sql_template: 'SELECT id, display_name FROM patients WHERE :tag = ANY(tags)',
        input_schema: { type: 'object', properties: { tag: { type: 'string' } }, required: ['tag'] },
        examples: [{ input: { tag: 'vip' } }],
        parameters: [{ name: 'tag', type: 'string' }],
        timeout_ms: 5000,
      },
    );
  }

  service(serviceId: string): Json | undefined {
    return this.services.find((s) => s.id === serviceId);
  }

  createConversation(service: Json, entityId: string | null, autoGreet: boolean): ConversationState {
    const now = new Date().toISOString();
    const state: ConversationState = {
      detail: {
        id: randomUUID(),
        channel_kind: 'web',
        status: 'active',
        lifecycle: 'active',
        service_id: String(service.id),
        entity_id: entityId,
        turn_count: 0,
        created_at: now,
        updated_at: now,
        source: 'api',
      },
      turns: [],
      busy: false,
      serviceName: String(service.name),
      agentName: String(service.agent_name ?? 'Sandbox agent'),
    };
    if (autoGreet)
      this.addTurn(
        state,
        'agent',
        `Hello, this is ${state.agentName} at ${state.serviceName}. How can I help you today?`,
      );
    this.conversations.set(state.detail.id, state);
    return state;
  }

  addTurn(state: ConversationState, role: 'agent' | 'user', text: string) {
    const turn = { role, text, timestamp: new Date().toISOString(), content: [{ type: 'text', text }] };
    state.turns.push(turn);
    state.detail.turn_count = state.turns.length;
    state.detail.updated_at = turn.timestamp;
    return turn;
  }

  /** The sandbox agent's reply: derived from the message only, so it is repeatable. */
  reply(
    state: ConversationState,
    message: string,
  ): { text: string; tool?: { name: string; input: Json; result: string } } {
    const userTurns = state.turns.filter((t) => t.role === 'user').length;
    const quoted = message.length > 60 ? `${message.slice(0, 57)}...` : message;
    if (/appointment|book|schedule/i.test(message)) {
      return {
        text: `I found an opening on Thursday at 10:00 for you (turn ${userTurns}). Shall I book it?`,
        tool: {
          name: 'find_open_slots',
          input: { request: quoted },
          result: '["Thursday 10:00","Friday 14:30"]',
        },
      };
    }
    return { text: `Thanks for your message (turn ${userTurns}): "${quoted}". How else can I help?` };
  }
}
