import { randomBytes } from 'node:crypto';
import { setOwn } from './set-own.js';

// Message text from a platform was written by someone else's user or agent. In the text a model
// reads, it is fenced by a boundary no sender can guess (random per process) and stripped of
// characters that hide or reorder text; structuredContent keeps the original.
//
// The boundary is shown in every result, so a sender who saw one result could close the fence from
// inside a later one. A fresh boundary per result would only stop exact copies: a model reading
// `</untrusted-0000>` may still take it for the end of the fence. So inside fenced text every tag
// that looks like a fence's loses its opening bracket, and the boundary itself is replaced, since a
// sender can only have copied it. "Looks like" is decided on a skeleton of the text (see skeleton())
// so look-alike letters, brackets and escapes cannot spell a tag the check does not see.
const BOUNDARY = randomBytes(6).toString('hex');
export const UNTRUSTED_OPEN = `<untrusted-${BOUNDARY}>`;
export const UNTRUSTED_CLOSE = `</untrusted-${BOUNDARY}>`;
const BOUNDARY_SHOWN = '[boundary]';

// Characters with no glyph of their own (Unicode Default_Ignorable_Code_Point: zero-width, bidi
// controls, soft hyphen, BOM, variation selectors, tag characters, Hangul fillers), interlinear
// annotation marks, and C0/C1 controls except \t \n.
const HIDDEN_CLASS =
  '[\\p{Default_Ignorable_Code_Point}\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F\\u180E\\uFFF9-\\uFFFB]';
const HIDDEN = new RegExp(HIDDEN_CLASS, 'gu');
const HIDDEN_ONE = new RegExp(HIDDEN_CLASS, 'u');
const MARK = /\p{M}/u;

// Characters a model may read as the ASCII one on the left, beyond what NFKD already folds
// (fullwidth, mathematical, circled, superscript forms): Cyrillic, Greek, Armenian and small-capital
// letters of "untrusted" and of hex digits, the confusables of < > / \ - (Unicode confusables.txt),
// and angle brackets and quotes.
const LOOKALIKE_SOURCES: Record<string, string> = {
  a: 'аɑα',
  b: 'ьβ',
  c: 'сϲᴄ',
  d: 'ԁᴅ',
  e: 'еҽεᴇ',
  i: 'іι',
  l: 'ӏ',
  n: 'ոռпνηɴ',
  o: 'оοօ',
  r: 'гᴦʀⲅ',
  s: 'ѕꜱƽ',
  t: 'тτᴛ',
  u: 'υսᴜʋ',
  x: 'хχ',
  '<': '‹〈⟨《«ᐸ˂ᚲ❮❬❰⧼⦉⦑⦓⟪⋖⊲≺˱𝈶',
  '>': '›〉⟩》»ᐳ˃❯❭❱⧽⦊⦒⦔⟫⋗⊳≻˲',
  '/': '⁄∕╱⧸〳',
  '\\': '∖⧵⧹',
  '-': '‐‑‒–—―−˗⁃',
  ' ': '⏎',
};
const LOOKALIKE = new Map<string, string>(
  Object.entries(LOOKALIKE_SOURCES).flatMap(([ascii, forms]) => [...forms].map((f) => [f, ascii] as const)),
);

// Spellings of <, / and > a renderer or a model may decode: HTML entities, JSON, JS and URL escapes.
const OPENER = String.raw`<|&(?:lt|lang|lsaquo|laquo);?|&#0*60;?|&#x0*3c;?|\\u\{0*3c\}|\\u0*3c|\\x3c|%3c`;
const SLASH = String.raw`&sol;?|&#0*47;?|&#x0*2f;?|\\u0*2f|\\x2f|%2f|[\s/\\]`;
const CLOSER = String.raw`>|&(?:gt|rang|rsaquo|raquo);?|&#0*62;?|&#x0*3e;?|\\u\{0*3e\}|\\u0*3e|\\x3e|%3e`;
// A tag: opener, up to 16 spaces or slashes, `untrusted`, then `>` or `-` and a boundary-ish suffix,
// so `« untrusted source »` and `a < untrusted_count` stay as they are. Every quantifier is bounded
// or follows a fixed prefix, so the scan is linear in the text.
const FENCE_TAG = new RegExp(
  `(${OPENER})(?:${SLASH}){0,16}untrusted(?=\\s{0,16}(?:-?(?:${CLOSER})|-[\\p{L}\\p{N}]))`,
  'giu',
);
// This process's boundary in the skeleton, where 0 and 1 may also be written o, l or i.
const OWN_BOUNDARY = new RegExp(
  [...BOUNDARY].map((c) => (c === '0' ? '[0o]' : c === '1' ? '[1il]' : c)).join(''),
  'gi',
);

