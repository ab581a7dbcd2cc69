import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rememberSecrets } from '../../src/core/client-secrets.js';
import { encodeCursor } from '../../src/core/cursor.js';
import { errorFromResponse } from '../../src/core/errors.js';
import { ToolInputError } from '../../src/core/input-error.js';
import { forgetSecret, registerSecret } from '../../src/core/log.js';
import { pageOutput } from '../../src/core/params.js';
import { type CallContext, defineTool, errorText, runTool, shapeResult } from '../../src/core/registry.js';
import { UNTRUSTED_OPEN } from '../../src/core/untrusted.js';
import { PLATFORM_MODULES } from '../../src/platforms/index.js';
import { connectTestClient, resultText } from '../helpers/mcp.js';

const items = Array.from({ length: 50 }, (_, i) => ({ id: `item-${i}`, text: 'x'.repeat(90), gone: null }));

const listTool = defineTool({
  name: 'ama2_list_things',
  title: 'List things',
  description: 'Lists things for a test.',
  platform: 'ama2',
  input: { cursor: z.string().optional().describe('cursor') },
  output: {
    things: z.array(z.object({ id: z.string(), text: z.string() })).describe('things'),
    ...pageOutput,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['text'],
  paginate: { items: 'things' },
  async run(_input, ctx) {
    // The whole list at once, no `next`: the registry cuts and resumes it.
    return { things: items.slice(ctx.page.state ?? 0) };
  },
});

function ctx(maxResultChars = 20_000): CallContext {
  return {
    clients: {},
    platforms: PLATFORM_MODULES,
    log: { debug() {}, info() {}, warn() {}, error() {} } as unknown as CallContext['log'],
    signal: new AbortController().signal,
    progress: async () => {},
    recent: undefined as unknown as CallContext['recent'],
    maxResultChars,
  };
}

describe('result shaping', () => {
  it('returns structuredContent and the same JSON as text, without nulls', async () => {
    const result = await runTool(listTool, {}, ctx());
    const structured = result.structuredContent as { things: Array<Record<string, unknown>> };
    expect(structured.things).toHaveLength(50);
    expect(structured.things[0]).not.toHaveProperty('gone');
    // The text is the same JSON, with platform-authored text fenced.
    const parsed = JSON.parse(resultText(result)) as { things: Array<{ text: string }> };
    expect(parsed.things[0]?.text.startsWith(UNTRUSTED_OPEN)).toBe(true);
    expect(structured.things[0]?.text).toBe('x'.repeat(90));
  });

  it('cuts an over-budget list at an item boundary with a cursor that resumes exactly after it', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const result = await runTool(listTool, cursor ? { cursor } : {}, ctx(2_000));
      expect(result.isError).toBeFalsy();
      expect(resultText(result).length).toBeLessThanOrEqual(2_000);
      const out = result.structuredContent as {
        things: Array<{ id: string }>;
        next_cursor?: string;
        truncated?: boolean;
      };
      seen.push(...out.things.map((t) => t.id));
      cursor = out.next_cursor;
      if (!cursor) break;
      expect(out.truncated).toBe(true);
    }
    expect(seen).toEqual(items.map((i) => i.id));
  });

  it('reports a result that cannot be cut instead of mangling it', () => {
    const tool = defineTool({ ...listTool, paginate: undefined } as typeof listTool);
    const result = shapeResult(tool, {}, { things: items }, 500);
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/over the 500-character budget/);
  });
});

