import type {
  Emulator,
  EmulatorRequest,
  EmulatorResponse,
  Handler,
} from '../../../core/emulator/emulator.js';
import { type Ama2World, SANDBOX_AGENT, SANDBOX_USERS, type Thread } from './state.js';
import { AMA2_SHAPES, checkQuery } from './validate.js';

// What every route module of the AMA2 emulator shares: the world, who is calling (agent or user
// token), the documented per-key rate limits, the thread the caller takes part in, and the
// platform's error body (apis/ama2.md §2).

export interface Ama2Actors {
  /** Full-capability external-agent token. */
  agentToken: string;
  /** External-agent token without manage_thread (set mode answers 403). */
  limitedToken: string;
  /** User JWT of the first sandbox user. */
  userToken: string;
  /** Enforce the documented per-key limits (default true; soak tests turn them off). */
  rateLimits?: boolean;
}

type Bucket = 'create' | 'read' | 'send' | 'manage';
/** Documented per-key limits per minute (apis/ama2.md §2 "Rate limits"). */
export const AMA2_RATE_LIMITS: Record<Bucket, number> = { create: 60, read: 300, send: 60, manage: 60 };

export const error = (status: number, code: string, message: string): EmulatorResponse => ({
  status,
  json: { code, message },
});
export const threadNotFound = (): EmulatorResponse => error(404, 'NOT_FOUND', 'Thread not found');

/** Refuses any query parameter: the GET and DELETE routes document none, except the poll. */
export const noQuery = (req: EmulatorRequest): EmulatorResponse | null => {
  const checked = checkQuery(req, AMA2_SHAPES.none);
  return 'error' in checked ? checked.error : null;
};

export const bearer = (req: EmulatorRequest): string =>
  /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';

export interface Ama2Routes {
  world: Ama2World;
  actors: Ama2Actors;
  route(method: string, pattern: string, handler: Handler): void;
  /** True for either external-agent token, false for the user token. */
  isAgent(req: EmulatorRequest): boolean;
  /** A sliding one-minute window per key and bucket; null when the call is allowed. */
  rateLimit(req: EmulatorRequest, bucket: Bucket): EmulatorResponse | null;
  /** The thread, if the caller takes part in it (the agent, or the user of the user token). */
  threadFor(req: EmulatorRequest): Thread | undefined;
}

function rateLimiter(actors: Ama2Actors): Ama2Routes['rateLimit'] {
  const usage = new Map<string, number[]>();
  return (req, bucket) => {
    if (actors.rateLimits === false) return null;
    const key = `${bucket}:${bearer(req)}`;
    const now = Date.now();
    const recent = (usage.get(key) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= AMA2_RATE_LIMITS[bucket]) {
      usage.set(key, recent);
      return error(
        429,
        'RATE_LIMITED',
        `Rate limit of ${AMA2_RATE_LIMITS[bucket]} requests per minute exceeded`,
      );
    }
    recent.push(now);
    usage.set(key, recent);
    return null;
  };
}

/** The route registrars of one emulator, over its world and its tokens. */
export function ama2Routes(emulator: Emulator, world: Ama2World, actors: Ama2Actors): Ama2Routes {
  const isAgent = (req: EmulatorRequest) => [actors.agentToken, actors.limitedToken].includes(bearer(req));
  return {
    world,
    actors,
    route: (method, pattern, handler) => emulator.route(method, pattern, handler),
    isAgent,
    rateLimit: rateLimiter(actors),
    threadFor(req) {
      const thread = world.threads.get(req.params.thread_id ?? '');
      if (!thread) return undefined;
      const sender = isAgent(req) ? `agent:${SANDBOX_AGENT.id}` : `user:${SANDBOX_USERS[0]!.id}`;
      return thread.participants.some((p) => p.sender_id === sender) ? thread : undefined;
    },
  };
}
