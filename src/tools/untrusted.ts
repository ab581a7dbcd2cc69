import { randomBytes } from 'node:crypto';

// Message text from a platform was written by someone else's user or agent. In the text a model
// reads, it is fenced by a boundary no sender can guess (random per process) and stripped of
// characters that hide or reorder text; structuredContent keeps the original.
const BOUNDARY = randomBytes(6).toString('hex');
export const UNTRUSTED_OPEN = `<untrusted-${BOUNDARY}>`;
export const UNTRUSTED_CLOSE = `</untrusted-${BOUNDARY}>`;

// Zero-width, bidi embedding/override/isolate marks, soft hyphen, BOM, and C0/C1 controls except \t \n.
const HIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/g;

export function stripHidden(text: string): string {
  return text.replace(HIDDEN, '');
}

export function fenceUntrusted(text: string): string {
  return `${UNTRUSTED_OPEN}${stripHidden(text)}${UNTRUSTED_CLOSE}`;
}
