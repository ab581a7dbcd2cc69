import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ALL_TOOLS } from '../../src/platforms/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { connectTestClient, resultText, sandboxCredentials, type TestConnection } from '../helpers/mcp.js';

// 10,000 generated inputs across all tools, valid and invalid. No crash, no protocol error;
// invalid input gets a message naming the field and never reaches an emulator.

const TOTAL_CASES = 10_000;

let sandbox: Sandbox;
let conn: TestConnection;
beforeAll(async () => {
  sandbox = await startSandbox({ ama2ReplyDelayMs: 5, ama2RateLimits: false, attheneExecuteDelayMs: 1 });
  conn = await connectTestClient({ credentials: sandboxCredentials(sandbox) });
});
afterAll(async () => {
  await conn?.close();
  await sandbox?.close();
});

const requestCount = () => Object.values(sandbox.emulators).reduce((n, e) => n + e.received, 0);

const UUID = '0b7e2f0e-aaaa-4bbb-8ccc-000000000000';
// Values that are often valid for our fields, mixed with hostile and wrong-typed ones.
const value = fc.oneof(
  fc.constantFrom(
    UUID,
    'support_agent',
    'hello',
    'open',
    'invocation_only',
    'https://example.com/h',
    'user:abc',
    0,
    1,
    20,
    60,
    true,
  ),
  fc.string({ maxLength: 30 }),
  fc.integer({ min: -5, max: 200 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.constant(UUID)), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  fc.constantFrom('../x', 'a/b', 'x\r\ny', 'x'.repeat(6000)),
);

describe('fuzzing every tool from its input schema', () => {
  it(`${TOTAL_CASES} cases: no crash, no protocol error, invalid input named and never sent`, async () => {
    const perTool = Math.ceil(TOTAL_CASES / ALL_TOOLS.length);
    let cases = 0;
    let invalid = 0;
    for (const tool of ALL_TOOLS) {
      const schema = z.object(tool.input);
      const keys = Object.keys(tool.input);
      const args = fc.dictionary(fc.constantFrom(...(keys.length ? keys : ['unused'])), value, {
        maxKeys: keys.length + 1,
      });
      await fc.assert(
        fc.asyncProperty(args, async (input) => {
          cases++;
          const before = requestCount();
          // callTool throws on a protocol error, which fails the property.
          const result = await conn.call(tool.name, input);
          const parsed = schema.safeParse(input);
          if (parsed.success) {
            expect(
              result.isError === true
                ? resultText(result).length > 0
                : result.structuredContent !== undefined,
            ).toBe(true);
            return;
          }
          invalid++;
          expect(result.isError).toBe(true);
          const text = resultText(result);
          const fields = parsed.error.issues.map((issue) => String(issue.path[0] ?? ''));
          expect(
            fields.some((field) => field && text.includes(field)),
            `${tool.name}: ${text}`,
          ).toBe(true);
          expect(requestCount(), `${tool.name} sent a request for invalid input`).toBe(before);
        }),
        { numRuns: perTool, seed: 42 },
      );
    }
    expect(cases).toBeGreaterThanOrEqual(TOTAL_CASES);
    expect(invalid).toBeGreaterThan(TOTAL_CASES / 4);
    expect((await conn.call('platforms_status')).isError).toBeFalsy();
  }, 180_000);
});
