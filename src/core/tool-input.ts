import { z } from 'zod';
import { ToolInputError } from './input-error.js';
import { getOrSet } from './memo.js';

// A tool's arguments are parsed here, not by the SDK: the SDK's z.object drops an argument it does
// not know without a word, so a model that wrote `message` for `content` was told `content` is
// missing and never that its own name was wrong (issue #16). An unknown name is refused with the
// known name it most likely meant.

type Shape = z.ZodRawShape;

/**
 * Words models use for one another's field. A name is suggested from its group only when the tool
 * has exactly one field in that group, so `message` on ama2_send_message means `content`.
 */
const SYNONYMS: readonly (readonly string[])[] = [
  ['content', 'message', 'text', 'body', 'prompt', 'msg', 'input_text', 'user_message'],
  ['query', 'q', 'search', 'term', 'keyword', 'keywords', 'filter'],
  ['limit', 'max', 'max_results', 'page_size', 'per_page', 'count', 'size', 'top', 'n'],
  ['cursor', 'next_cursor', 'page_token', 'next_page_token', 'continuation'],
  ['params', 'parameters', 'args', 'arguments', 'input', 'inputs'],
];

/** camelCase and kebab-case to snake_case, lower case: `threadId` and `thread-id` are `thread_id`. */
function normalise(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-\s]+/g, '_')
    .toLowerCase();
}

/** Optimal string alignment distance: edits, with a swap of neighbours counted as one. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

const only = (names: readonly string[]): string | undefined => (names.length === 1 ? names[0] : undefined);

const MAX_NAME = 64;

/** A name a client sent, as an error quotes it: cut, since a client may send one of any length. */
export const shownName = (name: string): string => (name.length > 80 ? `${name.slice(0, 80)}...` : name);

/** The known name `name` most likely meant, or undefined when none is close enough to say. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  // No name here is long; the edit distance is quadratic in a name a client may make huge.
  if (name.length > MAX_NAME) return undefined;
  const wanted = normalise(name);
  const same = only(known.filter((k) => normalise(k) === wanted));
  if (same) return same;
  // A typo: at most one edit in three characters (none in a name shorter than four), one name closest.
  const scored = known.map((k) => ({ k, d: distance(wanted, normalise(k)) }));
  const best = Math.min(...scored.map((s) => s.d));
  if (wanted.length >= 4 && best <= Math.max(1, Math.floor(wanted.length / 3))) {
    const typo = only(scored.filter((s) => s.d === best).map((s) => s.k));
    if (typo) return typo;
  }
  const group = SYNONYMS.find((words) => words.includes(wanted));
  const synonym = group && only(known.filter((k) => group.includes(k)));
  if (synonym) return synonym;
  // A part of the name: `id` or `thread` for `thread_id`, when one field has it.
  return only(known.filter((k) => k.split('_').includes(wanted) || wanted.split('_').includes(k)));
}

/** One sentence per unknown argument: the name it most likely meant, or every name the tool takes. */
export function unknownFieldText(unknown: readonly string[], known: readonly string[]): string {
  return unknown
    .slice(0, 10)
    .map((given) => {
      const meant = closestName(given, known);
      const name = shownName(given);
      if (meant) return `unknown field "${name}"; did you mean "${meant}"?`;
      return known.length === 0
        ? `unknown field "${name}"; this tool takes no arguments.`
        : `unknown field "${name}"; the fields are ${known.join(', ')}.`;
    })
    .concat(unknown.length > 10 ? [`(and ${unknown.length - 10} more unknown fields)`] : [])
    .join(' ');
}

const schemas = new WeakMap<Shape, z.ZodObject<Shape>>();
const schemaOf = (shape: Shape) => getOrSet(schemas, shape, () => z.object(shape));

/** A zod issue as a model reads it: the field first, then what is wrong with it. */
function issueText(issue: z.core.$ZodIssue, args: Record<string, unknown>): string {
  const field = issue.path.map(String).join('.');
  const top = String(issue.path[0] ?? '');
  if (issue.path.length === 1 && issue.code === 'invalid_type' && !(top in args))
    return `${field} is required`;
  if (field === '' || issue.message.includes(top)) return issue.message;
  return `${field}: ${issue.message}`;
}

/**
 * `args` parsed by the tool's input shape, or a ToolInputError naming each unknown argument (with
 * the name it most likely meant) and each invalid one. A required field that a did-you-mean
 * already names is not reported twice.
 */
export function parseToolInput(shape: Shape, args: Record<string, unknown>): Record<string, unknown> {
  const unknown = Object.keys(args).filter((name) => !Object.hasOwn(shape, name));
  const parsed = schemaOf(shape).safeParse(args);
  if (parsed.success && unknown.length === 0) return parsed.data;
  const known = Object.keys(shape);
  const meant = new Set(unknown.map((name) => closestName(name, known)));
  const issues = parsed.success
    ? []
    : parsed.error.issues
        .filter(
          (issue) =>
            !(
              issue.path.length === 1 &&
              meant.has(String(issue.path[0])) &&
              !(String(issue.path[0]) in args)
            ),
        )
        .map((issue) => issueText(issue, args));
  const parts = [unknown.length > 0 ? unknownFieldText(unknown, known) : '', issues.join('; ')];
  throw new ToolInputError(parts.filter(Boolean).join(' '));
}
