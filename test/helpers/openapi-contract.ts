import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { RecordedRequest } from '../../src/core/emulator/emulator.js';
import type { OpenApiDocument } from '../../src/core/platform.js';

// Holds an emulator's recorded traffic to a platform's OpenAPI 3.1 document (ajv, JSON Schema
// 2020-12): the request's operation exists, its path and query parameters and JSON body validate,
// and a 2xx answer validates against the response documented for its status, an error answer
// against the documented error body (issue #14, as test/amigo/contract.ts does for Amigo).

type Json = Record<string, unknown>;
export interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Json;
  $ref?: string;
}
type Media = Record<string, { schema?: Json }>;
interface Response {
  content?: Media;
  $ref?: string;
}
export interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content: Media; required?: boolean };
  responses: Record<string, Response>;
}
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

export interface Found {
  key: string;
  op: Operation;
  params: Record<string, string>;
  parameters: Parameter[];
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/** Follows a local `#/components/...` reference. */
export function resolve<T>(doc: OpenApiDocument, value: T & { $ref?: string }): T {
  let current: unknown = value;
  for (let hops = 0; hops < 10 && typeof (current as { $ref?: unknown })?.$ref === 'string'; hops++) {
    const pointer = (current as { $ref: string }).$ref.replace(/^#\//, '').split('/');
    current = pointer.reduce<unknown>((at, part) => (at as Json | undefined)?.[part], doc);
  }
  return current as T;
}

/** Every operation of the document as `METHOD /template`. */
export function operationKeys(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([template, item]) =>
    METHODS.filter((m) => m in item).map((m) => `${m.toUpperCase()} ${template}`),
  );
}

export interface ContractOptions {
  /** Bodies every answer with this status must validate against, documented for the operation or not. */
  errorBodies?: Record<string, Json>;
}

/** Body fields the schema does not declare (a platform that ignores them hides a client bug). */
function undeclared(doc: OpenApiDocument, raw: Json, value: unknown, at: string): string[] {
  const schema = resolve<Json>(doc, raw);
  const branches = [...((schema.anyOf ?? schema.oneOf ?? []) as Json[]), ...((schema.allOf ?? []) as Json[])];
  const own = (schema.properties ?? {}) as Record<string, Json>;
  const properties = Object.assign(
    {},
    own,
    ...branches.map((b) => (resolve<Json>(doc, b).properties ?? {}) as Record<string, Json>),
  ) as Record<string, Json>;
  if (schema.type === 'array' && Array.isArray(value))
    return value.flatMap((item, i) => undeclared(doc, (schema.items ?? {}) as Json, item, `${at}.${i}`));
  const typed = branches.find((b) => resolve<Json>(doc, b).type === 'array');
  if (typed && Array.isArray(value)) return undeclared(doc, typed, value, at);
  // A schema that says anything of other fields is ajv's to check; only the silent default is here.
  if (
    schema.additionalProperties !== undefined ||
    Object.keys(properties).length === 0 ||
    value === null ||
    typeof value !== 'object'
  )
    return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const declared = properties[key];
    return declared ? undeclared(doc, declared, v, `${at}.${key}`) : [`${at}.${key}`];
  });
}

