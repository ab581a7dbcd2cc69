import { randomUUID } from 'node:crypto';
import { AMIGO_SANDBOX_WORKSPACE_ID } from './credentials.js';
import { type AmigoRoutes, detail, invalid, type Json, ok, tokenPage } from './routes.js';
import type { AmigoWorld } from './world.js';

// Agents (versioned persona definitions) and services (apis/amigo.md §6).

function agentVersion(agent: Json, version: number): Json {
  const name = String(agent.name);
  return {
    id: `${String(agent.id).slice(0, 24)}${String(version).padStart(12, '0')}`,
    agent_id: agent.id,
    workspace_id: AMIGO_SANDBOX_WORKSPACE_ID,
    version,
    name,
    initials: name
      .split(' ')
      .map((w) => w[0])
      .join('')
      .slice(0, 3),
    identity: {
      name,
      role: 'Patient services assistant',
      developed_by: 'Maple Street Health (fictional)',
      default_spoken_language: 'en',
    },
    background: 'Helps patients of a fictional clinic with questions, appointments and billing.',
    // Version 1 lacked the escalation rule: the seeded history has a change to show.
    behaviors: [
      'Greets by name when known',
      'Confirms details before booking',
      ...(version > 1 ? ['Escalates medical questions to staff'] : []),
    ],
    communication_patterns: ['Short, warm sentences', 'One question at a time'],
    voice_config: null,
    created_at: agent.created_at,
    updated_at: agent.updated_at,
  };
}

/** An agent's versions, oldest first: the seeded ones on first use, then those created. */
function versionsOf(world: AmigoWorld, agent: Json): Json[] {
  let versions = world.agentVersions.get(String(agent.id));
  if (!versions) {
    versions = Array.from({ length: Number(agent.latest_version) }, (_, i) => agentVersion(agent, i + 1));
    world.agentVersions.set(String(agent.id), versions);
  }
  return versions;
}

/** `latest` or a number (get-agent-version / get-context_graph-version): the version, if it exists. */
export function pickVersion(versions: Json[], wanted: string | undefined): Json | undefined {
  return wanted === 'latest' ? versions.at(-1) : versions.find((v) => String(v.version) === wanted);
}

export function registerAgents({ ws, world }: AmigoRoutes): void {
  const agentOf = (id: string | undefined) => world.agents.find((a) => a.id === id);
  ws('GET', '/agents', (_req, input) => tokenPage(input, world.agents));
  ws('GET', '/agents/:agent_id', (req) => {
    const agent = agentOf(req.params.agent_id);
    return agent ? ok(agent) : detail(404, 'Agent not found');
  });
  ws('GET', '/agents/:agent_id/versions', (req, input) => {
    const agent = agentOf(req.params.agent_id);
    return agent ? tokenPage(input, versionsOf(world, agent)) : detail(404, 'Agent not found');
  });
  ws('GET', '/agents/:agent_id/versions/:version', (req) => {
    const agent = agentOf(req.params.agent_id);
    if (!agent) return detail(404, 'Agent not found');
    const version = pickVersion(versionsOf(world, agent), req.params.version);
    return version ? ok(version) : detail(404, 'Agent version not found');
  });
  // "Version number is auto-incremented" (create-agent-version): the next number, and the agent's
  // latest_version follows it.
  ws('POST', '/agents/:agent_id/versions', (req, { body }) => {
    const agent = agentOf(req.params.agent_id);
    if (!agent) return detail(404, 'Agent not found');
    const versions = versionsOf(world, agent);
    const now = new Date().toISOString();
    const created = {
      ...body,
      id: randomUUID(),
      agent_id: agent.id,
      workspace_id: AMIGO_SANDBOX_WORKSPACE_ID,
      version: versions.length + 1,
      voice_config: body.voice_config ?? null,
      behaviors: body.behaviors ?? [],
      communication_patterns: body.communication_patterns ?? [],
      created_at: now,
      updated_at: now,
    };
    versions.push(created);
    Object.assign(agent, { latest_version: created.version, updated_at: now });
    return ok(created, 201);
  });
}

