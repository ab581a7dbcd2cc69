import type { EmulatorRequest, EmulatorResponse, Fallback } from '../emulator/emulator.js';
import { requirementsOf, schemeHeader } from './auth.js';
import type { Catalog, CatalogOperation, Parameter, Schema } from './document.js';
import { deref } from './document.js';
import { sample, seedOf } from './sample.js';
import { checkerOf, type Violation } from './validate.js';

// The sandbox answers every operation of a document (issue #14): what no curated emulator route
// models is validated against the document (the platform's own 4xx shape) and answered with a body
// generated from the success response's schema and examples, the same for the same seed.

export interface ResponderOptions {
  /** The path prefix of the sandbox's base URL (e.g. /api/v1), stripped before matching. */
  prefix?: string;
  seed?: number;
  /** The platform's answer to an invalid request (default 400 with the violations). */
  invalid?: (violations: Violation[]) => EmulatorResponse;
  /** The sandbox's secret of each security scheme, and the platform's answer to a wrong one. */
  security?: { values: Record<string, string>; refuse: (req: EmulatorRequest) => EmulatorResponse };
}

/**
 * Whether the request carries a credential the operation's `security` accepts; requirements naming
 * a scheme the sandbox has no secret for are not checked (the emulator's own authentication holds).
 */
function authorized(
  catalog: Catalog,
  op: CatalogOperation,
  req: EmulatorRequest,
  values: Record<string, string>,
) {
  const requirements = requirementsOf(catalog.document, op);
  const known = requirements.filter((r) => Object.keys(r).every((s) => values[s] !== undefined));
  if (known.length === 0 || requirements.some((r) => Object.keys(r).length === 0)) return true;
  return known.some((r) =>
    Object.keys(r).every((scheme) =>
      Object.entries(schemeHeader(catalog.document, scheme, values[scheme] ?? '')).every(
        ([name, value]) => req.headers[name] === value,
      ),
    ),
  );
}

interface Matcher {
  op: CatalogOperation;
  segments: string[];
  literals: number;
}

function matchersOf(catalog: Catalog): Matcher[] {
  return catalog.operations
    .map((op) => {
      const segments = op.path.split('/').slice(1);
      return { op, segments, literals: segments.filter((s) => !s.startsWith('{')).length };
    })
    .sort((a, b) => b.literals - a.literals);
}

function match(matchers: Matcher[], method: string, path: string) {
  const actual = path.split('/').slice(1);
  for (const m of matchers) {
    if (m.op.method !== method || m.segments.length !== actual.length) continue;
    const params: Record<string, string> = {};
    const ok = m.segments.every((part, i) => {
      const value = actual[i] ?? '';
      if (!part.startsWith('{')) return part === value;
      params[part.slice(1, -1)] = value;
      return value !== '';
    });
    if (ok) return { op: m.op, params, segments: m.segments };
  }
  return undefined;
}

/** A query or path string as the parameter's type reads it (`5` an integer, `true` a boolean). */
function coerce(catalog: Catalog, p: Parameter, values: string[]): unknown {
  const schema = deref(catalog.document, p.schema ?? {}).schema;
  const types = [
    schema.type,
    ...((schema.anyOf ?? []) as Schema[]).map((s) => deref(catalog.document, s).schema.type),
  ];
  const one = (v: string): unknown => {
    if (
      (types.includes('integer') || types.includes('number')) &&
      v.trim() !== '' &&
      !Number.isNaN(Number(v))
    )
      return Number(v);
    if (types.includes('boolean') && (v === 'true' || v === 'false')) return v === 'true';
    return v;
  };
  return types.includes('array') ? values.map(one) : one(values.at(-1) ?? '');
}

function inputOf(catalog: Catalog, op: CatalogOperation, req: EmulatorRequest, path: Record<string, string>) {
  const params: Record<string, unknown> = {};
  for (const p of op.parameters) {
    const values =
      p.in === 'path'
        ? [path[p.name] ?? '']
        : p.in === 'query'
          ? req.query.getAll(p.name)
          : [req.headers[p.name.toLowerCase()]].filter((v): v is string => typeof v === 'string');
    if (values.length > 0) params[p.name] = coerce(catalog, p, values);
  }
  // Multipart and other non-JSON bodies are taken as they come: only JSON is checked.
  const json = op.body?.contentType.includes('json');
  return { params, ...(json && req.json !== undefined ? { body: req.json } : {}) };
}

function answer(catalog: Catalog, op: CatalogOperation, seed: number): EmulatorResponse {
  const [status, response] = Object.entries(op.responses).find(([code]) => code.startsWith('2')) ?? [
    '200',
    {},
  ];
  const code = Number(status) || 200;
  const [type, media] = Object.entries(response.content ?? {})[0] ?? [];
  if (!media || code === 204) return { status: code, text: '' };
  const example = media.example ?? Object.values(media.examples ?? {})[0]?.value;
  const body = example ?? sample(catalog.document, media.schema ?? {}, seedOf(`${seed}:${op.id}`));
  if (type?.includes('json')) return { status: code, json: body };
  return {
    status: code,
    text: typeof body === 'string' ? body : 'sandbox',
    headers: { 'content-type': type ?? 'text/plain' },
  };
}

/** The emulator fallback for one document. */
export async function specResponder(catalog: Catalog, options: ResponderOptions = {}): Promise<Fallback> {
  const check = await checkerOf(catalog);
  const matchers = matchersOf(catalog);
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  const invalid =
    options.invalid ??
    ((found: Violation[]) => ({
      status: 400,
      json: { detail: found.map((v) => `${v.loc.join('.')}: ${v.msg}`) },
    }));
  const find = (method: string, full: string) => {
    const path = prefix && full.startsWith(prefix) ? full.slice(prefix.length) : full;
    return match(matchers, method, path) ?? match(matchers, method, full);
  };
  const fallback: Fallback = (req) => {
    const found = find(req.method, req.path);
    if (!found) return undefined;
    const { op } = found;
    const security = options.security;
    if (security && !authorized(catalog, op, req, security.values)) return security.refuse(req);
    const checked = op.body?.contentType.includes('json') ? op : { ...op, body: undefined };
    const problems = check(checked, {}, inputOf(catalog, op, req, found.params));
    return problems.length > 0 ? invalid(problems) : answer(catalog, found.op, options.seed ?? 1);
  };
  fallback.declared = (method, path) => find(method, path)?.segments;
  fallback.isPublic = (req) => {
    const op = find(req.method, req.path)?.op;
    const declared = op && (op.security ?? (catalog.document.security as CatalogOperation['security']));
    return (
      Array.isArray(declared) && (declared.length === 0 || declared.some((r) => Object.keys(r).length === 0))
    );
  };

  return fallback;
}
