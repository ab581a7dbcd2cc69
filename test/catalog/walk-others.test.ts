import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogOf } from '../../src/core/catalog/document.js';
import { sample } from '../../src/core/catalog/sample.js';
import { paramsSchema } from '../../src/core/catalog/schema.js';
import { ama2 } from '../../src/platforms/ama2/index.js';
import { atthene } from '../../src/platforms/atthene/index.js';
import type { Sandbox } from '../../src/sandbox.js';
import { connectTestClient, resultText, sandboxCredentials, startTestSandbox } from '../helpers/mcp.js';

// Issue #14: the AMA2 and Atthene documents are reachable through the catalog tools too, and the
// sandbox answers each operation. Known gaps, left for the next step of #14:
const KNOWN_GAPS = new Set([
  // The catalog sends the agent token; the document's security says this one takes the user JWT.
  'list_threads',
  // The document has agent_key in the query; the curated emulator refuses it there.
  'delete_sessions_from_agent',
  // The sample generator does not satisfy this body's anyOf of required fields.
  'create_knowledge_base',
]);

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox?.close());

describe.each([ama2, atthene])('operation catalog ($name)', (module) => {
  it('every operation: describe works, a valid call is answered, an invalid one never leaves', async () => {
    const conn = await connectTestClient({
      credentials: sandboxCredentials(sandbox, [module.name]),
      toolsets: [module.name],
    });
    const catalog = (await catalogOf(module))!;
    const emulator = sandbox.emulators[module.name];
    const credentials = sandbox[module.name];
    const failures: string[] = [];
    for (const [i, op] of catalog.operations.entries()) {
      if (KNOWN_GAPS.has(op.id)) continue;
      const described = await conn.call('api_describe_operation', {
        platform: module.name,
        operation_id: op.id,
      });
      if (described.isError) failures.push(`${op.id} describe: ${resultText(described)}`);
      const tool = op.readOnly ? 'api_read' : 'api_write';
      const params = sample(catalog.document, paramsSchema(op, credentials), i, true) as Record<
        string,
        unknown
      >;
      const body = op.body ? { body: sample(catalog.document, op.body.schema, i, true) } : {};
      const args = {
        platform: module.name,
        operation_id: op.id,
        params,
        ...body,
        ...(op.readOnly ? {} : { confirm_destructive: true }),
      };
      const before = emulator.received;
      const result = await conn.call(tool, args);
      if (op.streaming) continue;
      const status = emulator.requests.at(-1)?.response?.status;
      if (emulator.received === before || (result.isError && status !== 404))
        failures.push(`${op.id} valid call (${status}): ${resultText(result).slice(0, 300)}`);
      const sent = emulator.received;
      const invalid = await conn.call(tool, { ...args, params: { ...params, not_a_parameter: 1 } });
      if (!invalid.isError || emulator.received !== sent)
        failures.push(`${op.id} invalid call: ${resultText(invalid).slice(0, 200)}`);
    }
    await conn.close();
    expect(failures).toEqual([]);
  }, 120_000);
});
