import { type AttheneRoutes, configProblems, invalidRequest, noQuery, notFound } from './routes.js';
import { agentBody, check, validateConfig } from './schema.js';

// Saved agents and configuration validation (apis/atthene.md §2).

export function registerAgents({ api, world, agent, ids }: AttheneRoutes): void {
  api('POST', '/agent/validate/', (req) => {
    const problems = validateConfig(req.json);
    return {
      status: 200,
      json:
        problems.length === 0
          ? { valid: true, message: 'Configuration is valid' }
          : { valid: false, errors: problems },
    };
  });
  api(
    'GET',
    '/agent/',
    (req) => noQuery(req) ?? { status: 200, json: [...world.agents.values()].map(ids.agent) },
  );
  api('POST', '/agent/', (req) => {
    const problems = check(req.json, agentBody);
    if (problems.length > 0) return invalidRequest(problems);
    const config = (req.json as { system_config: Record<string, unknown> }).system_config;
    return (
      configProblems(config, 'Invalid system_config') ?? {
        status: 201,
        json: ids.agent(world.saveAgent(config)),
      }
    );
  });
  api('GET', '/agent/:agent_id/', (req) => {
    const found = agent(req);
    return noQuery(req) ?? (found ? { status: 200, json: ids.agent(found) } : notFound());
  });
  // The platform replaces the saved system_config with the one sent: an update sends it whole (§2).
  api('PATCH', '/agent/:agent_id/', (req) => {
    const found = agent(req);
    if (!found) return notFound();
    const problems = check(req.json, agentBody);
    if (problems.length > 0) return invalidRequest(problems);
    const config = (req.json as { system_config: Record<string, unknown> }).system_config;
    return (
      configProblems(config, 'Invalid system_config') ?? {
        status: 200,
        json: world.updateAgent(found, config),
      }
    );
  });
  api(
    'DELETE',
    '/agent/:agent_id/',
    (req) => noQuery(req) ?? (world.agents.delete(req.params.agent_id ?? '') ? { status: 204 } : notFound()),
  );
}
