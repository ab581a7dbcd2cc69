import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/core/emulator/emulator.js';
import { AMIGO_SANDBOX_API_KEY } from '../../src/platforms/amigo/emulator/credentials.js';
import { createAmigoEmulator } from '../../src/platforms/amigo/emulator/index.js';
import { pythonJsonError } from '../../src/platforms/amigo/emulator/json-error.js';
import { check } from '../../src/platforms/amigo/emulator/validate.js';

// The Amigo emulator refuses bad requests as the platform (FastAPI/pydantic, apis/amigo.md §1, §3)
// does. Each case's `expected` is what real FastAPI answered for the same request, with the
// operations modelled from the document (test/amigo/fastapi-oracle.py wrote them).

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  contentType?: string;
  expected: { status: number; json: unknown };
}
const CASES = JSON.parse(readFileSync(join(import.meta.dirname, 'strict-cases.json'), 'utf8')) as Case[];

let emulator: Emulator;
let origin: string;
beforeAll(async () => {
  emulator = createAmigoEmulator({ turnDelayMs: 1 }).emulator;
  origin = await emulator.listen();
});
afterAll(() => emulator?.close());

async function send(c: Pick<Case, 'method' | 'path' | 'body' | 'contentType'>) {
  const headers: Record<string, string> = { authorization: `Bearer ${AMIGO_SANDBOX_API_KEY}` };
  let body: string | undefined;
  if ('body' in c) {
    body = typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
    headers['content-type'] = c.contentType ?? 'application/json';
  }
  const res = await fetch(`${origin}${c.path}`, { method: c.method, headers, body });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : null };
}

describe('the Amigo emulator answers bad requests as FastAPI does', () => {
  it.each(CASES.filter((c) => c.expected.status === 422))('$name', async (c) => {
    expect(await send(c)).toEqual(c.expected);
  });

  // FastAPI ignores undeclared fields (the `... ignored` cases); the sandbox refuses them on purpose.
  const ignoredByPlatform = (c: Case) => c.expected.status !== 422 && /ignored/.test(c.name);
  it.each(CASES.filter((c) => c.expected.status !== 422 && !ignoredByPlatform(c)))(
    '$name: not refused',
    async (c) => {
      expect((await send(c)).status).not.toBe(422);
    },
  );

  it.each(CASES.filter(ignoredByPlatform))('$name by the platform; the sandbox refuses it', async (c) => {
    const res = await send(c);
    expect(res.status).toBe(422);
    expect((res.json as { detail: Array<{ type: string }> }).detail.map((d) => d.type)).toEqual(
      expect.arrayContaining(['extra_forbidden']),
    );
  });

  it('names every unknown field, query and body, as pydantic names a forbidden extra', async () => {
    const res = await send({
      method: 'POST',
      path: `/v1/5a4d0b0c-0000-4000-8000-000000000001/world/entities/resolve?trace=1`,
      body: { entity_type: 'patient', phone: '+15550100000', mrn: 'MRN-1000' },
    });
    expect(res).toEqual({
      status: 422,
      json: {
        detail: [
          {
            type: 'extra_forbidden',
            loc: ['query', 'trace'],
            msg: 'Extra inputs are not permitted',
            input: null,
          },
          {
            type: 'extra_forbidden',
            loc: ['body', 'mrn'],
            msg: 'Extra inputs are not permitted',
            input: null,
          },
        ],
      },
    });
  });

  it('coerced values reach the handler: "5" is a limit, a braced uppercase UUID finds the service', async () => {
    const ws = '/v1/5a4d0b0c-0000-4000-8000-000000000001';
    const agents = await send({ method: 'GET', path: `${ws}/agents?limit=%205%20&continuation_token=1.0` });
    expect(agents.json).toMatchObject({ continuation_token: 6, has_more: true });
    expect((agents.json as { items: unknown[] }).items).toHaveLength(5);
    const created = await send({
      method: 'POST',
      path: `${ws}/conversations`,
      body: { service_id: '{5A4D0B0C-0002-4000-8000-000000000001}', auto_greet: 'no' },
    });
    expect(created).toMatchObject({
      status: 201,
      json: { service_id: '5a4d0b0c-0002-4000-8000-000000000001', turns: [] },
    });
  });
});

