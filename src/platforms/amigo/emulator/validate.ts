import type { EmulatorRequest } from '../../../core/emulator/emulator.js';
import spec from '../openapi.requests.json' with { type: 'json' };
import { pythonJsonError } from './json-error.js';

// Request validation for the Amigo emulator, from the operations' own OpenAPI document (its request
// side, vendored by scripts/extract-amigo-openapi.mjs) with FastAPI/pydantic v2 semantics, since the platform is a FastAPI service (apis/amigo.md
// §1): lax coercion (query strings and JSON alike: "5" is an int, "yes" a bool), every error of a
// request at once (path, then query, then body), each as pydantic words it: {type, loc, msg, input,
// ctx?} (§3). test/amigo/fastapi-oracle.py holds these answers to real FastAPI's.
//
// Unknown fields: a pydantic model that forbids extras is documented as `additionalProperties:
// false` (the document has four, e.g. RegisteredFunction); none of the request bodies here is, and
// FastAPI ignores query parameters it does not declare. So the platform ignores unknown fields
// [infer from the document, §1]; the emulator refuses them all the same (`unknownFields`, answered
// as extra_forbidden in amigo.ts) so that a misspelled field cannot pass the sandbox unnoticed.

export interface PydanticError {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

type Schema = {
  type?: string;
  format?: string;
  $ref?: string;
  anyOf?: Schema[];
  oneOf?: Schema[];
  discriminator?: { propertyName: string; mapping?: Record<string, string> };
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
};
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema: Schema;
}
export interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }>; required?: boolean };
}

const DOCUMENT = spec as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

