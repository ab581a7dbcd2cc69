// Where and why Python's json module refuses a body: FastAPI answers broken JSON with a 422 whose
// loc is ['body', position] and whose ctx.error is the decoder's message (apis/amigo.md §3). V8's
// messages and positions differ, so this walks the text as CPython's json scanner does (3.11).

export interface JsonSyntaxError {
  pos: number;
  msg: string;
}

class Refusal extends Error {
  constructor(
    readonly pos: number,
    readonly why: string,
  ) {
    super(why);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const LITERALS = ['null', 'true', 'false', 'NaN', 'Infinity', '-Infinity'];

function skip(s: string, i: number): number {
  while (i < s.length && ' \t\n\r'.includes(s[i]!)) i++;
  return i;
}

function string(s: string, start: number): number {
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') return i + 1;
    if (c.charCodeAt(0) < 0x20) throw new Refusal(i, 'Invalid control character at');
    if (c !== '\\') continue;
    const next = s[i + 1];
    if (next === undefined) break;
    if (next === 'u') {
      if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) throw new Refusal(i + 1, 'Invalid \\uXXXX escape');
      i += 5;
    } else if ('"\\/bfnrt'.includes(next)) i++;
    else throw new Refusal(i, 'Invalid \\escape');
  }
  throw new Refusal(start, 'Unterminated string starting at');
}

function value(s: string, i: number): number {
  const c = s[i];
  if (c === '"') return string(s, i);
  if (c === '{') return container(s, i, '}', true);
  if (c === '[') return container(s, i, ']', false);
  const literal = LITERALS.find((l) => s.startsWith(l, i));
  if (literal) return i + literal.length;
  NUMBER.lastIndex = i;
  if (NUMBER.test(s)) return NUMBER.lastIndex;
  throw new Refusal(i, 'Expecting value');
}

function container(s: string, open: number, close: string, isObject: boolean): number {
  let i = skip(s, open + 1);
  if (s[i] === close) return i + 1;
  for (;;) {
    if (isObject) {
      if (s[i] !== '"') throw new Refusal(i, 'Expecting property name enclosed in double quotes');
      i = skip(s, string(s, i));
      if (s[i] !== ':') throw new Refusal(i, "Expecting ':' delimiter");
      i = skip(s, i + 1);
    }
    i = skip(s, value(s, i));
    if (s[i] === close) return i + 1;
    if (s[i] !== ',') throw new Refusal(i, "Expecting ',' delimiter");
    i = skip(s, i + 1);
  }
}

/** The decoder's refusal of `text`, or undefined when Python would parse it. */
export function pythonJsonError(text: string): JsonSyntaxError | undefined {
  try {
    const end = skip(text, value(text, skip(text, 0)));
    return end === text.length ? undefined : { pos: end, msg: 'Extra data' };
  } catch (error) {
    if (error instanceof Refusal) return { pos: error.pos, msg: error.why };
    throw error;
  }
}
