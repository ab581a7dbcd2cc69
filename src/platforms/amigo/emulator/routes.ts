import type {
  Emulator,
  EmulatorRequest,
  EmulatorResponse,
  JsonResponse,
} from '../../../core/emulator/emulator.js';
import {
  amigoOperation,
  extraForbidden,
  unknownFields,
  type ValidInput,
  validateAmigoRequest,
} from './validate.js';
import type { AmigoWorld } from './world.js';

// What every route module of the Amigo emulator shares: the world, FastAPI-shaped answers, the
// two paging styles, and `ws`, which registers one workspace-scoped operation of the document.

export type Json = Record<string, unknown>;
export type OperationHandler = (
  req: EmulatorRequest,
  input: ValidInput,
) => EmulatorResponse | Promise<EmulatorResponse>;

export interface AmigoRoutes {
  world: AmigoWorld;
  emulator: Emulator;
  /** An operation of the document (path as written there); its request is validated first. */
  op(method: string, path: string, handler: OperationHandler): void;
  /** An operation under `/v1/:workspace_id`. */
  ws(method: string, pattern: string, handler: OperationHandler): void;
}

export const ok = (json: unknown, status = 200): JsonResponse => ({ status, json });

// FastAPI error bodies (apis/amigo.md §3): {detail: string} or, for 422, a list of {loc, msg, type}.
export const detail = (status: number, message: string): EmulatorResponse => ({
  status,
  json: { detail: message },
});
export const invalid = (
  loc: Array<string | number>,
  msg: string,
  type: string,
  input?: unknown,
): EmulatorResponse => ({
  status: 422,
  json: { detail: [{ loc, msg, type, ...(input === undefined ? {} : { input }) }] },
});

export const isResponse = (v: unknown): v is EmulatorResponse =>
  typeof v === 'object' && v !== null && 'status' in v;

/** Continuation-token lists: the token is the offset of the next item. */
export function tokenPage({ query }: ValidInput, all: Json[]): JsonResponse {
  const limit = query.limit as number;
  const token = query.continuation_token as number;
  const search = (query.search as string | null | undefined)?.toLowerCase();
  const matching = search ? all.filter((x) => String(x.name).toLowerCase().includes(search)) : all;
  const items = matching.slice(token, token + limit);
  const more = token + limit < matching.length;
  return ok({
    items,
    has_more: more,
    continuation_token: more ? token + limit : null,
    total: matching.length,
  });
}

/** Offset lists; `next` adds next_offset (entities, timeline) as those operations do. */
export function offsetPage(
  { query }: ValidInput,
  all: Json[],
  key: string,
  next: boolean,
  extra: Json = {},
  offset = query.offset as number,
): JsonResponse {
  const limit = query.limit as number;
  const more = offset + limit < all.length;
  return ok({
    ...extra,
    [key]: all.slice(offset, offset + limit),
    total: all.length,
    has_more: more,
    ...(next ? { next_offset: more ? offset + limit : null } : {}),
  });
}

/** The route registrars of one emulator, over its world. */
export function amigoRoutes(emulator: Emulator, world: AmigoWorld): AmigoRoutes {
  const op = (method: string, path: string, handler: OperationHandler) => {
    const operation = amigoOperation(method, path);
    if (!operation) throw new Error(`${method} ${path} is not an operation of the Amigo document`);
    emulator.route(method, path, (req) => {
      const input = validateAmigoRequest(operation, req);
      if (Array.isArray(input)) return { status: 422, json: { detail: input } };
      // The platform (FastAPI) ignores fields it does not declare; the sandbox refuses them with
      // pydantic's extra_forbidden, on purpose: a misspelled field is a client bug that an ignoring
      // sandbox would hide (issue #12 C). The one place the sandbox is stricter than the platform.
      const unknown = unknownFields(operation, req);
      if (unknown.length > 0) return { status: 422, json: { detail: unknown.map(extraForbidden) } };
      Object.assign(req.params, input.path);
      return handler(req, input);
    });
  };
  return {
    world,
    emulator,
    op,
    ws: (method, pattern, handler) => op(method, `/v1/:workspace_id${pattern}`, handler),
  };
}
