import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// `npm run demo` (issue #14: "create an agent version and test the service with it") against the
// built CLI on its sandbox: it runs to the end and shows each workflow's result.

const DEMO = fileURLToPath(new URL('../../scripts/demo.mjs', import.meta.url));

describe('npm run demo', () => {
  it('creates an agent version, pins it in a version set and tests the service with it', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [DEMO], { timeout: 60_000 });
    expect(stdout).toMatch(/version\s+(\d+) \(from (\d+)\)/);
    const [, version, previous] = stdout.match(/version\s+(\d+) \(from (\d+)\)/) ?? [];
    expect(Number(version)).toBe(Number(previous) + 1);
    expect(stdout).toContain(`version_sets.release: (none) -> {"agent_version_number":${version}}`);
    expect(stdout).toMatch(/scores\s+.*score=\d+ .*amigo:\/\/simulations\/[0-9a-f-]{36}/);
  }, 90_000);
});
