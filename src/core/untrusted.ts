import { randomBytes } from 'node:crypto';

// Message text from a platform was written by someone else's user or agent. In the text a model
// reads, it is fenced by a boundary no sender can guess (random per process) and stripped of
// characters that hide or reorder text; structuredContent keeps the original.
//
// The boundary is shown in every result, so a sender who saw one result could close the fence from
// inside a later one. A fresh boundary per result would only stop exact copies: a model reading
// `</untrusted-0000>` may still take it for the end of the fence. So every tag that looks like a
// fence's (any boundary, open or close, any case, spaced, HTML- or JSON-escaped, or spelt in
// look-alike characters) loses its `<` inside fenced text, and the boundary can stay per process.
const BOUNDARY = randomBytes(6).toString('hex');
export const UNTRUSTED_OPEN = `<untrusted-${BOUNDARY}>`;
export const UNTRUSTED_CLOSE = `</untrusted-${BOUNDARY}>`;

// Zero-width, bidi embedding/override/isolate marks, soft hyphen, BOM, and C0/C1 controls except \t \n.
const HIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/g;

// What opens a tag: `<`, its entity and escape spellings, and angle-like brackets a model may read
// as one; fullwidth and small forms fold to `<` under NFKC (see neutraliseFenceTags).
const FENCE_TAG = /(<|&lt;?|&#0*60;?|&#x0*3c;?|\\u003c|\\x3c|%3c|[‹〈〈⟨《«])(\s*\/?\s*untrusted)/gi;

export function stripHidden(text: string): string {
  return text.replace(HIDDEN, '');
}

/** Turns every fence-like tag into plain text: `</untrusted-x>` becomes `[/untrusted-x>`. */
export function neutraliseFenceTags(text: string): string {
  const plain = text.replace(FENCE_TAG, '[$2');
  const folded = plain.normalize('NFKC');
  // A tag in compatibility characters (＜／ｕｎｔｒｕｓｔｅｄ) reads like one to a model: fold that text.
  return folded.search(FENCE_TAG) === -1 ? plain : folded.replace(FENCE_TAG, '[$2');
}

export function fenceUntrusted(text: string): string {
  return `${UNTRUSTED_OPEN}${neutraliseFenceTags(stripHidden(text))}${UNTRUSTED_CLOSE}`;
}

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
  if (untrusted.size === 0) return JSON.stringify(value);
  return JSON.stringify(value, (key, inner: unknown) => {
    if (!untrusted.has(key) || inner === null || inner === undefined) return inner;
    if (typeof inner === 'string') return fenceUntrusted(inner);
    if (typeof inner === 'object') return fenceUntrusted(JSON.stringify(inner));
    return inner;
  });
}