export function createContract(doc: OpenApiDocument, options: ContractOptions = {}) {
  const servers = (doc.servers as { url: string }[] | undefined) ?? [];
  const basePath = new URL(servers[0]?.url ?? 'http://x').pathname.replace(/\/$/, '');
  const make = (coerceTypes: boolean | 'array') => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, coerceTypes });
    addFormats(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components ?? {} });
    return ajv;
  };
  const ajv = make(false);
  const queryAjv = make('array');
  const cache = new Map<string, ValidateFunction>();
  const compile = (key: string, schema: Json, forQuery = false): ValidateFunction => {
    let fn = cache.get(key);
    if (!fn) {
      const rebased = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'));
      fn = (forQuery ? queryAjv : ajv).compile(rebased as Json);
      cache.set(key, fn);
    }
    return fn;
  };
  // Literal segments win over parameters (`/sessions/from-agent/` before `/sessions/{session_id}/`).
  const templates = Object.keys(doc.paths).sort(
    (a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0),
  );

  /** The operation (method + path template) a recorded request was for. */
  function operationOf(record: Pick<RecordedRequest, 'method' | 'rawPath'>): Found | undefined {
    const raw = record.rawPath.split('?')[0]!;
    if (!raw.startsWith(basePath)) return undefined;
    const actual = raw.slice(basePath.length).split('/');
    for (const template of templates) {
      const item = doc.paths[template]!;
      const op = item[record.method.toLowerCase()] as Operation | undefined;
      const parts = template.split('/');
      if (!op || parts.length !== actual.length) continue;
      const params: Record<string, string> = {};
      const matches = parts.every((part, i) => {
        if (!part.startsWith('{')) return part === actual[i];
        params[part.slice(1, -1)] = decodeURIComponent(actual[i]!);
        return actual[i] !== '';
      });
      if (!matches) continue;
      const shared = (item.parameters as Parameter[] | undefined) ?? [];
      const parameters = [...shared, ...(op.parameters ?? [])].map((p) => resolve<Parameter>(doc, p));
      return { key: `${record.method} ${template}`, op, params, parameters };
    }
    return undefined;
  }

  function parameterProblems({ key, params, parameters }: Found, query: URLSearchParams): string[] {
    const problems: string[] = [];
    for (const p of parameters) {
      if (p.in !== 'path' && p.in !== 'query') continue;
      const raw =
        p.in === 'path' ? (params[p.name] === undefined ? [] : [params[p.name]!]) : query.getAll(p.name);
      if (raw.length === 0) {
        if (p.required) problems.push(`${key}: missing ${p.in} parameter ${p.name}`);
        continue;
      }
      const isArray = JSON.stringify(p.schema ?? {}).includes('"type":"array"');
      const validate = compile(
        `${key} ${p.name}`,
        { type: 'object', properties: { v: p.schema ?? {} } },
        true,
      );
      if (!validate({ v: isArray ? raw : raw[0] }))
        problems.push(
          `${key}: ${p.in} parameter ${p.name}=${raw.join(',')}: ${ajv.errorsText(validate.errors)}`,
        );
    }
    const declared = new Set(parameters.filter((p) => p.in === 'query').map((p) => p.name));
    for (const name of new Set(query.keys()))
      if (!declared.has(name)) problems.push(`${key}: query parameter ${name} is not documented`);
    return problems;
  }

  function bodyProblems({ key, op }: Found, record: RecordedRequest): string[] {
    const type = String(record.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    const hasBody = record.bodyText.trim() !== '';
    if (!op.requestBody) return hasBody ? [`${key}: sends a body the operation does not take`] : [];
    if (!hasBody) return op.requestBody.required ? [`${key}: the required request body is missing`] : [];
    const media = op.requestBody.content[type];
    if (!media) return [`${key}: request Content-Type ${type || '(none)'} is not documented`];
    if (type !== 'application/json' || !media.schema) return [];
    const validate = compile(`${key} body`, media.schema);
    const extra = undeclared(doc, media.schema, record.json, 'body').map(
      (field) => `${key}: ${field} is not in the operation's body schema`,
    );
    return validate(record.json)
      ? extra
      : [`${key}: request body: ${ajv.errorsText(validate.errors)}`, ...extra];
  }

  function responseProblems({ key, op }: Found, record: RecordedRequest): string[] {
    const status = record.response?.status;
    if (status === undefined) return [];
    const errorBody = options.errorBodies?.[String(status)];
    if (errorBody) {
      const validate = compile(`error ${status}`, errorBody);
      if (!validate(record.response?.json))
        return [`${key}: ${status} body: ${ajv.errorsText(validate.errors)}`];
    }
    const documented = op.responses[String(status)];
    if (!documented) return status < 300 ? [`${key}: status ${status} is not documented`] : [];
    const response = resolve<Response>(doc, documented);
    const schema = response.content?.['application/json']?.schema;
    if (!schema || record.response?.json === undefined) return [];
    const validate = compile(`${key} ${status}`, schema);
    return validate(record.response.json)
      ? []
      : [`${key}: response ${status}: ${ajv.errorsText(validate.errors)}`];
  }

  /** Problems with a recorded request and the emulator's response, against the document. */
  function contractProblems(record: RecordedRequest): string[] {
    const found = operationOf(record);
    if (!found) return [`${record.method} ${record.rawPath} is not an operation of the document`];
    const query = new URL(record.rawPath, 'http://x').searchParams;
    return [
      ...parameterProblems(found, query),
      ...bodyProblems(found, record),
      ...responseProblems(found, record),
    ];
  }

  return { operationOf, contractProblems };
}