describe('errors become results at one boundary', () => {
  const failing = (error: unknown) =>
    defineTool({
      ...listTool,
      notFoundHint: 'Use ama2_list_things to find ids.',
      run: async () => {
        throw error;
      },
    });

  it.each([
    [
      401,
      '{"code":"UNAUTHORIZED","message":"bad token"}',
      /401 auth \[UNAUTHORIZED\]: bad token.*check AMA2_TOKEN/,
    ],
    [403, '{"code":"FORBIDDEN","message":"plan"}', /403 permission.*not allowed/],
    [
      404,
      '{"code":"NOT_FOUND","message":"Thread not found"}',
      /404 not_found.*Use ama2_list_things to find ids\./,
    ],
    [409, '{"code":"CONFLICT","message":"busy"}', /409 conflict.*retry/],
    [
      422,
      '{"detail":[{"loc":["body","content"],"msg":"Field required","type":"missing"}]}',
      /body\.content: Field required.*Fix the input/,
    ],
    [500, 'Internal Server Error', /500 server.*retry in a few seconds/],
  ])(
    'status %i gives an isError result with a fitting hint and no structuredContent',
    async (status, body, pattern) => {
      const error = errorFromResponse({
        platform: 'ama2',
        status,
        headers: { 'x-request-id': 'req-42' },
        bodyText: body,
        method: 'GET',
        path: '/x',
      });
      const result = await runTool(failing(error), {}, ctx());
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(resultText(result)).toMatch(pattern);
      expect(resultText(result)).toContain('request id req-42');
    },
  );

  it('a 429 says when to retry', () => {
    const error = errorFromResponse({
      platform: 'amigo',
      status: 429,
      headers: { 'retry-after': '7' },
      bodyText: '{"detail":"slow down"}',
      method: 'GET',
      path: '/x',
    });
    expect(errorText(error)).toMatch(/retry after 7 s/);
    const windowed = errorFromResponse({
      platform: 'amigo',
      status: 429,
      headers: {
        'x-ratelimit-limit': '100',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 30),
      },
      bodyText: '{"detail":"slow down"}',
      method: 'GET',
      path: '/x',
    });
    expect(windowed.rateLimit).toMatchObject({ limit: 100, remaining: 0 });
    expect(errorText(windowed)).toMatch(
      /Rate limited \(limit 100 requests per window\): retry after (29|30|31) s/,
    );
  });

  it('tool input errors and unexpected failures are results, never protocol errors', async () => {
    const bad = await runTool(failing(new ToolInputError('give exactly one of a or b')), {}, ctx());
    expect(resultText(bad)).toBe('Invalid input for ama2_list_things: give exactly one of a or b');
    const bug = await runTool(failing(new TypeError('x is undefined')), {}, ctx());
    expect(bug.isError).toBe(true);
    expect(resultText(bug)).toMatch(/failed unexpectedly: x is undefined/);
  });

  it('a tampered cursor reaches the model as a clear input error over the protocol', async () => {
    const coreTool = defineTool({ ...listTool, platform: 'core' });
    const conn = await connectTestClient({ credentials: {}, tools: [coreTool] });
    try {
      const result = await conn.call('ama2_list_things', {
        cursor: `${encodeCursor('ama2_list_things', { offset: 1 })}x`,
      });
      expect(result.isError).toBe(true);
      expect(resultText(result)).toMatch(
        /cursor is not valid for ama2_list_things: pass next_cursor exactly/,
      );
    } finally {
      await conn.close();
    }
  });
});

