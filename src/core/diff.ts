// A compact diff of two JSON values for a model to read after a change (issue #14 section 2): one
// line per changed leaf, `path: before -> after`, strings cut around their first difference, at
// most `max` lines with the total beside them. Lists of named objects (a context graph's states)
// are matched by name, lists of plain values as multisets, others by position.

export interface Diff {
  lines: string[];
  total: number;
}

type Json = Record<string, unknown>;
const TEXT = 60;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => sameJson(a[k], b[k]));
}

/** A value in one line: strings quoted and cut (from `from` on), others as short JSON. */
function show(value: unknown, from = 0): string {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const start = from > 24 ? from - 16 : 0;
  const cut = text.slice(start, start + TEXT);
  const body = `${start > 0 ? '…' : ''}${cut}${start + TEXT < text.length ? '…' : ''}`;
  return typeof value === 'string' ? JSON.stringify(body) : body;
}

function leaf(path: string, a: unknown, b: unknown, out: string[]): void {
  let from = 0;
  if (typeof a === 'string' && typeof b === 'string') while (a[from] === b[from]) from++;
  out.push(`${path || '(root)'}: ${show(a, from)} -> ${show(b, from)}`);
}

const named = (items: unknown[]): string[] | undefined => {
  const names = items.map((i) => (isObject(i) && typeof i.name === 'string' ? i.name : undefined));
  return names.every((n) => n !== undefined) && new Set(names).size === names.length
    ? (names as string[])
    : undefined;
};

function byName(path: string, a: Json[], b: Json[], out: string[]): boolean {
  const [na, nb] = [named(a), named(b)];
  if (!na || !nb) return false;
  for (const [i, name] of na.entries()) walk(`${path}[${name}]`, a[i], b[nb.indexOf(name)], out);
  for (const [i, name] of nb.entries())
    if (!na.includes(name)) walk(`${path}[${name}]`, undefined, b[i], out);
  const common = na.filter((n) => nb.includes(n));
  if (common.join('\n') !== nb.filter((n) => na.includes(n)).join('\n')) out.push(`${path}: order changed`);
  return true;
}

/** Positions of `xs` items with no equal item left in `ys` (each item of `ys` matches once). */
function unmatched(xs: unknown[], ys: unknown[]): number[] {
  const left: unknown[] = [...ys];
  return xs.flatMap((x, i) => {
    const at = left.indexOf(x);
    if (at < 0) return [i];
    left[at] = Symbol('matched');
    return [];
  });
}

function asMultiset(path: string, a: unknown[], b: unknown[], out: string[]): boolean {
  if (![...a, ...b].every((v) => v === null || typeof v !== 'object')) return false;
  const [removed, added] = [unmatched(a, b), unmatched(b, a)];
  for (const i of removed) out.push(`${path}[${i}]: ${show(a[i])} -> (none)`);
  for (const j of added) out.push(`${path}[${j}]: (none) -> ${show(b[j])}`);
  if (removed.length === 0 && added.length === 0) out.push(`${path}: order changed`);
  return true;
}

function walk(path: string, a: unknown, b: unknown, out: string[]): void {
  if (sameJson(a, b)) return;
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
      walk(path ? `${path}.${key}` : key, a[key], b[key], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (byName(path, a as Json[], b as Json[], out) || asMultiset(path, a, b, out)) return;
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(`${path}[${i}]`, a[i], b[i], out);
    return;
  }
  leaf(path, a, b, out);
}

/** What changed from `before` to `after`: at most `max` lines, and how many there are in all. */
export function diff(before: unknown, after: unknown, max = 20): Diff {
  const out: string[] = [];
  walk('', before, after, out);
  return { lines: out.slice(0, max), total: out.length };
}
