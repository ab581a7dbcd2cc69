import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ama2 } from '../../src/platforms/ama2/index.js';
import { atthene } from '../../src/platforms/atthene/index.js';
import type { Sandbox } from '../../src/sandbox.js';
import { connectTestClient, sandboxCredentials, startTestSandbox } from '../helpers/mcp.js';
import { walkCatalog } from './walk.js';

// Issue #14: the AMA2 and Atthene documents are reachable through the catalog tools too, and the
// sandbox answers each operation, each authenticated as its document's `security` says (the
// sandbox refuses the wrong credential), with no known gaps.

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
    const emulator = sandbox.emulators[module.name];
    const failures = await walkCatalog(conn, module, emulator, sandbox[module.name]);
    await conn.close();
    expect(failures).toEqual([]);
  }, 120_000);
});
