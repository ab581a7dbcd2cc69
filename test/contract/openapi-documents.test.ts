import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../src/core/platform.js';
import { ama2 } from '../../src/platforms/ama2/index.js';
import { atthene } from '../../src/platforms/atthene/index.js';
import { type Operation, operationKeys, type Parameter, resolve } from '../helpers/openapi-contract.js';

// The hand-written AMA2 and Atthene documents (issue #14) are valid OpenAPI 3.1 (the official
// OAS 3.1 JSON Schema, ajv 2020-12), every reference resolves, every operationId is unique and
// snake_case, every path parameter is declared, and every route the notes list is there.

// The official OAS 3.1 schema (spec.openapis.org/oas/3.1/schema), as the validator package ships it.
const OAS_31_SCHEMA = JSON.parse(
  readFileSync(
    createRequire(import.meta.url).resolve('@seriousme/openapi-schema-validator/schemas/v3.1/schema.json'),
    'utf8',
  ),
) as object;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

function operations(doc: OpenApiDocument) {
  return Object.entries(doc.paths).flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.has(m))
      .map(([method, op]) => {
        const o = op as Operation & { summary?: string; description?: string; tags?: string[] };
        const parameters = [...((item.parameters as Parameter[]) ?? []), ...(o.parameters ?? [])].map((p) =>
          resolve<Parameter>(doc, p),
        );
        return { key: `${method.toUpperCase()} ${template}`, template, op: o, parameters };
      }),
  );
}

/** Every part marked `x-inferred` says so in its description (the notes' [INFERRED] legend). */
function unexplainedInferences(value: unknown, at = '#', out: string[] = []): string[] {
  if (!value || typeof value !== 'object') return out;
  const node = value as { 'x-inferred'?: unknown; description?: unknown };
  if (node['x-inferred'] === true && !/infer/i.test(String(node.description ?? '')))
    out.push(`${at}: x-inferred without a description saying so`);
  for (const [k, v] of Object.entries(value)) unexplainedInferences(v, `${at}/${k}`, out);
  return out;
}

function documentProblems(doc: OpenApiDocument): string[] {
  const problems: string[] = [...unexplainedInferences(doc)];
  for (const ref of refs(doc)) {
    if (!ref.startsWith('#/')) problems.push(`${ref}: not a local reference`);
    else if (resolve(doc, { $ref: ref }) === undefined) problems.push(`${ref}: does not resolve`);
  }
  const ids = new Map<string, string>();
  const tags = new Set(((doc.tags as { name: string }[]) ?? []).map((t) => t.name));
  for (const { key, template, op, parameters } of operations(doc)) {
    const id = op.operationId ?? '';
    if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(id))
      problems.push(`${key}: operationId "${id}" is not snake_case`);
    if (ids.has(id)) problems.push(`${key}: operationId ${id} is also ${ids.get(id)}`);
    ids.set(id, key);
    if (!op.summary || !op.description) problems.push(`${key}: no summary or description`);
    for (const tag of op.tags ?? []) if (!tags.has(tag)) problems.push(`${key}: tag ${tag} is not declared`);
    const inTemplate = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const declared = parameters.filter((p) => p.in === 'path').map((p) => p.name);
    for (const name of inTemplate)
      if (!declared.includes(name)) problems.push(`${key}: path parameter ${name} is not declared`);
    for (const name of declared)
      if (!inTemplate.includes(name)) problems.push(`${key}: parameter ${name} is not in the path`);
    for (const p of parameters.filter((q) => q.in === 'path'))
      if (!p.required) problems.push(`${key}: path parameter ${p.name} is not required`);
  }
  return problems;
}