const PLAIN_ASCII = /^[\t\n\x20-\x7e]*$/;

/**
 * Text folded for matching only, and where it came from: from skeleton unit `skel[k]` on, units map
 * one to one onto the source from `src[k]`, or, when `span[k]` is not 0, all onto the one source
 * character of `span[k]` units at `src[k]` that expanded to them.
 */
interface Skeleton {
  text: string;
  skel: number[];
  src: number[];
  span: number[];
}

/** One code point as a model may read it (compatibility form, no marks, Latin look-alike), or null if unchanged. */
function foldOne(code: number): string | null {
  const ch = String.fromCodePoint(code);
  let out = '';
  if (!HIDDEN_ONE.test(ch)) {
    for (const c of ch.normalize('NFKD').toLowerCase()) if (!MARK.test(c)) out += LOOKALIKE.get(c) ?? c;
  }
  return out === ch ? null : out;
}

// Folding one character costs a normalize() call, too slow for a megabyte of text, and a cache per
// character grows with the text. So folds are computed for a block of 256 code points at first use
// and kept for the changed characters only: memory is bounded by what Unicode changes, and time by
// one pass over each block a text touches.
const BLOCKS = new Map<number, Map<number, string> | null>();

function foldBlock(block: number): Map<number, string> | null {
  // Planes 3 to 13 hold only CJK ideographs and unassigned code points, 15 and 16 private use.
  if ((block >= 0x300 && block < 0xe00) || block >= 0xf00) return null;
  const table = new Map<number, string>();
  for (let code = block << 8; code < (block + 1) << 8; code++) {
    const folded = foldOne(code);
    if (folded !== null) table.set(code, folded);
  }
  return table.size > 0 ? table : null;
}

function fold(code: number): string | null {
  const block = code >> 8;
  let table = BLOCKS.get(block);
  if (table === undefined) {
    table = foldBlock(block);
    BLOCKS.set(block, table);
  }
  return table?.get(code) ?? null;
}

/** Printable ASCII, \t and \n: the same in the skeleton (the patterns ignore case). */
const isPlain = (code: number) => (code >= 0x20 && code < 0x7f) || code === 0x09 || code === 0x0a;

function segment(sk: Skeleton, skel: number, src: number, span: number): void {
  sk.skel.push(skel);
  sk.src.push(src);
  sk.span.push(span);
}

function skeleton(text: string): Skeleton {
  const sk: Skeleton = { text, skel: [0], src: [0], span: [0] };
  if (PLAIN_ASCII.test(text)) return sk;
  const parts: string[] = [];
  let run = 0;
  let length = 0;
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i) ?? 0;
    const width = code > 0xffff ? 2 : 1;
    const folded = isPlain(code) ? null : fold(code);
    if (folded !== null) {
      parts.push(text.slice(run, i), folded);
      const at = length + i - run;
      length = at + folded.length;
      run = i + width;
      // A change of length moves the mapping; a same-length change keeps it one to one.
      if (folded.length !== width) {
        if (folded.length > 0) segment(sk, at, i, width);
        segment(sk, length, run, 0);
      }
    }
    i += width;
  }
  parts.push(text.slice(run));
  sk.text = parts.join('');
  return sk;
}

/** The source range of skeleton unit `unit`. */
function locate(sk: Skeleton, unit: number): { start: number; end: number } {
  let lo = 0;
  let hi = sk.skel.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((sk.skel[mid] ?? 0) <= unit) lo = mid;
    else hi = mid - 1;
  }
  const src = sk.src[lo] ?? 0;
  const span = sk.span[lo] ?? 0;
  if (span > 0) return { start: src, end: src + span };
  const start = src + unit - (sk.skel[lo] ?? 0);
  return { start, end: start + 1 };
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Replaces `length` skeleton units at `index` by `text`, as the source characters they came from. */
function edit(sk: Skeleton, index: number, length: number, text: string): Edit {
  return { start: locate(sk, index).start, end: locate(sk, index + length - 1).end, text };
}

// In printable ASCII a tag needs `<` or an escape's first character; without one, only this
// process's boundary can be there (a plain search, no skeleton).
const TAG_START = /[^\t\n\x20-\x3b\x3d-\x7e]|[&%\\]/;
// OWN_BOUNDARY for a yes or no: test() on a global pattern would move the lastIndex matchAll starts at.
const OWN_BOUNDARY_ANY = new RegExp(OWN_BOUNDARY.source, 'i');

