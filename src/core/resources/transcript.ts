import { fenceUntrusted, inlineSafe, renderFenced } from '../untrusted.js';

export interface TranscriptLine {
  time?: string;
  speaker: string;
  text: string;
}

/**
 * A history as markdown, one line per message, newest kept when it does not fit in `maxChars`
 * (the head then says how many earlier messages were left out and which tool reads them).
 */
export function renderTranscript(
  title: string,
  lines: readonly TranscriptLine[],
  maxChars: number,
  olderHint: string,
): { markdown: string; kept: number } {
  const rendered = lines.map(
    (line) =>
      `- ${line.time ? `${inlineSafe(line.time, 40)} ` : ''}**${inlineSafe(line.speaker, 100)}**: ${fenceUntrusted(line.text.replace(/\r?\n/g, ' ⏎ '))}`,
  );
  const head = `# ${title}\n\n`;
  let size = head.length;
  let first = rendered.length;
  while (first > 0 && size + rendered[first - 1]!.length + 1 + 200 <= maxChars) {
    first--;
    size += rendered[first]!.length + 1;
  }
  const omitted =
    first > 0 ? `_${first} earlier message(s) left out to fit the size budget; ${olderHint}._\n\n` : '';
  const body = rendered.slice(first).join('\n');
  return { markdown: `${head}${omitted}${body || '_No messages yet._'}\n`, kept: rendered.length - first };
}

/** The newest items whose JSON fits in `budget` characters (at least one). */
export function newestWithin<T>(items: readonly T[], budget: number): T[] {
  let kept = [...items];
  while (kept.length > 1 && JSON.stringify(kept).length > budget)
    kept = kept.slice(Math.ceil(kept.length / 10));
  return kept;
}

/**
 * A history resource's two representations: the markdown transcript and the same history as JSON.
 * A client that attaches the resource shows a model both, so the JSON fences the values under the
 * `untrusted` keys as tool results do.
 */
export function historyContents(uri: URL, markdown: string, json: unknown, untrusted: readonly string[]) {
  return {
    contents: [
      { uri: uri.href, mimeType: 'text/markdown', text: markdown },
      { uri: uri.href, mimeType: 'application/json', text: renderFenced(json, new Set(untrusted)) },
    ],
  };
}