/** The document's operation for an emulator route (`/v1/:workspace_id/agents` style). */
export function amigoOperation(method: string, pattern: string): Operation | undefined {
  return DOCUMENT.paths[pattern.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
}

type Loc = PydanticError['loc'];
type Result = { value: unknown; errors: PydanticError[] };
const ok = (value: unknown): Result => ({ value, errors: [] });
const fail = (
  type: string,
  loc: Loc,
  msg: string,
  input: unknown,
  ctx?: Record<string, unknown>,
): Result => ({
  value: undefined,
  errors: [{ type, loc, msg, input, ...(ctx ? { ctx } : {}) }],
});
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const resolve = (schema: Schema): Schema =>
  schema.$ref
    ? { ...DOCUMENT.components.schemas[schema.$ref.split('/').pop() ?? '']!, ...schema, $ref: undefined }
    : schema;

const INT_STRING = /^[+-]?\d+(_\d+)*(\.0+)?$/;
const FLOAT_STRING = /^[+-]?((\d+(_\d+)*(\.\d*)?|\.\d+)([eE][+-]?\d+)?|inf|infinity|nan)$/i;
const TRUE = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

/** pydantic's lax scalars: what a JSON value or a query string becomes, or why it cannot. */
function scalar(type: string, input: unknown, loc: Loc): Result {
  const text = typeof input === 'string' ? input.trim() : undefined;
  switch (type) {
    case 'string':
      return typeof input === 'string'
        ? ok(input)
        : fail('string_type', loc, 'Input should be a valid string', input);
    case 'integer':
      if (typeof input === 'boolean') return ok(Number(input));
      if (typeof input === 'number')
        return Number.isInteger(input)
          ? ok(input)
          : fail(
              'int_from_float',
              loc,
              'Input should be a valid integer, got a number with a fractional part',
              input,
            );
      if (text !== undefined)
        return INT_STRING.test(text)
          ? ok(Number.parseInt(text.replaceAll('_', ''), 10))
          : fail(
              'int_parsing',
              loc,
              'Input should be a valid integer, unable to parse string as an integer',
              input,
            );
      return fail('int_type', loc, 'Input should be a valid integer', input);
    case 'number':
      if (typeof input === 'number' || typeof input === 'boolean') return ok(Number(input));
      // pydantic-core trims a float string, but takes underscores only in one that needed no trim.
      if (text !== undefined && FLOAT_STRING.test(text) && (text === input || !text.includes('_')))
        return ok(
          /inf/i.test(text)
            ? text.startsWith('-')
              ? -Infinity
              : Infinity
            : Number(text.replaceAll('_', '')),
        );
      if (text !== undefined)
        return fail(
          'float_parsing',
          loc,
          'Input should be a valid number, unable to parse string as a number',
          input,
        );
      return fail('float_type', loc, 'Input should be a valid number', input);
    case 'boolean':
      if (typeof input === 'boolean') return ok(input);
      if (input === 0 || input === 1) return ok(input === 1);
      if (typeof input === 'string' && TRUE.has(input.toLowerCase())) return ok(true);
      if (typeof input === 'string' && FALSE.has(input.toLowerCase())) return ok(false);
      if (typeof input === 'string' || typeof input === 'number')
        return fail('bool_parsing', loc, 'Input should be a valid boolean, unable to interpret input', input);
      return fail('bool_type', loc, 'Input should be a valid boolean', input);
    case 'null':
      return input === null ? ok(null) : fail('none_required', loc, 'Input should be None', input);
    default:
      return ok(input);
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function stringConstraints(schema: Schema, value: string, loc: Loc): Result {
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength)
    return fail(
      'string_too_short',
      loc,
      `String should have at least ${plural(schema.minLength, 'character')}`,
      value,
      {
        min_length: schema.minLength,
      },
    );
  if (schema.maxLength !== undefined && length > schema.maxLength)
    return fail(
      'string_too_long',
      loc,
      `String should have at most ${plural(schema.maxLength, 'character')}`,
      value,
      {
        max_length: schema.maxLength,
      },
    );
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
    return fail('string_pattern_mismatch', loc, `String should match pattern '${schema.pattern}'`, value, {
      pattern: schema.pattern,
    });
  return format(schema.format, value, loc);
}

/** The uuid crate's parse errors, as pydantic-core passes them on (checked against FastAPI). */
function uuidError(text: string): string | undefined {
  const braced = /^\{(.*)\}$/s.exec(text);
  const urn = /^urn:uuid:(.*)$/s.exec(text);
  const inner = braced?.[1] ?? urn?.[1] ?? text;
  const offset = urn ? 9 : 0;
  if (/^[0-9a-f]{32}$/i.test(inner) || /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(inner))
    return undefined;
  const chars = [...inner];
  const bad = chars.findIndex((c) => !/[0-9a-f-]/i.test(c));
  if (bad >= 0) return `invalid character: found \`${chars[bad]}\` at ${bad + offset + 1}`;
  const groups = inner.split('-');
  if (groups.length === 1 && !braced && !urn)
    return `invalid length: expected length 32 for simple format, found ${text.length}`;
  if (groups.length !== 5) return `invalid group count: expected 5, found ${groups.length}`;
  const expected = [8, 4, 4, 4, 12];
  const group = groups.findIndex((g, i) => g.length !== expected[i]);
  return `invalid group length in group ${group}: expected ${expected[group]}, found ${groups[group]?.length}`;
}

/** Common email-validator refusals; other bad addresses pass [infer: the client checks emails first]. */
function emailError(text: string): string | undefined {
  const at = text.lastIndexOf('@');
  if (at < 0) return 'An email address must have an @-sign.';
  if (at === 0) return 'There must be something before the @-sign.';
  if (at === text.length - 1) return 'There must be something after the @-sign.';
  if (!text.slice(at + 1).includes('.'))
    return 'The part after the @-sign is not valid. It should have a period.';
  return undefined;
}

/** speedate's commonest date refusals; a date-time at midnight is a date. */
function dateError(text: string): string | undefined {
  if (text.length < 10) return 'input is too short';
  const m = /^(\d{4})-(\d{2})-(\d{2})(T00:00(:00(\.0+)?)?Z?)?$/.exec(text);
  if (!m) return 'invalid date separator, expected `-`';
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) return 'month value is outside expected range of 1-12';
  if (day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate())
    return 'day value is outside expected range';
  return undefined;
}

function format(name: string | undefined, value: string, loc: Loc): Result {
  if (name === 'uuid') {
    const error = uuidError(value);
    if (error) return fail('uuid_parsing', loc, `Input should be a valid UUID, ${error}`, value, { error });
    // The handler gets a UUID, whichever of the four spellings came in: compare in canonical form.
    const hex = value.replace(/^urn:uuid:|[{}-]/gi, '').toLowerCase();
    return ok(
      `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    );
  }
  if (name === 'email') {
    const reason = emailError(value);
    return reason
      ? fail('value_error', loc, `value is not a valid email address: ${reason}`, value, { reason })
      : ok(value);
  }
  if (name === 'date') {
    const error = dateError(value);
    return error
      ? fail('date_from_datetime_parsing', loc, `Input should be a valid date or datetime, ${error}`, value, {
          error,
        })
      : ok(value.slice(0, 10));
  }
  return ok(value);
}

function numberConstraints(schema: Schema, value: number, input: unknown, loc: Loc): Result {
  const checks: Array<[number | undefined, (limit: number) => boolean, string, string, string]> = [
    [schema.maximum, (l) => value <= l, 'less_than_equal', 'le', 'less than or equal to'],
    [schema.exclusiveMaximum, (l) => value < l, 'less_than', 'lt', 'less than'],
    [schema.minimum, (l) => value >= l, 'greater_than_equal', 'ge', 'greater than or equal to'],
    [schema.exclusiveMinimum, (l) => value > l, 'greater_than', 'gt', 'greater than'],
  ];
  // pydantic-core's order, first failure only (NaN fails `le` first, as FastAPI answers).
  for (const [limit, holds, type, key, words] of checks)
    if (limit !== undefined && !holds(limit))
      return fail(type, loc, `Input should be ${words} ${limit}`, input, { [key]: limit });
  return ok(value);
}

const quoted = (values: unknown[]) => {
  const parts = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
  return parts.length < 2 ? parts.join('') : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
};

/** pydantic's answer when a model (or a tagged union of models) gets something else. */
const notAnObject = (input: unknown, loc: Loc): Result =>
  fail(
    'model_attributes_type',
    loc,
    'Input should be a valid dictionary or object to extract fields from',
    input,
  );

function model(schema: Schema, input: unknown, loc: Loc): Result {
  if (!isObject(input)) return notAnObject(input, loc);
  const value: Record<string, unknown> = {};
  const errors: PydanticError[] = [];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    if (!(name in input)) {
      if (schema.required?.includes(name))
        errors.push(...fail('missing', [...loc, name], 'Field required', input).errors);
      else if ('default' in resolve(field)) value[name] = resolve(field).default;
      continue;
    }
    const result = check(field, input[name], [...loc, name]);
    errors.push(...result.errors);
    value[name] = result.value;
  }
  if (schema.additionalProperties === false)
    for (const name of Object.keys(input))
      if (!(name in (schema.properties ?? {})))
        errors.push(
          ...fail('extra_forbidden', [...loc, name], 'Extra inputs are not permitted', input[name]).errors,
        );
  return { value, errors };
}

/** One value against a schema of the document, as pydantic validates it. */
export function check(raw: Schema, input: unknown, loc: Loc): Result {
  const schema = resolve(raw);
  if (schema.anyOf) {
    const branches = schema.anyOf.filter((s) => s.type !== 'null');
    if (input === null && branches.length < schema.anyOf.length) return ok(null);
    const results = branches.map((s) => check(s, input, loc));
    // Optional[X] reports X's errors; a real union, each branch's (pydantic adds the branch to loc).
    return (
      results.find((r) => r.errors.length === 0) ?? {
        value: undefined,
        errors: results.flatMap((r) => r.errors),
      }
    );
  }
  if (schema.discriminator) return tagged(schema, input, loc);
  if (schema.const !== undefined || schema.enum) {
    const allowed = schema.enum ?? [schema.const];
    if (allowed.includes(input)) return ok(input);
    const expected = quoted(allowed);
    return fail('literal_error', loc, `Input should be ${expected}`, input, { expected });
  }
  if (schema.type === 'array') return list(schema, input, loc);
  if (schema.type === 'object' || schema.properties) {
    if (schema.properties) return model(schema, input, loc);
    if (!isObject(input)) return fail('dict_type', loc, 'Input should be a valid dictionary', input);
    const size = Object.keys(input).length;
    if (schema.maxProperties !== undefined && size > schema.maxProperties)
      return fail(
        'too_long',
        loc,
        `Dictionary should have at most ${plural(schema.maxProperties, 'item')} after validation, not ${size}`,
        input,
        {
          field_type: 'Dictionary',
          max_length: schema.maxProperties,
          actual_length: size,
        },
      );
    return typeof schema.additionalProperties === 'object'
      ? dict(schema.additionalProperties, input, loc)
      : ok(input);
  }
  if (schema.format === 'uuid' && typeof input !== 'string')
    return fail('uuid_type', loc, 'UUID input should be a string, bytes or UUID object', input);
  const base = scalar(schema.type ?? '', input, loc);
  if (base.errors.length > 0) return base;
  if (typeof base.value === 'string') return stringConstraints(schema, base.value, loc);
  if (typeof base.value === 'number') return numberConstraints(schema, base.value, input, loc);
  return base;
}

/** A dict[str, X]: each value against X, its key in loc (version_sets of a service). */
function dict(values: Schema, input: Record<string, unknown>, loc: Loc): Result {
  const results = Object.entries(input).map(([k, v]) => [k, check(values, v, [...loc, k])] as const);
  return {
    value: Object.fromEntries(results.map(([k, r]) => [k, r.value])),
    errors: results.flatMap(([, r]) => r.errors),
  };
}

/** The branch a discriminated union's tag names (a context graph's states), or undefined. */
function branchOf(schema: Schema, input: unknown): Schema | undefined {
  const { propertyName, mapping = {} } = schema.discriminator ?? { propertyName: '' };
  const ref = isObject(input) ? mapping[String(input[propertyName])] : undefined;
  return ref === undefined ? undefined : { $ref: ref };
}

/** pydantic's tagged union: the tag picks the model, and errors inside it carry the tag in loc. */
function tagged(schema: Schema, input: unknown, loc: Loc): Result {
  if (!isObject(input)) return notAnObject(input, loc);
  const name = schema.discriminator?.propertyName ?? '';
  const discriminator = `'${name}'`;
  if (!(name in input))
    return fail(
      'union_tag_not_found',
      loc,
      `Unable to extract tag using discriminator ${discriminator}`,
      input,
      {
        discriminator,
      },
    );
  const branch = branchOf(schema, input);
  const tag = String(input[name]);
  if (!branch) {
    const expected = Object.keys(schema.discriminator?.mapping ?? {})
      .map((t) => `'${t}'`)
      .join(', ');
    return fail(
      'union_tag_invalid',
      loc,
      `Input tag '${tag}' found using ${discriminator} does not match any of the expected tags: ${expected}`,
      input,
      { discriminator, tag, expected_tags: expected },
    );
  }
  return check(branch, input, [...loc, tag]);
}

function list(schema: Schema, input: unknown, loc: Loc): Result {
  if (!Array.isArray(input)) return fail('list_type', loc, 'Input should be a valid list', input);
  // pydantic stops at the first item past the maximum and reports only the length.
  if (schema.maxItems !== undefined && input.length > schema.maxItems)
    return fail(
      'too_long',
      loc,
      `List should have at most ${plural(schema.maxItems, 'item')} after validation, not ${input.length}`,
      input,
      {
        field_type: 'List',
        max_length: schema.maxItems,
        actual_length: input.length,
      },
    );
  if (schema.minItems !== undefined && input.length < schema.minItems)
    return fail(
      'too_short',
      loc,
      `List should have at least ${plural(schema.minItems, 'item')} after validation, not ${input.length}`,
      input,
      { field_type: 'List', min_length: schema.minItems, actual_length: input.length },
    );
  const results = input.map((item, i) => check(schema.items ?? {}, item, [...loc, i]));
  return { value: results.map((r) => r.value), errors: results.flatMap((r) => r.errors) };
}

/** Whether a parameter takes repeated keys (`entity_type=a&entity_type=b`). */
const isList = (schema: Schema): boolean =>
  resolve(schema).type === 'array' || (resolve(schema).anyOf ?? []).some((s) => resolve(s).type === 'array');

export interface ValidInput {
  path: Record<string, string>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

/** The body as FastAPI reads it: JSON when the content type says so (or says nothing), else bytes. */
function readBody(req: Pick<EmulatorRequest, 'headers' | 'bodyText'>): { value: unknown } | PydanticError {
  if (req.bodyText === '') return { value: null };
  const type = req.headers['content-type'];
  if (type && !/^application\/([\w.+-]*\+)?json\b/i.test(type)) return { value: req.bodyText };
  try {
    return { value: JSON.parse(req.bodyText) };
  } catch {
    return jsonInvalid(req.bodyText);
  }
}

/** FastAPI's 422 item for a body its JSON decoder refuses. */
export function jsonInvalid(text: string): PydanticError {
  const { pos, msg } = pythonJsonError(text) ?? { pos: 0, msg: 'Expecting value' };
  return {
    type: 'json_invalid',
    loc: ['body', pos],
    msg: 'JSON decode error',
    input: {},
    ctx: { error: msg },
  };
}

/** A request against its operation: pydantic's errors, or the coerced query and body with defaults. */
export function validateAmigoRequest(op: Operation, req: EmulatorRequest): ValidInput | PydanticError[] {
  const errors: PydanticError[] = [];
  const path: Record<string, string> = {};
  const query: Record<string, unknown> = {};
  const params = op.parameters ?? [];
  for (const where of ['path', 'query'] as const)
    for (const p of params.filter((x) => x.in === where)) {
      const loc = [where, p.name];
      const values = where === 'path' ? [req.params[p.name]] : req.query.getAll(p.name);
      const present = values.filter((v) => v !== undefined);
      if (present.length === 0) {
        if (p.required) errors.push({ type: 'missing', loc, msg: 'Field required', input: null });
        else if (where === 'query' && 'default' in p.schema) query[p.name] = p.schema.default;
        continue;
      }
      // A repeated scalar parameter: Starlette hands FastAPI the last value.
      const result = check(p.schema, isList(p.schema) ? present : present.at(-1), loc);
      errors.push(...result.errors);
      if (where === 'query') query[p.name] = result.value;
      else if (result.errors.length === 0) path[p.name] = String(result.value);
    }
  let body: Record<string, unknown> = {};
  const bodySchema = op.requestBody?.content['application/json']?.schema;
  if (bodySchema) {
    const read = readBody(req);
    if (!('value' in read)) errors.push(read);
    else if (read.value === null && op.requestBody?.required)
      errors.push({ type: 'missing', loc: ['body'], msg: 'Field required', input: null });
    else {
      const result = check(bodySchema, read.value, ['body']);
      errors.push(...result.errors);
      body = (result.value ?? {}) as Record<string, unknown>;
    }
  }
  return errors.length > 0 ? errors : { path, query, body };
}

/** pydantic's answer to a field a model forbids, for a `query.x` / `body.a.0.b` path of unknownFields. */
export function extraForbidden(at: string): PydanticError {
  const loc = at.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  return { type: 'extra_forbidden', loc, msg: 'Extra inputs are not permitted', input: null };
}

/** Query parameters and body fields the operation does not declare (the platform ignores them). */
export function unknownFields(
  op: Operation,
  req: Pick<EmulatorRequest, 'query' | 'headers' | 'bodyText'>,
): string[] {
  const declared = new Set((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
  const found = [...new Set(req.query.keys())].filter((k) => !declared.has(k)).map((k) => `query.${k}`);
  const bodySchema = op.requestBody?.content['application/json']?.schema;
  const read = readBody(req);
  if (bodySchema && 'value' in read) found.push(...extraKeys(bodySchema, read.value, 'body'));
  return found;
}

function extraKeys(raw: Schema, value: unknown, at: string): string[] {
  const schema = resolve(raw);
  const branch = schema.anyOf?.find((s) => resolve(s).type !== 'null');
  if (branch) return extraKeys(branch, value, at);
  // A tagged union's member: pydantic puts the tag in the path (body.states.0.action.x).
  const tagged = branchOf(schema, value);
  const tag = isObject(value) ? value[schema.discriminator?.propertyName ?? ''] : undefined;
  if (tagged) return extraKeys(tagged, value, `${at}.${String(tag)}`);
  if (schema.type === 'array' && Array.isArray(value))
    return value.flatMap((item, i) => extraKeys(schema.items ?? {}, item, `${at}.${i}`));
  if (!schema.properties || !isObject(value)) return [];
  const properties = schema.properties;
  return Object.entries(value).flatMap(([key, v]) =>
    properties[key] ? extraKeys(properties[key], v, `${at}.${key}`) : [`${at}.${key}`],
  );
}