const DOCUMENTS: [string, () => Promise<OpenApiDocument>, string[]][] = [
  [
    'ama2',
    () => ama2.openapi(),
    [
      'GET /health',
      'GET /api/v1/chat/threads',
      'POST /api/v1/chat/threads',
      'POST /api/v1/chat/threads/{thread_id}/agent-messages',
      'POST /api/v1/chat/threads/{thread_id}/messages',
      'GET /api/v1/chat/threads/{thread_id}/events',
      'GET /api/v1/chat/threads/{thread_id}/events/stream',
      'POST /api/v1/chat/threads/{thread_id}/mode',
      'POST /api/v1/chat/threads/{thread_id}/webhooks',
      'DELETE /api/v1/chat/threads/{thread_id}/webhooks/{subscription_id}',
      'POST /api/v1/owner/external-agents/tokens',
      'GET /api/v1/owner/external-agents/tokens',
      'GET /api/v1/friends',
      'POST /api/v1/friends',
      'GET /api/v1/friends/spaces',
      'GET /api/v1/friends/{user_id}/status',
      'POST /public/v1/users/guest-token',
    ],
  ],
  [
    'atthene',
    () => atthene.openapi(),
    [
      'POST /agent/validate/',
      'GET /agent/',
      'POST /agent/',
      'GET /agent/{agent_id}/',
      'PATCH /agent/{agent_id}/',
      'DELETE /agent/{agent_id}/',
      'POST /sessions/',
      'GET /sessions/',
      'GET /sessions/{session_id}/',
      'DELETE /sessions/{session_id}/',
      'POST /sessions/from-agent/{agent_id}/',
      'GET /sessions/from-agent/',
      'DELETE /sessions/from-agent/',
      'POST /runtime/{session_id}/execute/',
      'GET /runtime/{session_id}/messages/',
      'GET /runtime/{session_id}/status/',
      'GET /knowledge-bases/{kb_id}/',
      'GET /knowledge-bases/{kb_id}/check_status/',
      'GET /knowledge-bases/{kb_id}/status/',
      'POST /collections/',
      'GET /collections/{collection_id}/',
      'POST /collections/{collection_id}/files/',
      'POST /files/',
    ],
  ],
];

const oasAjv = new Ajv2020({ strict: false, allErrors: true });
addFormats(oasAjv);
// RFC 9110 media-range (the schema's format for content keys), e.g. application/json, text/*.
oasAjv.addFormat('media-range', /^[\w.+*-]+\/[\w.+*-]+(\s*;.*)?$/);
const validate = oasAjv.compile(OAS_31_SCHEMA);

describe.each(DOCUMENTS)('the %s OpenAPI document', (_name, load, routes) => {
  it('validates against the official OpenAPI 3.1 schema', async () => {
    const doc = await load();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
  });

  it('every $ref resolves, operationIds are unique snake_case, path parameters are declared', async () => {
    expect(documentProblems(await load())).toEqual([]);
  });

  it('every schema in it is valid JSON Schema 2020-12', async () => {
    const doc = await load();
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    expect(() => ajv.addSchema({ $id: 'doc', components: doc.components })).not.toThrow();
    for (const name of Object.keys(doc.components?.schemas ?? {}))
      expect(() => ajv.getSchema(`doc#/components/schemas/${name}`), name).not.toThrow();
  });

  it('covers every route the contract note lists', async () => {
    const keys = operationKeys(await load());
    expect(routes.filter((r) => !keys.includes(r))).toEqual([]);
  });

  it('the checks catch a broken document', async () => {
    const doc = structuredClone(await load());
    const [template, item] = Object.entries(doc.paths).find(([t]) => t.includes('{'))!;
    doc.paths[`${template}x/{other}`] = {
      'x-inferred': true,
      get: { operationId: 'Bad-Id', summary: 's', description: 'd', responses: { 200: { $ref: '#/nope' } } },
    };
    const first = Object.values(item).find((v) => (v as Operation).operationId) as Operation;
    doc.paths['/dup'] = { get: { ...first } };
    expect(documentProblems(doc)).toEqual(
      expect.arrayContaining([
        '#/nope: does not resolve',
        expect.stringMatching(/x-inferred without a description/),
        expect.stringMatching(/operationId "Bad-Id" is not snake_case/),
        expect.stringMatching(/path parameter other is not declared/),
        expect.stringMatching(/operationId \w+ is also/),
      ]),
    );
    // And the official schema refuses what OpenAPI 3.1 does not allow.
    doc.paths['/dup'] = { get: { responses: { 200: { content: {} } } }, fetch: {} };
    expect(validate(doc)).toBe(false);
  });
});
