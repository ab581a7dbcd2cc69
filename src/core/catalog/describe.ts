import type { OpenApiDocument } from '../platform.js';
import { type Catalog, type CatalogOperation, deref, type Schema } from './document.js';
import { compact, paramsSchema } from './schema.js';

// api_describe_operation's answer, also sent with every refused call: parameters and body as
// compact JSON Schema, the success response's top-level fields, and which tool calls it.

/** Describe answers stay well inside the result budget: deep schemas are cut shallower. */
const MAX_CHARS = 12_000;

function typeName(doc: OpenApiDocument, raw: Schema): string {
  const { name, schema } = deref(doc, raw);
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (branches) return branches.map((b) => typeName(doc, b)).join(' | ');
  if (schema.type === 'array') return `array<${typeName(doc, (schema.items ?? {}) as Schema)}>`;
  return name ?? (Array.isArray(schema.type) ? schema.type.join(' | ') : String(schema.type ?? 'any'));
}

function responseOf(doc: OpenApiDocument, op: CatalogOperation) {
  const [status, response] =
    Object.entries(op.responses).find(([code]) => code.startsWith('2')) ??
    Object.entries(op.responses)[0] ??
    [];
  if (!status) return undefined;
  const [contentType, media] = Object.entries(response?.content ?? {})[0] ?? [];
  if (!media?.schema) return { status, ...(contentType ? { content_type: contentType } : {}) };
  const resolved = deref(doc, media.schema).schema;
  const object = resolved.type === 'array' ? deref(doc, (resolved.items ?? {}) as Schema).schema : resolved;
  const properties = (object.properties ?? {}) as Record<string, Schema>;
  return {
    status,
    type: typeName(doc, media.schema),
    ...(Object.keys(properties).length > 0
      ? { fields: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, typeName(doc, v)])) }
      : {}),
  };
}

function shaped(catalog: Catalog, op: CatalogOperation, credentials: object, depth: number) {
  const doc = catalog.document;
  const params = paramsSchema(op, credentials, (s) => compact(doc, s, depth));
  const response = responseOf(doc, op);
  return {
    operation_id: op.id,
    method: op.method,
    path: op.path,
    summary: op.summary,
    ...(op.description && op.description !== op.summary
      ? { description: op.description.slice(0, 1500) }
      : {}),
    call_with: op.streaming
      ? 'none (event stream)'
      : op.readOnly
        ? 'api_read'
        : op.destructive
          ? 'api_write with confirm_destructive: true'
          : 'api_write',
    changes_data: !op.readOnly,
    ...(Object.keys(params.properties as object).length > 0 ? { params } : {}),
    ...(op.body
      ? {
          body: {
            content_type: op.body.contentType,
            required: op.body.required,
            schema: compact(doc, op.body.schema, depth),
            ...(op.body.example === undefined ? {} : { example: op.body.example }),
          },
        }
      : {}),
    ...(response ? { response } : {}),
  };
}

export type Description = ReturnType<typeof shaped>;

/** The operation described as deep as fits in MAX_CHARS. */
export function describe(catalog: Catalog, op: CatalogOperation, credentials: object): Description {
  let described = shaped(catalog, op, credentials, 6);
  for (let depth = 5; depth >= 1 && JSON.stringify(described).length > MAX_CHARS; depth--)
    described = shaped(catalog, op, credentials, depth);
  return described;
}
