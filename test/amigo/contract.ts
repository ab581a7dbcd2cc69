import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { RecordedRequest } from '../../src/core/emulator/emulator.js';
import {
  unknownFields,
  type Operation as ValidatedOperation,
} from '../../src/platforms/amigo/emulator/validate.js';

// Holds requests and responses to the Amigo Platform API's own OpenAPI document (the vendored
// subset of the operations the client uses), with ajv and JSON Schema 2020-12.

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema: Json;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Json }>; required?: boolean };
  responses: Record<string, { content?: Record<string, { schema: Json }> }>;
}

export const SPEC = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../src/platforms/amigo/openapi.subset.json'), 'utf8'),
) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ strict: false, allErrors: true, coerceTypes: false });
addFormats(ajv);
ajv.addSchema({ $id: 'amigo', components: SPEC.components });
const queryAjv = new Ajv2020({ strict: false, allErrors: true, coerceTypes: 'array' });
addFormats(queryAjv);
queryAjv.addSchema({ $id: 'amigo', components: SPEC.components });

const rebase = (schema: Json): Json =>
  JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"amigo#/components/')) as Json;
const cache = new Map<string, ValidateFunction>();
function compile(key: string, schema: Json, forQuery = false): ValidateFunction {
  let fn = cache.get(key);
  if (!fn) {
    fn = (forQuery ? queryAjv : ajv).compile(rebase(schema));
    cache.set(key, fn);
  }
  return fn;
}

/** The operation (method + path template) a recorded request was for. */
export function operationOf(
  record: Pick<RecordedRequest, 'method' | 'rawPath'>,
): { key: string; op: Operation; params: Record<string, string> } | undefined {
  const actual = record.rawPath.split('?')[0]!.split('/');
  for (const [template, ops] of Object.entries(SPEC.paths)) {
    const op = ops[record.method.toLowerCase()];
    const parts = template.split('/');
    if (!op || parts.length !== actual.length) continue;
    const params: Record<string, string> = {};
    let matches = true;
    parts.forEach((part, i) => {
      if (part.startsWith('{')) params[part.slice(1, -1)] = decodeURIComponent(actual[i]!);
      else if (part !== actual[i]) matches = false;
    });
    if (matches) return { key: `${record.method} ${template}`, op, params };
  }
  return undefined;
}

/** Problems with a recorded request and the emulator's response, against the document. */
export function contractProblems(record: RecordedRequest): string[] {
  const found = operationOf(record);
  if (!found) return [`${record.method} ${record.rawPath} is not an operation of the vendored document`];
  const { key, op, params } = found;
  const problems: string[] = [];
  const query = new URL(record.rawPath, 'http://x').searchParams;
  for (const p of op.parameters ?? []) {
    const raw =
      p.in === 'path'
        ? params[p.name] === undefined
          ? []
          : [params[p.name]!]
        : p.in === 'query'
          ? query.getAll(p.name)
          : [];
    if (raw.length === 0) {
      if (p.required && p.in !== 'header') problems.push(`${key}: missing ${p.in} parameter ${p.name}`);
      continue;
    }
    const isArray = JSON.stringify(p.schema).includes('"type":"array"');
    const holder = { v: isArray ? raw : raw[0] };
    const validate = compile(`${key} ${p.name}`, { type: 'object', properties: { v: p.schema } }, true);
    if (!validate(holder))
      problems.push(
        `${key}: ${p.in} parameter ${p.name}=${raw.join(',')}: ${ajv.errorsText(validate.errors)}`,
      );
  }
  // The platform ignores undeclared fields (amigo-validate.ts); a client sending one has a bug.
  for (const field of unknownFields(op as ValidatedOperation, { ...record, query }))
    problems.push(`${key}: ${field} is not in the operation's parameters or body schema`);
  const bodySchema = op.requestBody?.content['application/json']?.schema;
  if (bodySchema && record.json !== undefined) {
    const validate = compile(`${key} body`, bodySchema);
    if (!validate(record.json)) problems.push(`${key}: request body: ${ajv.errorsText(validate.errors)}`);
  }
  const status = record.response?.status;
  if (status !== undefined && status >= 200 && status < 300) {
    const response = op.responses[String(status)];
    if (!response) problems.push(`${key}: status ${status} is not documented`);
    const schema = response?.content?.['application/json']?.schema;
    if (schema && record.response?.json !== undefined) {
      const validate = compile(`${key} ${status}`, schema);
      if (!validate(record.response.json))
        problems.push(`${key}: response ${status}: ${ajv.errorsText(validate.errors)}`);
    }
  }
  if (status === 422) {
    const validate = compile(`${key} 422`, { $ref: '#/components/schemas/HTTPValidationError' });
    if (!validate(record.response?.json))
      problems.push(`${key}: 422 body is not FastAPI's HTTPValidationError`);
  }
  return problems;
}
