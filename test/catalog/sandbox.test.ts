import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogOf, indexDocument } from '../../src/core/catalog/document.js';
import { sample } from '../../src/core/catalog/sample.js';
import type { OpenApiDocument } from '../../src/core/platform.js';
import { PLATFORM_MODULES } from '../../src/platforms/index.js';
import type { Sandbox } from '../../src/sandbox.js';
import { startTestSandbox } from '../helpers/mcp.js';

// Issue #14, "no operation of any document is a 404 in the sandbox": a curated route with a
// parameter does not swallow a literal path the document declares, and the generated inputs satisfy
// unions that add to the schema around them.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox?.close());

describe('sandbox route precedence', () => {
  it('Amigo /world/entities/duplicates is the document operation, not an entity id', async () => {
    const { baseUrl, apiKey, workspaceId } = sandbox.amigo;
    const headers = { authorization: `Bearer ${apiKey}` };
    const response = await fetch(`${baseUrl}/v1/${workspaceId}/world/entities/duplicates?limit=5`, {
      headers,
    });
    expect(response.status).toBe(200);
    // Its parameters are the document's: an out-of-range limit is FastAPI's 422, not a 404.
    const invalid = await fetch(`${baseUrl}/v1/${workspaceId}/world/entities/duplicates?limit=0`, {
      headers,
    });
    expect(invalid.status).toBe(422);
  });

  it('Atthene DELETE /sessions/from-agent/?agent_key= is answered, not taken for a session id', async () => {
    const response = await fetch(`${sandbox.atthene.baseUrl}/sessions/from-agent/?agent_key=support_agent`, {
      method: 'DELETE',
      headers: { 'x-api-key': sandbox.atthene.apiKey },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ deleted: expect.any(Number) });
  });
});

describe('sample generator', () => {
  const doc: OpenApiDocument = { openapi: '3.1.0', info: { title: 't', version: '1' }, paths: {} };
  const base = {
    type: 'object',
    properties: { name: { type: 'string', minLength: 1 }, a: { type: 'string' }, b: { type: 'integer' } },
    required: ['name'],
    additionalProperties: false,
  };
  const cases = {
    anyOf: { ...base, anyOf: [{ required: ['a'] }, { required: ['b'] }] },
    oneOf: { ...base, oneOf: [{ required: ['b'] }, { required: ['a'] }] },
    allOf: { ...base, allOf: [{ required: ['a'] }] },
  };
  it.each(Object.entries(cases))('a %s around an object gives a valid value', (_kind, schema) => {
    const validate = new Ajv2020({ strict: false }).compile(schema);
    for (const minimal of [true, false]) {
      const value = sample(doc, schema, 7, minimal);
      expect(validate(value), `${JSON.stringify(value)} ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});

describe('what the catalog reads of a document', () => {
  it('x-read-only makes a POST a read; x-destructive and a destroying verb make a write destructive', () => {
    const ok = { responses: { '200': { description: 'ok' } } };
    const doc: OpenApiDocument = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {
        '/check': { post: { operationId: 'check_thing', 'x-read-only': true, ...ok } },
        '/reset': { post: { operationId: 'reset_thing', 'x-destructive': true, ...ok } },
        '/revoke': { post: { operationId: 'revoke_token', ...ok } },
        '/make': { post: { operationId: 'make_thing', ...ok } },
      },
    };
    const ops = Object.fromEntries(indexDocument('t', doc).operations.map((o) => [o.id, o]));
    expect(ops.check_thing).toMatchObject({ readOnly: true, destructive: false });
    expect(ops.reset_thing).toMatchObject({ readOnly: false, destructive: true });
    expect(ops.revoke_token).toMatchObject({ destructive: true });
    expect(ops.make_thing).toMatchObject({ readOnly: false, destructive: false });
  });

  it("each module's stream handlers and security schemes name its document's streams and schemes", async () => {
    for (const module of PLATFORM_MODULES) {
      const catalog = await catalogOf(module);
      if (!catalog) continue;
      const streams = catalog.operations.filter((o) => o.streaming).map((o) => o.id);
      for (const id of Object.keys(module.streamedBy ?? {})) expect(streams).toContain(id);
      const schemes = Object.keys(catalog.document.components?.securitySchemes ?? {});
      for (const name of Object.keys(module.securitySchemes ?? {})) expect(schemes).toContain(name);
    }
  });
});
