import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample } from '../../src/core/catalog/sample.js';
import type { OpenApiDocument } from '../../src/core/platform.js';
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
