import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { getOrSet } from './memo.js';
import type { ToolDefinition } from './registry.js';

// The tools/list entry of a tool, as small as it can be (issue #15's context budget) while every
// input field stays described: JSON Schema 2020-12 (the MCP default dialect, so no `$schema` on
// every schema), no restatement of defaults (`propertyNames: string`, `additionalProperties: {}`),
// output schemas for validation only, and output objects left open so a client that caches the
// schema keeps working when a later version adds a field.

type Json = Record<string, unknown>;

/**
 * Whether a schema keyword is left out of the list. Every test checks the value's type too: the
 * same loop walks `properties` maps, where a field may be named `pattern` or `required`.
 */
function dropped(key: string, value: unknown, output: boolean, depth: number): boolean {
  if (key === '$schema') return true;
  if (output) {
    // Which fields a result always has matters at its top; inside items and nested objects it is
    // detail no client acts on (the server validated the result against the full schema).
    if (key === 'required' && Array.isArray(value)) return depth > 0;
    // An output schema is for validation: a client's model reads the result, not these words
    // (docs/tools.md keeps them, from outputDocSchema).
    if (key === 'description' && typeof value === 'string') return true;
    if (key === 'additionalProperties' && value === false) return true;
  } else {
    // String length caps the server enforces anyway (its refusal names the field and the bound):
    // "not empty" and sanity maxima cost a model tokens on every turn and rarely matter.
    if (key === 'minLength' && value === 1) return true;
    if (key === 'maxLength' && typeof value === 'number') return true;
    // Id and key patterns guard the request path, not the model's choice: the value comes from
    // another tool, and a refusal names the format (like uuidParam's refinement). zod's email()
    // pattern would say `format: email` again in 150 characters.
    if (key === 'pattern' && typeof value === 'string') return true;
  }
  // zod's int() bounds: JSON numbers past 2^53 are not integers a client could send anyway.
  if ((key === 'minimum' || key === 'maximum') && Math.abs(value as number) === Number.MAX_SAFE_INTEGER)
    return true;
  const object = value !== null && typeof value === 'object' ? (value as Json) : undefined;
  if (key === 'propertyNames' && object?.type === 'string' && Object.keys(object).length === 1) return true;
  return key === 'additionalProperties' && object !== undefined && Object.keys(object).length === 0;
}

function slim(node: unknown, output: boolean, depth = 0): unknown {
  if (Array.isArray(node)) return node.map((n) => slim(n, output, depth));
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (dropped(key, value, output, depth)) continue;
    out[key] = slim(value, output, depth + 1);
  }
  return out;
}

/** The output schema with its descriptions, for docs/tools.md (tools/list leaves them out). */
export function outputDocSchema(tool: ToolDefinition): Tool['outputSchema'] {
  return slim(z.toJSONSchema(z.object(tool.output), { io: 'output' }), false) as Tool['outputSchema'];
}

/**
 * Every definition states all four hints (the type requires it); the list leaves out the two the
 * MCP spec calls meaningful only when readOnlyHint is false. A client reading them as absent
 * (falsy) still gets the right answer for a read-only tool: not destructive.
 */
function listedAnnotations(a: ToolDefinition['annotations']): Tool['annotations'] {
  if (!a.readOnlyHint) return a;
  return { readOnlyHint: true, openWorldHint: a.openWorldHint };
}

// One entry per tool definition for the whole process: sessions share it (issue #15: building it
// per session cost ~9 ms of CPU and its own copy of every schema).
const entries = new WeakMap<ToolDefinition, Tool>();

export function toolListEntry(tool: ToolDefinition): Tool {
  return getOrSet(entries, tool, () => buildEntry(tool));
}

function buildEntry(tool: ToolDefinition): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: slim(z.toJSONSchema(z.object(tool.input), { io: 'input' }), false) as Tool['inputSchema'],
    outputSchema: slim(z.toJSONSchema(z.object(tool.output), { io: 'output' }), true) as Tool['outputSchema'],
    annotations: listedAnnotations(tool.annotations),
  };
}
