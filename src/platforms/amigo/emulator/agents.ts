import { AMIGO_SANDBOX_WORKSPACE_ID } from './credentials.js';
import { type AmigoRoutes, detail, type Json, ok, tokenPage } from './routes.js';

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
    behaviors: [
      'Greets by name when known',
      'Confirms details before booking',
      'Escalates medical questions to staff',
    ],
    communication_patterns: ['Short, warm sentences', 'One question at a time'],
    voice_config: null,
    created_at: agent.created_at,
    updated_at: agent.updated_at,
  };
}

export function registerAgents({ ws, world }: AmigoRoutes): void {
  ws('GET', '/agents', (_req, input) => tokenPage(input, world.agents));
  ws('GET', '/agents/:agent_id', (req) => {
    const agent = world.agents.find((a) => a.id === req.params.agent_id);
    return agent ? ok(agent) : detail(404, 'Agent not found');
  });
  ws('GET', '/agents/:agent_id/versions/:version', (req) => {
    const agent = world.agents.find((a) => a.id === req.params.agent_id);
    if (!agent) return detail(404, 'Agent not found');
    const version = req.params.version === 'latest' ? 2 : Number(req.params.version);
    if (!Number.isInteger(version) || version < 1 || version > 2)
      return detail(404, 'Agent version not found');
    return ok(agentVersion(agent, version));
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
}