export function registerServices({ ws, world }: AmigoRoutes): void {
  ws('GET', '/services', (_req, input) => {
    const active = input.query.is_active;
    const all =
      typeof active === 'boolean' ? world.services.filter((s) => s.is_active === active) : world.services;
    return tokenPage(input, all);
  });
  ws('GET', '/services/:service_id', (req) => {
    const service = world.service(req.params.service_id ?? '');
    return service ? ok(service) : detail(404, 'Service not found');
  });
  ws('PUT', '/services/:service_id', (req, { body }) => {
    const service = world.service(req.params.service_id ?? '');
    if (!service) return detail(404, 'Service not found');
    const refused = linked(world, body) ?? nameTaken(world, service, body.name);
    if (refused) return refused;
    applyServiceUpdate(world, service, body);
    return ok(service);
  });
  ws('PUT', '/services/:service_id/version-sets/:name', (req, { body }) => {
    const service = world.service(req.params.service_id ?? '');
    if (!service) return detail(404, 'Service not found');
    const set = body.version_set as Json;
    const refused = unpinnable(world, service, set);
    if (refused) return refused;
    service.version_sets = { ...(service.version_sets as Json), [req.params.name ?? '']: set };
    service.updated_at = new Date().toISOString();
    return { status: 204 };
  });
}

// UpdateServiceRequest (update-service) declares every field optional and nullable, none required:
// a partial update, the fields sent replace the stored ones. A null clears the three fields
// ServiceResponse allows to be null and leaves the others as they are [infer: FastAPI's
// exclude_unset convention; the document does not say].
const CLEARABLE = new Set(['persona_id', 'escalation_policy', 'voice_config']);

function applyServiceUpdate(world: AmigoWorld, service: Json, body: Json): void {
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || (value === null && !CLEARABLE.has(key))) continue;
    service[key] = value;
  }
  const agent = world.agents.find((a) => a.id === service.agent_id);
  const graph = world.contextGraphs.find((g) => g.id === service.context_graph_id);
  Object.assign(service, {
    agent_name: agent?.name ?? null,
    context_graph_name: graph?.name ?? null,
    updated_at: new Date().toISOString(),
  });
}

/** A 404 when the update points the service at an agent or context graph that does not exist. */
function linked(world: AmigoWorld, body: Json) {
  if (body.agent_id != null && !world.agents.some((a) => a.id === body.agent_id))
    return detail(404, 'Agent not found');
  if (body.context_graph_id != null && !world.contextGraphs.some((g) => g.id === body.context_graph_id))
    return detail(404, 'Context graph not found');
  return undefined;
}

/** update-service's 409: "Name already taken." */
function nameTaken(world: AmigoWorld, service: Json, name: unknown) {
  const taken = name != null && world.services.some((s) => s !== service && s.name === name);
  return taken ? detail(409, 'Name already taken') : undefined;
}

/**
 * upsert-service-version-set: "Pinned agent/HSM versions are validated" against the service's own
 * agent and context graph; a pin to a version that does not exist is refused as a 422 value error
 * [infer: the document gives the rule, not the answer's shape].
 */
function unpinnable(world: AmigoWorld, service: Json, set: Json) {
  const agent = world.agents.find((a) => a.id === service.agent_id);
  const agentVersions = agent ? versionsOf(world, agent).length : 0;
  const graphVersions = world.graphVersions.get(String(service.context_graph_id))?.length ?? 0;
  const pins: Array<[string, number]> = [
    ['agent_version_number', agentVersions],
    ['context_graph_version_number', graphVersions],
  ];
  for (const [field, count] of pins) {
    const pinned = set[field];
    if (typeof pinned === 'number' && (pinned < 1 || pinned > count))
      return invalid(
        ['body', 'version_set', field],
        `Value error, version ${pinned} does not exist (latest is ${count})`,
        'value_error',
        pinned,
      );
  }
  return undefined;
}
