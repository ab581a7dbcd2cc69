import { randomUUID } from 'node:crypto';
import { pickVersion } from './agents.js';
import { type AmigoRoutes, detail, type Json, ok, tokenPage } from './routes.js';

// Context graphs (the state machines a service's agent follows) and their versions, from the
// document's ContextGraphResponse and ContextGraphVersionResponse (get-context_graph,
// create-context_graph-version...). Three seeded graphs, one per named agent; each service follows
// the graph of its agent's topic (world.ts).

export const GRAPH_NAMES = ['Patient intake', 'Appointment scheduling', 'Billing questions'];
const TOPICS = [
  'Answer the question or route it to the right team.',
  'Find an open slot that suits the patient and book it.',
  'Explain the balance and take a payment or set up a plan.',
];

type Exit = [description: string, next: string];

function action(name: string, objective: string, exits: Exit[]): Json {
  return {
    type: 'action',
    name,
    objective,
    actions: [{ description: objective, filler_hint: null }],
    intra_state_navigation_guidelines: [],
    action_guidelines: ['One question at a time.'],
    boundary_constraints: ['Never give medical advice.'],
    exit_conditions: exits.map(([description, next_state]) => ({
      description,
      next_state,
      filler_hint: null,
    })),
  };
}

/** Version 1 went straight from greeting to the topic; version 2 added identity checks. */
function states(topic: string, version: number): Json[] {
  const identify = version > 1;
  return [
    action('greet', 'Welcome the patient and learn why they are reaching out.', [
      ['The patient said what they need', identify ? 'identify' : 'handle'],
    ]),
    ...(identify
      ? [
          action('identify', 'Confirm who the patient is: full name and date of birth.', [
            ['Identity confirmed', 'handle'],
            ['The patient cannot be identified', 'wrap_up'],
          ]),
        ]
      : []),
    {
      type: 'decision',
      name: 'handle',
      objective: topic,
      decision_guidelines: ['Prefer resolving in this conversation over a callback.'],
      exit_conditions: [
        { description: 'The request is resolved', next_state: 'wrap_up', filler_hint: null },
        {
          description: 'A clinical question came up',
          next_state: 'wrap_up',
          filler_hint: 'Let me note that.',
        },
      ],
    },
    action('wrap_up', 'Summarise what was agreed and close the conversation.', []),
  ];
}

function graphVersion(graph: Json, topic: string, version: number): Json {
  return {
    id: `${String(graph.id).slice(0, 24)}${String(version).padStart(12, '0')}`,
    workspace_id: graph.workspace_id,
    context_graph_id: graph.id,
    version,
    description: `${graph.name}, version ${version}.`,
    states: states(topic, version),
    new_user_initial_state: 'greet',
    returning_user_initial_state: 'greet',
    terminal_state: 'wrap_up',
    global_intra_state_navigation_guidelines: [],
    global_action_guidelines: ['Use the patient’s name once known.'],
    global_boundary_constraints: ['Fictional clinic: never share real health data.'],
    topology_description: null,
    created_at: graph.created_at,
    updated_at: graph.created_at,
  };
}

/** The seeded graphs (ids from `idOf(1..3)`) with versions 1 and 2. */
export function seedContextGraphs(workspaceId: string, idOf: (n: number) => string, at: string) {
  const graphs: Json[] = [];
  const versions = new Map<string, Json[]>();
  GRAPH_NAMES.forEach((name, i) => {
    const graph: Json = {
      id: idOf(i + 1),
      workspace_id: workspaceId,
      name,
      description: `How the ${name.toLowerCase()} conversations of Maple Street Health (fictional) go.`,
      latest_version: 2,
      state_count: 4,
      created_at: at,
      updated_at: at,
    };
    graphs.push(graph);
    versions.set(
      String(graph.id),
      [1, 2].map((v) => graphVersion(graph, TOPICS[i] ?? '', v)),
    );
  });
  return { graphs, versions };
}

export function registerContextGraphs({ ws, world }: AmigoRoutes): void {
  const graphOf = (id: string | undefined) => world.contextGraphs.find((g) => g.id === id);
  const missing = () => detail(404, 'Context graph not found');
  ws('GET', '/context-graphs', (_req, input) => tokenPage(input, world.contextGraphs));
  ws('GET', '/context-graphs/:context_graph_id', (req) => {
    const graph = graphOf(req.params.context_graph_id);
    return graph ? ok(graph) : missing();
  });
  // UpdateContextGraphRequest: name and description, each optional; null leaves it as it is.
  ws('PUT', '/context-graphs/:context_graph_id', (req, { body }) => {
    const graph = graphOf(req.params.context_graph_id);
    if (!graph) return missing();
    for (const key of ['name', 'description'] as const) if (body[key] != null) graph[key] = body[key];
    graph.updated_at = new Date().toISOString();
    return ok(graph);
  });
  ws('GET', '/context-graphs/:context_graph_id/versions', (req, input) =>
    graphOf(req.params.context_graph_id)
      ? tokenPage(input, world.graphVersions.get(req.params.context_graph_id ?? '') ?? [])
      : missing(),
  );
  ws('GET', '/context-graphs/:context_graph_id/versions/:version', (req) => {
    if (!graphOf(req.params.context_graph_id)) return missing();
    const versions = world.graphVersions.get(req.params.context_graph_id ?? '') ?? [];
    const version = pickVersion(versions, req.params.version);
    return version ? ok(version) : detail(404, 'Context graph version not found');
  });
  ws('POST', '/context-graphs/:context_graph_id/versions', (req, { body }) => {
    const graph = graphOf(req.params.context_graph_id);
    if (!graph) return missing();
    const versions = world.graphVersions.get(String(graph.id)) ?? [];
    const now = new Date().toISOString();
    const created = {
      topology_description: null,
      ...body,
      id: randomUUID(),
      workspace_id: graph.workspace_id,
      context_graph_id: graph.id,
      version: versions.length + 1,
      created_at: now,
      updated_at: now,
    };
    versions.push(created);
    world.graphVersions.set(String(graph.id), versions);
    const stateCount = Array.isArray(body.states) ? body.states.length : 0;
    Object.assign(graph, { latest_version: created.version, state_count: stateCount, updated_at: now });
    return ok(created, 201);
  });
}
