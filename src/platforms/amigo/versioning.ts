import { z } from 'zod';
import { catalogOf, deref } from '../../core/catalog/document.js';
import { violations } from '../../core/catalog/validate.js';
import { type Diff, diff } from '../../core/diff.js';
import { ToolInputError } from '../../core/input-error.js';
import type { ToolContext } from '../../core/registry.js';
import type { AmigoClient } from './client.js';

// What the tools that change an agent, a context graph or a service share (issue #14 section 2):
// read, merge the caller's changes, check the body against the operation's request schema in the
// API document (the operation catalog's ajv, src/core/catalog/validate.ts) before sending it, and
// answer with a compact diff.

type Json = Record<string, unknown>;
type Ctx = ToolContext<AmigoClient>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export const changesParam = (operationId: string) =>
  z.record(z.string(), z.unknown()).describe(`Fields to merge in (api_describe_operation ${operationId}).`);
/** The same, optional (zod keeps a description on the wrapper it was given to). */
export const optionalChangesParam = (operationId: string) =>
  z
    .record(z.string(), z.unknown())
    .optional()
    .describe(`Fields to merge in (api_describe_operation ${operationId}).`);

export const diffOutput = {
  changes: z.array(z.string()).describe('What changed, as `path: before -> after` (first 20).'),
  total_changes: z.number().describe('How many changes in all.'),
};

/** What the create-version tools answer besides their object's id. */
export const versionOutput = {
  version: z.number().describe('The new version.'),
  previous_version: z.number().describe('The version it was made from.'),
  ...diffOutput,
};

async function operation(ctx: Ctx, operationId: string) {
  const module = ctx.platforms.find((m) => m.name === 'amigo');
  const catalog = module && (await catalogOf(module));
  const op = catalog?.byId.get(operationId);
  if (!catalog || !op) throw new Error(`the Amigo document has no ${operationId}`);
  return { catalog, op };
}

/** The request body's fields, as the operation's schema declares them. */
async function bodyFields(ctx: Ctx, operationId: string): Promise<string[]> {
  const { catalog, op } = await operation(ctx, operationId);
  const schema = deref(catalog.document, op.body?.schema ?? {}).schema;
  return Object.keys((schema.properties ?? {}) as Json);
}

/**
 * Refuses, before any request, a change to a field the operation's body does not have: the
 * platform would ignore it (apis/amigo.md §3, FastAPI), so a misspelling would pass silently.
 */
export async function refuseUnknown(ctx: Ctx, operationId: string, changes: Json): Promise<string[]> {
  const fields = await bodyFields(ctx, operationId);
  const unknown = Object.keys(changes).filter((k) => !fields.includes(k));
  if (unknown.length > 0)
    throw new ToolInputError(
      `changes.${unknown.join(', changes.')}: not a field of ${operationId}; its fields are ${fields.join(', ')}.`,
    );
  return fields;
}

/** Refuses a body the document's schema refuses, naming each violation; nothing is sent. */
export async function checkBody(ctx: Ctx, operationId: string, params: Json, body: Json): Promise<void> {
  const { catalog, op } = await operation(ctx, operationId);
  const found = await violations(catalog, op, ctx.client.credentials, { params, body });
  if (found.length > 0)
    throw new ToolInputError(
      `${operationId} would refuse this (nothing was sent): ${found.join('; ')}. Fields: api_describe_operation ${operationId}.`,
    );
}

/** `changes` over `current`: fields replaced, except an object over an object, merged one level. */
export function merged(current: Json, changes: Json): Json {
  const out: Json = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    const was = current[key];
    out[key] = isObject(value) && isObject(was) ? { ...was, ...value } : value;
  }
  return out;
}

/** The fields of `value` a request body has (a response carries ids and times besides). */
export const pick = (value: Json, fields: readonly string[]): Json =>
  Object.fromEntries(fields.filter((f) => value[f] !== undefined).map((f) => [f, value[f]]));

/** The diff of a change, or a refusal when it changes nothing. */
export function changeOf(before: Json, after: Json, what: string): Diff {
  const found = diff(before, after);
  if (found.total === 0) throw new ToolInputError(`changes leave ${what} as it is: nothing to do.`);
  return found;
}

export const diffResult = (found: Diff) => ({ changes: found.lines, total_changes: found.total });

/** How a create-version tool reads and writes its object (an agent, a context graph). */
interface Versioned {
  /** The create operation's id in the document, e.g. create-agent-version. */
  operation: string;
  /** The create operation's path parameters, for the document check. */
  params: Json;
  changes: Json;
  /** The latest version number (absent or 0: none yet). */
  latest(): Promise<number | undefined>;
  read(version: number): Promise<Json>;
  /** `changes` over the latest version's body fields (default: `merged`). */
  merge?(before: Json, changes: Json): Json;
  create(body: Json): Promise<{ version: number }>;
}

/**
 * The whole create-version workflow (issue #14): refuse unknown fields before any request, read
 * the latest version, merge the changes, refuse a no-op and a body the document refuses, create.
 */
export async function createVersion(ctx: Ctx, v: Versioned) {
  const fields = await refuseUnknown(ctx, v.operation, v.changes);
  // An object with no version yet gets its first from the changes alone.
  const previous = (await v.latest()) ?? 0;
  const before = pick(previous > 0 ? await v.read(previous) : {}, fields);
  const body = (v.merge ?? merged)(before, v.changes);
  const found = changeOf(before, body, `version ${previous}`);
  await checkBody(ctx, v.operation, v.params, body);
  const created = await v.create(body);
  return { version: created.version, previous_version: previous, ...diffResult(found) };
}
