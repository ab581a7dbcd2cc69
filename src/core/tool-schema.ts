import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ToolDefinition } from './registry.js';

// The tools/list entry of a tool, as small as it can be while every field stays described: JSON
// Schema 2020-12 (the MCP default dialect, so no `$schema` on every schema), no restatement of
// defaults (`propertyNames: string`, `additionalProperties: {}`), and output objects left open so
// a client that caches the schema keeps working when a later version adds a field.

type Json = Record<string, unknown>;

function slim(node: unknown, output: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => slim(n, output));
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === '$schema') continue;
    if (
      key === 'propertyNames' &&
      (value as Json)?.type === 'string' &&
      Object.keys(value as Json).length === 1
    )
      continue;
    if (key === 'additionalProperties' && (output ? value === false : false)) continue;
    if (
      key === 'additionalProperties' &&
      value !== null &&
      typeof value === 'object' &&
      Object.keys(value as Json).length === 0
    )
      continue;
    out[key] = slim(value, output);
  }
  return out;
}

export function toolListEntry(tool: ToolDefinition): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: slim(z.toJSONSchema(z.object(tool.input), { io: 'input' }), false) as Tool['inputSchema'],
    outputSchema: slim(z.toJSONSchema(z.object(tool.output), { io: 'output' }), true) as Tool['outputSchema'],
    annotations: tool.annotations,
  };
}