function fenceEdits(source: string): Edit[] {
  if (!TAG_START.test(source) && !OWN_BOUNDARY_ANY.test(source)) return [];
  const sk = skeleton(source);
  const edits: Edit[] = [];
  for (const m of sk.text.matchAll(FENCE_TAG)) edits.push(edit(sk, m.index, m[1]?.length ?? 1, '['));
  for (const m of sk.text.matchAll(OWN_BOUNDARY)) edits.push(edit(sk, m.index, m[0].length, BOUNDARY_SHOWN));
  return edits.sort((a, b) => a.start - b.start);
}

export function stripHidden(text: string): string {
  // Printable ASCII has nothing hidden; the Unicode-property scan is the costly part of a fence.
  return PLAIN_ASCII.test(text) ? text : text.replace(HIDDEN, '');
}

/**
 * Turns every fence-like tag into plain text (`</untrusted-x>` becomes `[/untrusted-x>`) and this
 * process's boundary into `[boundary]`; all other text is left as it is.
 */
export function neutraliseFenceTags(text: string): string {
  let out = '';
  let at = 0;
  for (const { start, end, text: replacement } of fenceEdits(text)) {
    if (start < at) continue;
    out += text.slice(at, start) + replacement;
    at = end;
  }
  return at === 0 ? text : out + text.slice(at);
}

export function fenceUntrusted(text: string): string {
  return `${UNTRUSTED_OPEN}${fenceSafe(text)}${UNTRUSTED_CLOSE}`;
}

/** `text` as it may stand inside a fence: itself when quiet, else without hidden characters or fence tags. */
function fenceSafe(text: string): string {
  return quiet(text) ? text : neutraliseFenceTags(stripHidden(text));
}

// Printable ASCII without the characters a fence tag starts with (TAG_START): nothing hidden to
// strip and no tag to neutralise, unless the text holds this process's boundary.
const QUIET = /^[\t\n\x20-\x24\x27-\x3b\x3d-\x5b\x5d-\x7e]*$/;
const quiet = (text: string) => QUIET.test(text) && !OWN_BOUNDARY_ANY.test(text);

/**
 * Platform text shown outside a fence (a speaker label, a resource title): one line, no hidden
 * characters, no fence tags, so it cannot open or close a fence or start a line of its own.
 */
export function inlineSafe(text: string, max = 200): string {
  return neutraliseFenceTags(stripHidden(text.replace(/\s+/g, ' '))).slice(0, max);
}

/**
 * JSON text of `value` with every value under an `untrusted` key fenced: a string as itself, an
 * object or array as its JSON in one fence (one fence per subtree keeps results compact, and keys
 * inside a config or a search answer are platform-written too).
 */
export function renderFenced(value: unknown, untrusted: ReadonlySet<string>): string {
  return renderFencedText(value, untrusted).text;
}

/**
 * renderFenced, and whether a fence changed any untrusted text on its way in (dropped a hidden
 * character, neutralised a fence-like tag): when it did not, every string of `value` is in the
 * text as JSON writes it, so the text can be searched for secrets in its place (registry.ts).
 */
export function renderFencedText(
  value: unknown,
  untrusted: ReadonlySet<string>,
): { text: string; changed: boolean } {
  if (untrusted.size === 0) return { text: JSON.stringify(value), changed: false };
  // A copy with the fences in, then the native stringify: a replacer is a call from C++ into JS
  // for every key of the result (issue #15).
  const seen = { changed: false };
  const text = JSON.stringify(fencedCopy(value, untrusted, seen));
  return { text, changed: seen.changed };
}

function fencedCopy(value: unknown, untrusted: ReadonlySet<string>, seen: { changed: boolean }): unknown {
  if (Array.isArray(value)) return value.map((item) => fencedCopy(item, untrusted, seen));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const inner = (value as Record<string, unknown>)[key];
    if (!untrusted.has(key) || inner === null || inner === undefined)
      setOwn(out, key, fencedCopy(inner, untrusted, seen));
    else if (typeof inner === 'string') setOwn(out, key, fenced(inner, seen));
    else if (typeof inner === 'object') setOwn(out, key, fenced(JSON.stringify(inner), seen));
    else setOwn(out, key, inner);
  }
  return out;
}

/** fenceUntrusted, noting in `seen` when the text itself had to change. */
function fenced(text: string, seen: { changed: boolean }): string {
  const safe = fenceSafe(text);
  // Both return their argument itself when nothing changes, so the comparison is of one string.
  if (safe !== text) seen.changed = true;
  return `${UNTRUSTED_OPEN}${safe}${UNTRUSTED_CLOSE}`;
}