describe('a schema that forbids extra fields (additionalProperties: false)', () => {
  it('refuses each unknown field as pydantic does (extra_forbidden)', () => {
    // FastAPI documents a model with extra="forbid" this way, e.g. RegisteredFunction in the
    // platform's document; the words are pydantic's (checked with pydantic 2.13).
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
      additionalProperties: false,
    };
    expect(check(schema, { name: 'a', foo: 1, bar: [2] }, ['body']).errors).toEqual([
      { type: 'extra_forbidden', loc: ['body', 'foo'], msg: 'Extra inputs are not permitted', input: 1 },
      { type: 'extra_forbidden', loc: ['body', 'bar'], msg: 'Extra inputs are not permitted', input: [2] },
    ]);
  });
});

// What CPython 3.11's json.loads raised for each text (JSONDecodeError pos and msg).
const PYTHON_JSON_ERRORS: Array<[string, { pos: number; msg: string } | undefined]> = [
  ['{"service_id": }', { pos: 15, msg: 'Expecting value' }],
  ['{bad', { pos: 1, msg: 'Expecting property name enclosed in double quotes' }],
  ['', { pos: 0, msg: 'Expecting value' }],
  ['  ', { pos: 2, msg: 'Expecting value' }],
  ['{"a":1,}', { pos: 7, msg: 'Expecting property name enclosed in double quotes' }],
  ['[1,]', { pos: 3, msg: 'Expecting value' }],
  ['[1 2]', { pos: 3, msg: "Expecting ',' delimiter" }],
  ['{"a" 1}', { pos: 5, msg: "Expecting ':' delimiter" }],
  ['{"a":1 "b":2}', { pos: 7, msg: "Expecting ',' delimiter" }],
  ['"abc', { pos: 0, msg: 'Unterminated string starting at' }],
  ['{"a":"x\\qy"}', { pos: 7, msg: 'Invalid \\escape' }],
  ['{"a":"\\u12g4"}', { pos: 7, msg: 'Invalid \\uXXXX escape' }],
  ['{"a":"x\ny"}', { pos: 7, msg: 'Invalid control character at' }],
  ['{"a":1} x', { pos: 8, msg: 'Extra data' }],
  ['nul', { pos: 0, msg: 'Expecting value' }],
  ['[', { pos: 1, msg: 'Expecting value' }],
  ['{', { pos: 1, msg: 'Expecting property name enclosed in double quotes' }],
  ['{"a":', { pos: 5, msg: 'Expecting value' }],
  ['-', { pos: 0, msg: 'Expecting value' }],
  ['01', { pos: 1, msg: 'Extra data' }],
  ['1.', { pos: 1, msg: 'Extra data' }],
  ['{"a":[1,{"b":tru}]}', { pos: 13, msg: 'Expecting value' }],
  ['"\\', { pos: 0, msg: 'Unterminated string starting at' }],
  ['[1,2', { pos: 4, msg: "Expecting ',' delimiter" }],
  ['{"\u00e9":1,}', { pos: 7, msg: 'Expecting property name enclosed in double quotes' }],
];

describe('broken JSON bodies', () => {
  it.each(PYTHON_JSON_ERRORS)('%j: where and why Python refuses it', (text, expected) => {
    expect(pythonJsonError(text)).toEqual(expected);
  });
});

describe('the vendored request side', () => {
  it('is the request side of the vendored subset (both written by scripts/extract-amigo-openapi.mjs)', async () => {
    const vendor = join(import.meta.dirname, '../../src/platforms/amigo');
    const read = (name: string) => JSON.parse(readFileSync(join(vendor, name), 'utf8')) as unknown;
    const script: string = join(import.meta.dirname, '../../scripts/extract-amigo-openapi.mjs');
    const { requestSide } = (await import(script)) as { requestSide: (document: unknown) => unknown };
    expect(read('openapi.requests.json')).toEqual(requestSide(read('openapi.subset.json')));
  });
});