describe('scrubbing a successful result (review of issue #12 D2)', () => {
  const TOKEN = `ama_eat_${'9f8e7d6c'.repeat(8)}`;
  const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
  const echoTool = defineTool({
    name: 'atthene_echo_config',
    title: 'Echo a config',
    description: 'Returns a config for a test.',
    platform: 'core',
    input: {},
    output: { config: z.record(z.string(), z.unknown()).describe('config') },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async run() {
      return {
        config: {
          prompt: `Use Bearer authentication; keys look like ama_eat_<hex>. Leaked: ${TOKEN} and ${JWT}.`,
          headers: { 'Bearer abcdefgh1': 'one', 'Bearer abcdefgh2': 'two' },
        },
      };
    },
  });

  it('redacts real tokens in values, leaves ordinary text and keys as written (two keys never merge)', async () => {
    const result = await runTool(echoTool, {}, ctx());
    const config = (result.structuredContent as { config: { prompt: string; headers: object } }).config;
    expect(config.prompt).toBe(
      'Use Bearer authentication; keys look like ama_eat_<hex>. Leaked: [redacted] and [redacted].',
    );
    expect(config.headers).toEqual({ 'Bearer abcdefgh1': 'one', 'Bearer abcdefgh2': 'two' });
  });

  // Each case alone: the check for a secret reads the result's JSON, where a token may follow the
  // `n` of an escaped newline and a secret may be written with escapes.
  it.each([
    ['a token after a newline, deep in arrays', [[`first line\n${TOKEN}`]], [['first line\n[redacted]']]],
    ['a JWT after a quote', { note: `"${JWT}"` }, { note: '"[redacted]"' }],
    ['a session secret that JSON escapes', `key sk"quoted\\key-123`, 'key [redacted]'],
  ])('finds %s', async (_case, value, expected) => {
    const deepTool = defineTool({ ...echoTool, run: async () => ({ config: { value } }) });
    const clients = { core: { credentials: { baseUrl: 'http://127.0.0.1:9' }, close: async () => {} } };
    rememberSecrets(clients, ['sk"quoted\\key-123']);
    const result = await runTool(deepTool, {}, { ...ctx(), clients });
    expect(result.structuredContent).toEqual({ config: { value: expected } });
    expect(resultText(result)).not.toMatch(/ama_eat_9|eyJhbGci|quoted/);
  });
});

