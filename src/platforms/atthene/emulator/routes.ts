import type {
  Emulator,
  EmulatorRequest,
  EmulatorResponse,
  Handler,
} from '../../../core/emulator/emulator.js';
import { type FieldProblem, isObject, queryProblems, validateConfig } from './schema.js';
import type { AttheneWorld, SavedAgent, Session } from './state.js';

// What every route module of the Atthene emulator shares: the world, the platform's error bodies
// (apis/atthene.md §1), the id names the world is set to, and `api`, which registers one route
// under /api/v1.

/** A 400 listing every field problem, as the platform answers an invalid configuration. */
export const invalidConfig = (problems: FieldProblem[], message: string): EmulatorResponse => ({
  status: 400,
  json: { error: { type: 'invalid_request_error', message }, errors: problems },
});
/**
 * A request with an unknown, mistyped or missing field: 400 naming every field, in the platform's
 * error shape (§1 `{error: {type, message}}`) with the same `[{field, message}]` list validate uses.
 */
export const invalidRequest = (problems: FieldProblem[]): EmulatorResponse =>
  invalidConfig(
    problems,
    `Invalid request: ${problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; ')}`,
  );
export const apiError = (status: number, type: string, message: string): EmulatorResponse => ({
  status,
  json: { error: { type, message } },
});
// Django REST framework answers an unknown object with {"detail": "Not found."}.
export const notFound = (): EmulatorResponse => ({ status: 404, json: { detail: 'Not found.' } });

/** No query parameters at all (a list or a read takes none, §2-§4). */
export const noQuery = (req: EmulatorRequest): EmulatorResponse | null => {
  const problems = queryProblems(req.query, {});
  return problems.length > 0 ? invalidRequest(problems) : null;
};
/** A route that takes no body: any field in one is unknown. */
export const noBody = (req: EmulatorRequest): EmulatorResponse | null => {
  if (req.bodyText.trim() === '' || (isObject(req.json) && Object.keys(req.json).length === 0)) return null;
  return invalidRequest(
    isObject(req.json)
      ? Object.keys(req.json).map((field) => ({ field, message: 'Extra inputs are not permitted.' }))
      : [{ field: '', message: 'This endpoint takes no body.' }],
  );
};
export const configProblems = (config: unknown, message: string): EmulatorResponse | null => {
  const problems = validateConfig(config);
  return problems.length > 0 ? invalidConfig(problems, message) : null;
};

type Rename = (object: object) => Record<string, unknown>;
export interface IdNames {
  session: Rename;
  agent: Rename;
  knowledgeBase: Rename;
}

/**
 * Ids under the names the world is set to: the API reference's (`session_id`; `id` for agents and
 * knowledge bases) or the other names the documents show (`id` for a session as the quick-start
 * reads it; `agent_id`, `knowledge_base_id`), so the sandbox exercises both (apis/atthene.md §2-§4).
 */
function idNames(world: AttheneWorld): IdNames {
  const rename =
    (from: string, to: string): Rename =>
    (object) => {
      const copy: Record<string, unknown> = { ...object };
      if (world.idNames === 'reference' || !(from in copy)) return copy;
      const { [from]: value, ...rest } = copy;
      return { [to]: value, ...rest };
    };
  return {
    session: rename('session_id', 'id'),
    agent: rename('id', 'agent_id'),
    knowledgeBase: rename('id', 'knowledge_base_id'),
  };
}

export interface AttheneRoutes {
  world: AttheneWorld;
  /** A route under /api/v1 (Django paths, trailing slash included). */
  api(method: string, pattern: string, handler: Handler): void;
  /** The session named by `:session_id`, if any. */
  session(req: EmulatorRequest): Session | undefined;
  /** The agent named by `:agent_id`, if any. */
  agent(req: EmulatorRequest): SavedAgent | undefined;
  ids: IdNames;
}

/** The route registrars of one emulator, over its world. */
export function attheneRoutes(emulator: Emulator, world: AttheneWorld): AttheneRoutes {
  return {
    world,
    api: (method, pattern, handler) => emulator.route(method, `/api/v1${pattern}`, handler),
    session: (req) => world.sessions.get(req.params.session_id ?? ''),
    agent: (req) => world.agents.get(req.params.agent_id ?? ''),
    ids: idNames(world),
  };
}
