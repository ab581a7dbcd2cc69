import type { EmulatorRequest } from '../../../core/emulator/emulator.js';
import { parseYaml } from '../../../core/yaml.js';
import {
  type AttheneRoutes,
  apiError,
  configProblems,
  invalidRequest,
  noBody,
  noQuery,
  notFound,
} from './routes.js';
import { queryProblems } from './schema.js';
import type { Session } from './state.js';

// Sessions: opened from a configuration (JSON or YAML) or from a saved agent (apis/atthene.md §3).

async function configFrom(req: EmulatorRequest): Promise<Record<string, unknown> | string> {
  const type = req.headers['content-type'] ?? '';
  if (/yaml/.test(type)) {
    try {
      const parsed: unknown = await parseYaml(req.bodyText);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : 'YAML must describe a mapping';
    } catch (error) {
      return `Invalid YAML: ${(error as Error).message.split('\n')[0]}`;
    }
  }
  return req.json && typeof req.json === 'object' && !Array.isArray(req.json)
    ? (req.json as Record<string, unknown>)
    : 'Body must be a JSON object';
}

function sessionView(s: Session) {
  return {
    session_id: s.session_id,
    config_hash: s.config_hash,
    created_at: s.created_at,
    status: s.processing ? 'processing' : 'active',
    agent_config: s.config,
    ...(s.agent_id ? { agent_id: s.agent_id, agent_key: s.agent_key } : {}),
  };
}

function registerFromAgent({ api, world, agent, ids }: AttheneRoutes): void {
  api('POST', '/sessions/from-agent/:agent_id/', (req) => {
    const found = agent(req);
    if (!found) return notFound();
    const refused = noBody(req);
    if (refused) return refused;
    const created = world.openSession(found.system_config, found);
    return {
      status: 201,
      json: ids.session({
        success: true,
        session_id: created.session_id,
        agent_id: found.id,
        config_hash: created.config_hash,
      }),
    };
  });
  api('GET', '/sessions/from-agent/', (req) => {
    const problems = queryProblems(req.query, { agent_key: { required: true, text: true } });
    if (problems.length > 0) return invalidRequest(problems);
    const key = req.query.get('agent_key');
    const found = [...world.agents.values()].find((a) => a.agent_key === key);
    if (!found) return apiError(404, 'not_found_error', `No agent with agent_key "${key ?? ''}"`);
    const created = world.openSession(found.system_config, found);
    return {
      status: 200,
      json: ids.session({
        session_id: created.session_id,
        agent_key: found.agent_key,
        created_at: created.created_at,
      }),
    };
  });
}

export function registerSessions(routes: AttheneRoutes): void {
  const { api, world, session, ids } = routes;
  api('POST', '/sessions/', async (req) => {
    const config = await configFrom(req);
    if (typeof config === 'string') return apiError(400, 'invalid_request_error', config);
    const refused = configProblems(config, 'Invalid configuration');
    if (refused) return refused;
    const created = world.openSession(config);
    return {
      status: 201,
      json: ids.session({ success: true, session_id: created.session_id, config_hash: created.config_hash }),
    };
  });
  api(
    'GET',
    '/sessions/',
    (req) =>
      noQuery(req) ?? {
        status: 200,
        json: [...world.sessions.values()].map((s) => ids.session(sessionView(s))),
      },
  );
  registerFromAgent(routes);
  api('GET', '/sessions/:session_id/', (req) => {
    const found = session(req);
    return noQuery(req) ?? (found ? { status: 200, json: ids.session(sessionView(found)) } : notFound());
  });
  api(
    'DELETE',
    '/sessions/:session_id/',
    (req) =>
      noQuery(req) ?? (world.sessions.delete(req.params.session_id ?? '') ? { status: 204 } : notFound()),
  );
}
