import type { OpenApiDocument } from '../platform.js';
import { deref, type Schema } from './document.js';

// A value valid for a schema, generated from its examples or its types: the sandbox's answer to an
// operation no curated emulator models, and the catalog test's valid inputs. Stable for a seed.

/** A small deterministic generator (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from text (FNV-1a), e.g. the seed and an operation id. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const hex = (random: () => number, n: number) =>
  Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');

// Values that fit the patterns documents commonly use (names, slugs, phone numbers, codes).
const PATTERN_CANDIDATES = [
  'Sandbox',
  'sandbox',
  'sandbox-1',
  'sandbox_1',
  '+15555550100',
  'SANDBOX',
  'a',
  '1',
  'en',
  'en-US',
  'A1',
];

function stringFor(schema: Schema, random: () => number): string {
  switch (schema.format) {
    case 'uuid':
      return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-8${hex(random, 3)}-${hex(random, 12)}`;
    case 'date-time':
      return '2026-01-02T03:04:05Z';
    case 'date':
      return '2026-01-02';
    case 'time':
      return '03:04:05Z';
    case 'email':
      return 'sandbox@example.com';
    case 'uri':
    case 'url':
      return 'https://example.com/sandbox';
  }
  if (typeof schema.pattern === 'string') {
    const pattern = new RegExp(schema.pattern, 'u');
    const alternative = /^\^\(([\w -]+)\|/.exec(schema.pattern)?.[1];
    const fits = [...(alternative ? [alternative] : []), ...PATTERN_CANDIDATES].find((c) => pattern.test(c));
    if (fits) return fits;
  }
  const min = Number(schema.minLength ?? 1);
  const max = Number(schema.maxLength ?? 24);
  const text = `sbx${hex(random, 6)}`;
  return text.padEnd(min, 'x').slice(0, Math.max(min, Math.min(max, text.length)));
}

function numberFor(schema: Schema, integer: boolean): number {
  const lo = Number(
    schema.minimum ?? (schema.exclusiveMinimum !== undefined ? Number(schema.exclusiveMinimum) + 1 : 1),
  );
  const hi = Number(
    schema.maximum ?? (schema.exclusiveMaximum !== undefined ? Number(schema.exclusiveMaximum) - 1 : lo),
  );
  const value = Math.min(Math.max(lo, 1), hi);
  return integer ? Math.ceil(value) : value;
}

function exampleOf(schema: Schema): { value: unknown } | undefined {
  if ('const' in schema) return { value: schema.const };
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return { value: schema.enum[0] };
  if ('example' in schema) return { value: schema.example };
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return { value: schema.examples[0] };
  return undefined;
}

/** A oneOf branch's value names its branch when the union has a discriminator (else it may match several). */
function discriminated(schema: Schema, branch: Schema, value: unknown): unknown {
  const by = schema.discriminator as { propertyName?: string; mapping?: Record<string, string> } | undefined;
  if (!by?.propertyName || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const key = Object.entries(by.mapping ?? {}).find(([, ref]) => ref === branch.$ref)?.[0];
  const name = key ?? (typeof branch.$ref === 'string' ? branch.$ref.split('/').pop() : undefined);
  return name === undefined ? value : { ...value, [by.propertyName]: name };
}

interface Walk {
  doc: OpenApiDocument;
  random: () => number;
  depth: number;
  seen: string[];
  /** Only required properties (the smallest valid input). */
  minimal: boolean;
}

function objectFor(schema: Schema, walk: Walk): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (required.has(key) || (!walk.minimal && walk.depth < 4)) out[key] = sampleOf(value, walk);
  }
  return out;
}

function typeOf(schema: Schema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null') as string | undefined;
  if (typeof schema.type === 'string') return schema.type;
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  return undefined;
}

const names = (s: Schema, key: string) => (Array.isArray(s[key]) ? (s[key] as string[]) : []);

/**
 * `base` with `parts` added (allOf, or a union's chosen branch): their properties and required
 * lists joined, so `{required: [name], anyOf: [{required: [a]}, …]}` gives name and a. A part
 * already being expanded (a cycle) is left out; the names of the others join the walk's.
 */
function merged(base: Schema, parts: Schema[], walk: Walk): { schema: Schema; walk: Walk } {
  let schema = base;
  const seen = [...walk.seen];
  for (const raw of parts) {
    const { name, schema: part } = deref(walk.doc, raw);
    if (name && seen.includes(name)) continue;
    if (name) seen.push(name);
    const properties =
      schema.properties || part.properties
        ? { ...(schema.properties as object), ...(part.properties as object) }
        : undefined;
    const required = [...new Set([...names(schema, 'required'), ...names(part, 'required')])];
    schema = { ...schema, ...part, ...(properties ? { properties } : {}), required };
  }
  return { schema, walk: { ...walk, seen } };
}

/** A union's value: its branch alone, or the branch added to the schema around the union. */
function unionOf(schema: Schema, walk: Walk): unknown {
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[];
  const branch = branches.find((b) => deref(walk.doc, b).schema.type !== 'null') ?? branches[0] ?? {};
  const { anyOf: _any, oneOf: _one, discriminator: _by, ...base } = schema;
  if (typeOf(base) === undefined) return discriminated(schema, branch, sampleOf(branch, walk));
  const joined = merged(base, [branch], walk);
  // Exactly one branch of a oneOf may match: leave out what only the other branches require.
  const theirs = branches
    .filter((b) => b !== branch)
    .flatMap((b) => names(deref(walk.doc, b).schema, 'required'));
  const keep = new Set(names(joined.schema, 'required'));
  const properties = Object.fromEntries(
    Object.entries((joined.schema.properties ?? {}) as Record<string, Schema>).filter(
      ([key]) => !schema.oneOf || keep.has(key) || !theirs.includes(key),
    ),
  );
  const value = sampleOf({ ...joined.schema, properties }, joined.walk);
  return discriminated(schema, branch, value);
}

function sampleOf(raw: Schema, parent: Walk): unknown {
  const { name, schema } = deref(parent.doc, raw);
  if (name && parent.seen.includes(name)) return null;
  const walk = { ...parent, depth: parent.depth + 1, seen: name ? [...parent.seen, name] : parent.seen };
  const example = exampleOf(schema);
  if (example) return example.value;
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) return unionOf(schema, walk);
  if (Array.isArray(schema.allOf)) {
    const { allOf, ...base } = schema;
    const joined = merged(base, allOf as Schema[], walk);
    return sampleOf(joined.schema, joined.walk);
  }
  switch (typeOf(schema)) {
    case 'object':
      return objectFor(schema, walk);
    case 'array': {
      const count = Math.max(Number(schema.minItems ?? 0), walk.minimal ? 0 : 1);
      return Array.from({ length: count }, () => sampleOf((schema.items ?? {}) as Schema, walk));
    }
    case 'string':
      return stringFor(schema, walk.random);
    case 'integer':
      return numberFor(schema, true);
    case 'number':
      return numberFor(schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return walk.minimal ? {} : 'sandbox';
  }
}

/** A value of `schema` (refs within `doc`), the same for the same seed. */
export function sample(doc: OpenApiDocument, schema: Schema, seed: number, minimal = false): unknown {
  return sampleOf(schema, { doc, random: seeded(seed), depth: 0, seen: [], minimal });
}
