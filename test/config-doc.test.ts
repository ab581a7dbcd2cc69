import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_VARS, FLAGS } from '../src/core/config.js';
import { CONFIG_BLOCK_END, CONFIG_BLOCK_START, renderConfigBlock } from '../src/core/config-doc.js';
import { PLATFORM_MODULES } from '../src/platforms/index.js';

// Issue #16 problem 7: the README's "every variable and flag" table missed --stateless and nine
// variables, and pointed at a design file not in the repository. The tables are now generated
// from the config schema; these tests fail when the README drifts from it or links nowhere.

const ROOT = join(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const README = read('README.md');
const DOCS = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'CHANGELOG.md', 'docs/ARCHITECTURE.md'];

describe('README configuration tables', () => {
  it('are the ones generated from the config schema (regenerate with `npm run docs`)', () => {
    const start = README.indexOf(CONFIG_BLOCK_START);
    const end = README.indexOf(CONFIG_BLOCK_END);
    expect(start, 'README.md has the config block markers').toBeGreaterThan(0);
    expect(README.slice(start, end + CONFIG_BLOCK_END.length)).toBe(renderConfigBlock());
  });

  it('name every flag and every variable, --stateless and the MCP_AUTH_* ones included', () => {
    const variables = [...PLATFORM_MODULES.flatMap((m) => Object.keys(m.env)), ...Object.keys(ENV_VARS)];
    for (const name of variables) expect(README).toContain(`| \`${name}\` |`);
    for (const name of Object.keys(FLAGS)) expect(README).toMatch(new RegExp(`\\| \`--${name}[ \`]`));
    for (const name of [
      '--stateless',
      'MCP_AUTH_ISSUER',
      'MCP_MAX_WATCHERS',
      'ATTHENE_EXECUTE_TIMEOUT_SECONDS',
    ])
      expect(README).toContain(`\`${name}`);
  });
});

describe('the project documents', () => {
  it('link only to files of the repository', () => {
    for (const doc of DOCS) {
      const links = [...read(doc).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]!);
      for (const link of links.filter((l) => !/^[a-z]+:/.test(l)))
        expect(existsSync(join(ROOT, dirname(doc), link)), `${doc} links to ${link}`).toBe(true);
    }
  });

  it('cite tests that exist, by file and by name', () => {
    for (const doc of ['README.md', 'SECURITY.md']) {
      const text = read(doc);
      for (const [, file] of text.matchAll(/`(test\/[\w/.-]+\.test\.ts)`/g))
        expect(existsSync(join(ROOT, file!)), `${doc} cites ${file}`).toBe(true);
    }
    // SECURITY.md names each test exactly: `file` "name".
    const cited = [...read('SECURITY.md').matchAll(/`(test\/[\w/.-]+\.test\.ts)` "([^"]+)"/g)];
    expect(cited.length).toBeGreaterThan(5);
    for (const [, file, name] of cited) expect(read(file!), `${file} has a test "${name}"`).toContain(name!);
  });

  it("the README's Sandbox section names what the sandbox guide names", async () => {
    const { startSandbox } = await import('../src/sandbox.js');
    const sandbox = await startSandbox();
    try {
      const section = README.slice(README.indexOf('## Sandbox'), README.indexOf('## Configuration'));
      const guide = sandbox.guides.flatMap((g) => g.guide.fixtures).join('\n');
      for (const name of [
        'Ada Sandbox',
        'Front Desk Chat',
        'Avery Example',
        'support_agent',
        'research_team',
      ]) {
        expect(guide).toContain(name);
        expect(section).toContain(name);
      }
      // The guide's first calls that need no earlier result are in the README as written.
      const firstCalls = sandbox.guides
        .flatMap((g) => g.guide.calls)
        .map((c) => JSON.stringify(c.arguments))
        .filter((args) => args !== '{}' && !args.includes('<'));
      expect(firstCalls.length).toBeGreaterThanOrEqual(3);
      for (const args of firstCalls) expect(section).toContain(args);
    } finally {
      await sandbox.close();
    }
  });

  it('the first screen gives the two commands, and both scripts exist', () => {
    const firstScreen = README.slice(0, README.indexOf('\n---\n'));
    expect(firstScreen).toContain('npm ci && npm run sandbox');
    expect(firstScreen).toContain('npm ci && npm test');
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(scripts.sandbox).toMatch(/npm run build && node dist\/cli\.js --sandbox --http/);
    expect(scripts.test).toMatch(/npm run build && vitest run/);
    expect(scripts.docs).toContain('scripts/gen-config-doc.mjs');
  });
});
