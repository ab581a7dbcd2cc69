import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../src/core/registry.js';
import { toolListEntry } from '../../src/core/tool-schema.js';

// What tools/list leaves out of a schema to stay within the context budget (issue #15), and what
// it must keep: the keywords are dropped by type, so a field that happens to be named like one
// (`pattern`, `maxLength`, `required`, `description`) is still listed.

const tool = defineTool({
  name: 'core_schema_probe',
  title: 'Schema probe',
  description: 'A tool whose fields are named like JSON Schema keywords.',
  platform: 'core',
  input: {
    pattern: z
      .string()
      .regex(/^[a-z]+$/)
      .max(50)
      .describe('A glob.'),
    maxLength: z.number().int().describe('A length.'),
    required: z.array(z.string()).describe('Names.'),
  },
  output: {
    description: z.string().describe('Written by someone.'),
    items: z.array(z.object({ id: z.string().describe('Id.') })).describe('Things.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run() {
    return { description: '', items: [] };
  },
});

describe('tools/list entry', () => {
  const entry = toolListEntry(tool);
  const input = entry.inputSchema as {
    properties: Record<string, Record<string, unknown>>;
    required: string[];
  };
  const output = entry.outputSchema as {
    properties: Record<string, Record<string, unknown>>;
    required: string[];
  };

  it('keeps fields named like keywords, and drops the keywords themselves', () => {
    expect(Object.keys(input.properties)).toEqual(['pattern', 'maxLength', 'required']);
    expect(input.required).toEqual(['pattern', 'maxLength', 'required']);
    expect(input.properties.pattern).toEqual({ type: 'string', description: 'A glob.' });
    expect(input.properties.maxLength).toEqual({ type: 'integer', description: 'A length.' });
    expect(Object.keys(output.properties)).toEqual(['description', 'items']);
    expect(output.required).toEqual(['description', 'items']);
  });

  it('output schemas carry types, not words or nested required lists', () => {
    expect(output.properties.description).toEqual({ type: 'string' });
    expect(output.properties.items).toEqual({
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'string' } } },
    });
  });

  it('a read-only tool lists readOnlyHint and openWorldHint only; the entry is built once', () => {
    expect(entry.annotations).toEqual({ readOnlyHint: true, openWorldHint: false });
    expect(toolListEntry(tool)).toBe(entry);
  });
});