describe('the secret check reads the shaped text (issue #15)', () => {
  const TOKEN = `ama_eat_${'0a1b2c3d'.repeat(8)}`;
  const annotations = {
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  };
  /** A core tool for these tests; `run` may return fields the output does not declare. */
  const testTool = (
    name: string,
    output: Record<string, z.ZodType>,
    run: () => unknown,
    more: {
      untrusted?: string[];
      links?: (o: Record<string, unknown>) => Array<{ uri: string; name: string }>;
    } = {},
  ) =>
    defineTool({
      name: `core_${name}_test`,
      title: name,
      description: 'Returns a value for a test.',
      platform: 'core',
      input: {},
      output,
      annotations,
      ...(more as object),
      run: async () => run() as never,
    });
  const noteTool = (note: string, links = false) =>
    testTool('note', { note: z.string().describe('note') }, () => ({ note, ref: TOKEN }), {
      untrusted: ['note'],
      ...(links ? { links: (o) => [{ uri: `test://refs/${o.ref}`, name: `ref ${o.ref}` }] } : {}),
    });
  /** A call context whose session has `secrets` of its own. */
  const withSecrets = (secrets: string[], maxResultChars = 20_000) => {
    const clients = { core: { credentials: { baseUrl: 'http://127.0.0.1:9' }, close: async () => {} } };
    rememberSecrets(clients, secrets);
    return { ...ctx(maxResultChars), clients };
  };

  it('a secret a fence changes (a hidden character inside it) is still scrubbed', async () => {
    // The fence drops the U+200B, so the text no longer holds the secret as written; the
    // structuredContent would, without the long way.
    const secret = 'key\u200bpart-123456';
    const result = await runTool(noteTool(`mine is ${secret}`), {}, withSecrets([secret]));
    expect(result.structuredContent).toEqual({ note: 'mine is [redacted]' });
    expect(JSON.stringify(result)).not.toContain('part-123456');
  });

  it('a token a hidden character splits is scrubbed from the text the fence joins it in', async () => {
    const split = `${TOKEN.slice(0, 12)}\u200b${TOKEN.slice(12)}`;
    const result = await runTool(noteTool(`see ${split}`), {}, ctx());
    expect(resultText(result)).toContain('see [redacted]');
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('a secret registered after earlier calls is looked for from the next call on', async () => {
    const late = 'late-registered-secret-42';
    const context = withSecrets(['session-secret-0001']);
    const call = () => runTool(noteTool(`value ${late}`), {}, context);
    expect(resultText(await call())).toContain(late);
    registerSecret(late);
    try {
      expect(resultText(await call())).not.toContain(late);
    } finally {
      forgetSecret(late);
    }
    expect(resultText(await call())).toContain(late);
  });

  it('a token only a resource link carries is scrubbed from the link', async () => {
    const result = await runTool(noteTool('plain', true), {}, ctx());
    expect(result.structuredContent).toEqual({ note: 'plain' });
    expect(result.content[1]).toMatchObject({ type: 'resource_link', uri: 'test://refs/[redacted]' });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('a secret a link URI-encodes is found in its encoded form', async () => {
    const key = 'Zm9v+YmFy/c2VjcmV0=';
    const tool = testTool('link', { id: z.string().describe('id') }, () => ({ id: 'a', ref: key }), {
      links: (o) => [{ uri: `test://r/${encodeURIComponent(String(o.ref))}`, name: 'r' }],
    });
    const result = await runTool(tool, {}, withSecrets([key]));
    expect(result.content[1]).toMatchObject({ uri: 'test://r/%5Bredacted%5D' });
    expect(JSON.stringify(result)).not.toContain(encodeURIComponent(key));
  });

  it('a "__proto__" key of platform data stays a key, in the text and in structuredContent, scrubbed', async () => {
    const tool = testTool('proto', { meta: z.record(z.string(), z.unknown()).describe('meta') }, () =>
      JSON.parse(`{"meta":{"__proto__":{"note":"${TOKEN}"},"kept":1}}`),
    );
    const result = await runTool(tool, {}, ctx());
    const meta = (result.structuredContent as { meta: Record<string, unknown> }).meta;
    expect(Object.getPrototypeOf(meta)).toBe(Object.prototype);
    expect(JSON.stringify(result.structuredContent)).toBe(
      '{"meta":{"__proto__":{"note":"[redacted]"},"kept":1}}',
    );
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it('the size budget applies to the scrubbed result, and a refusal shows no secret length', async () => {
    const key = 'sk-live-Abc123xyz789';
    const tool = testTool('budget', { note: z.string().describe('note') }, () => ({
      note: 'y'.repeat(40) + key.repeat(5),
    }));
    const result = await runTool(tool, {}, withSecrets([key], 110));
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ note: `${'y'.repeat(40)}${'[redacted]'.repeat(5)}` });
  });

  it('an undeclared field with a token never leaves, and the declared ones come back as they are', async () => {
    const result = await runTool(noteTool('plain <b>bold</b> & 50%'), {}, ctx());
    expect(result.structuredContent).toEqual({ note: 'plain <b>bold</b> & 50%' });
    expect(JSON.stringify(result)).not.toContain('ama_eat_');
  });
});

describe('structuredContent keeps what the output schema declares', () => {
  it('drops undeclared keys at any depth and nulls, keeps records and unknowns whole', async () => {
    const tool = defineTool({
      name: 'core_shape_test',
      title: 'Shape',
      description: 'Returns a shaped value for a test.',
      platform: 'core',
      input: {},
      output: {
        item: z.object({ id: z.string(), tags: z.array(z.object({ name: z.string() })).optional() }),
        extra: z.record(z.string(), z.object({ n: z.number() })),
        raw: z.unknown(),
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      async run() {
        return {
          item: { id: 'a', secret_field: 1, tags: [{ name: 'x', colour: 'red' }, null] },
          extra: { one: { n: 1, m: 2 }, two: null },
          raw: { kept: { deep: [1, null] }, gone: null },
          undeclared: 'dropped',
        } as never;
      },
    });
    const result = await runTool(tool, {}, ctx());
    expect(result.structuredContent).toEqual({
      item: { id: 'a', tags: [{ name: 'x' }, null] },
      extra: { one: { n: 1 } },
      raw: { kept: { deep: [1, null] } },
    });
    expect(JSON.parse(resultText(result))).toEqual(result.structuredContent);
  });
});
