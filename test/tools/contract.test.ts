import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OFFLINE_CREDENTIALS } from '../../src/core/reference.js';
import type { ToolDefinition } from '../../src/core/registry.js';
import { ALL_TOOLS } from '../../src/platforms/index.js';
import { connectTestClient } from '../helpers/mcp.js';

// The whole tool contract, walked over the registry (STYLE.md rules 4-6).

const SRC = join(import.meta.dirname, '../../src');
// Core tools live in src/core/tools/, each platform's in src/platforms/<name>/tools/ (prefixed <name>_).
const TOOL_DIRS: Array<{ dir: string; prefix: string }> = [
  { dir: join(SRC, 'core/tools'), prefix: '' },
  // The operation catalog's four tools (issue #14): api_search_operations, api_describe_operation, api_read, api_write.
  { dir: join(SRC, 'core/catalog/tools'), prefix: 'api_' },
  ...readdirSync(join(SRC, 'platforms'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({ dir: join(SRC, 'platforms', d.name, 'tools'), prefix: `${d.name}_` })),
];
const NOT_TOOLS = new Set(['support.ts', 'index.ts']);

function toolFiles(): Array<{ file: string; expected: string }> {
  return TOOL_DIRS.flatMap(({ dir, prefix }) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !NOT_TOOLS.has(f))
      .map((f) => ({ file: join(dir, f), expected: `${prefix}${basename(f, '.ts').replaceAll('-', '_')}` })),
  );
}

// Input fields whose name (and schema) say all a model needs; any other needs a description.
// `limit` and `cursor` are the registry's paging pair (next_cursor in the result).
const SELF_EXPLANATORY = new Set(['limit', 'cursor', 'email', 'entity_id', 'is_active']);
const isEnum = (schema: z.ZodType): boolean =>
  (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { enum?: unknown }).enum !== undefined;

describe('tool contract', () => {
  it('every tool file default-exports a tool named after it, and every tool is registered', async () => {
    const files = toolFiles();
    const names: string[] = [];
    for (const { file, expected } of files) {
      const mod = (await import(file)) as { default: ToolDefinition };
      expect(mod.default.name, file).toBe(expected);
      names.push(expected);
    }
    expect(ALL_TOOLS.map((t) => t.name).sort()).toEqual(names.sort());
  });

  it.each(ALL_TOOLS.map((t) => [t.name, t] as const))(
    '%s is complete and safe to show a model',
    (name, tool) => {
      expect(name).toMatch(/^(platforms|api|ama2|amigo|atthene)_[a-z0-9]+(_[a-z0-9]+)*$/);
      expect(tool.platform === 'core' || name.startsWith(`${tool.platform}_`)).toBe(true);
      expect(tool.title.length).toBeGreaterThan(3);
      // Bounded both ways: every word is paid for in every conversation (issue #15's budget).
      expect(tool.description.length).toBeGreaterThanOrEqual(15);
      expect(tool.description.length).toBeLessThanOrEqual(300);
      const a = tool.annotations;
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
        expect(typeof a[hint], hint).toBe('boolean');
      }
      expect(a.readOnlyHint && a.destructiveHint).toBe(false);
      for (const [field, schema] of Object.entries(tool.input)) {
        if (SELF_EXPLANATORY.has(field) || isEnum(schema as z.ZodType)) continue;
        expect((schema as z.ZodType).description, `${name}.${field} needs .describe()`).toBeTruthy();
      }
      // Output words are not in tools/list, but docs/tools.md shows them.
      for (const [field, schema] of Object.entries(tool.output)) {
        expect((schema as z.ZodType).description, `${name}.${field} needs .describe()`).toBeTruthy();
      }
      const input = z.toJSONSchema(z.object(tool.input), { io: 'input' }) as Record<string, unknown>;
      expect(input.anyOf ?? input.oneOf ?? input.allOf, 'no top-level union in input').toBeUndefined();
    },
  );

  it('tools/list is deterministic and matches the committed snapshot of every tool', async () => {
    const conn = await connectTestClient({ credentials: OFFLINE_CREDENTIALS });
    try {
      const first = await conn.client.listTools();
      const second = await conn.client.listTools();
      expect(second).toEqual(first);
      const names = first.tools.map((t) => t.name);
      expect(names).toEqual([...names].sort());
      for (const tool of first.tools) {
        await expect(`${JSON.stringify(tool, null, 2)}\n`).toMatchFileSnapshot(
          `../__toolsnaps__/${tool.name}.snap.json`,
        );
      }
    } finally {
      await conn.close();
    }
  });
});
