import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_HEADERS } from '../../src/core/config.js';
import { type PackageInfo, serverJson } from '../../src/packaging.js';
import { PLATFORM_MODULES } from '../../src/platforms/index.js';

// server.json describes the package to the MCP registry (2025-12-11 schema); it is generated from
// the variables the server reads, so this fails when a variable or the package changes without it.

const ROOT = join(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageInfo & {
  dependencies?: Record<string, string>;
};
const committed = JSON.parse(readFileSync(join(ROOT, 'server.json'), 'utf8')) as ReturnType<
  typeof serverJson
>;

describe('server.json', () => {
  it('is up to date (regenerate with `npm run server-json`)', () => {
    expect(committed).toEqual(serverJson(pkg));
  });

  it('names the npm package as published, under the mcpName npm checks', () => {
    expect(committed.name).toBe(pkg.mcpName);
    expect(committed.name).toMatch(/^io\.github\.[\w-]+\/[\w.-]+$/);
    expect(committed.description.length).toBeLessThanOrEqual(100);
    expect(committed.repository.url).toBe(pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, ''));
    const [npmEntry] = committed.packages;
    expect(npmEntry).toMatchObject({
      registryType: 'npm',
      identifier: pkg.name,
      version: pkg.version,
      transport: { type: 'stdio' },
    });
  });

  it('lists every platform variable, the credentials as secrets, and the sandbox switch', () => {
    const listed = new Map(committed.packages[0]!.environmentVariables.map((v) => [v.name, v]));
    for (const m of PLATFORM_MODULES)
      for (const [name, v] of Object.entries(m.env)) {
        expect(listed.get(name), name).toMatchObject({ description: v.describe, isRequired: false });
        expect(listed.get(name)?.isSecret, name).toBe(v.header !== undefined && !v.notSecret);
      }
    expect(listed.get('AMIGO_API_KEY')?.isSecret).toBe(true);
    expect(listed.get('AMIGO_WORKSPACE_ID')?.isSecret).toBe(false);
    expect(listed.get('MCP_SANDBOX')).toMatchObject({ format: 'boolean', isSecret: false });
  });

  it('describes the streamable HTTP remote with its bearer and per-session credential headers', () => {
    const [remote] = committed.remotes;
    expect(remote).toMatchObject({ type: 'streamable-http', url: 'https://{host}/mcp' });
    const headers = remote!.headers.map((h) => h.name);
    expect(headers).toEqual(['Authorization', ...Object.keys(CREDENTIAL_HEADERS)]);
    expect(remote!.headers.find((h) => h.name === 'Authorization')?.isSecret).toBe(true);
  });

  it('is published with no dependencies: everything is in the bundle', () => {
    expect(pkg.dependencies ?? {}).toEqual({});
  });
});
