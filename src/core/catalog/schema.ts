import type { OpenApiDocument } from '../platform.js';
import { type CatalogOperation, credentialFor, deref, type Schema } from './document.js';

// What a caller sees of an operation (api_describe_operation) and what its input is validated
// against (api_read, api_write): `params` (path, query and header parameters by name; the ones the
// server fills from credentials left out) and `body`.

const KEEP = new Set([
  'type',
  'description',
  'enum',
  'const',
  'format',
  'default',
  'example',
  'examples',
  'required',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
]);
const NESTED = new Set(['items', 'additionalProperties', 'not']);
const LISTS = new Set(['anyOf', 'oneOf', 'allOf']);

/**
 * A schema with its $refs resolved to `depth` levels, for a model to read: a schema already being
 * expanded (a cycle) or past the depth is cut to its name and type.
 */
export function compact(doc: OpenApiDocument, raw: Schema, depth: number, seen: string[] = []): Schema {
  const { name, schema } = deref(doc, raw);
  if (name && (seen.includes(name) || depth <= 0)) {
    const why = seen.includes(name) ? 'recursive' : 'not expanded';
    return { ...(schema.type ? { type: schema.type } : {}), description: `${name} (${why})` };
  }
  const inner = name ? [...seen, name] : seen;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (KEEP.has(key)) out[key] = value;
    else if (NESTED.has(key) && typeof value === 'object' && value !== null)
      out[key] = compact(doc, value as Schema, depth - 1, inner);
    else if (LISTS.has(key) && Array.isArray(value))
      out[key] = value.map((v) => compact(doc, v as Schema, depth - 1, inner));
    else if (key === 'properties' && typeof value === 'object' && value !== null)
      out[key] = Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, compact(doc, v as Schema, depth - 1, inner)]),
      );
  }
  return out;
}

/** The parameters a caller passes: all but the path ones the server fills from credentials. */
export function callerParameters(op: CatalogOperation, credentials: object) {
  return op.parameters.filter((p) => !(p.in === 'path' && credentialFor(p.name, credentials)));
}

/** `params` as one object schema (refs left for the validator, or mapped by `map`). */
export function paramsSchema(op: CatalogOperation, credentials: object, map = (s: Schema) => s): Schema {
  const params = callerParameters(op, credentials);
  const required = params.filter((p) => p.required || p.in === 'path').map((p) => p.name);
  return {
    type: 'object',
    properties: Object.fromEntries(
      params.map((p) => [
        p.name,
        map({
          ...(p.schema ?? {}),
          ...(p.description ? { description: p.description } : {}),
          ...(p.example === undefined ? {} : { example: p.example }),
        }),
      ]),
    ),
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

/** The whole input of a call, as JSON Schema 2020-12 with the document's $refs. */
export function inputSchema(op: CatalogOperation, credentials: object): Schema {
  const params = paramsSchema(op, credentials);
  const required = [
    ...((params.required as string[] | undefined) ? ['params'] : []),
    ...(op.body?.required ? ['body'] : []),
  ];
  return {
    type: 'object',
    properties: { params, ...(op.body ? { body: op.body.schema } : {}) },
    required,
    additionalProperties: false,
  };
}
