import type { GuideCall, SandboxGuide } from './platform.js';
import type { ResourceDefinition } from './resources/define.js';

// sandbox://guide (issue #16): what the sandbox is seeded with and a first conversation per
// platform, so a newcomer finishes one through MCP alone. Each platform's sandbox part brings its
// own section (SandboxPart.guide); this file only assembles them and never names a platform.

export const SANDBOX_GUIDE_URI = 'sandbox://guide';

/** One platform's part of the guide, as the sandbox started it. */
export interface GuideSection {
  platform: string;
  title: string;
  guide: SandboxGuide;
}

/** A suggested call as one markdown list item: the tool and its arguments as compact JSON, in code spans. */
export function renderCall(call: GuideCall, index: number): string {
  return `${index + 1}. \`${call.tool}\` \`${JSON.stringify(call.arguments)}\`${call.note ? `: ${call.note}` : ''}`;
}

/** A blank line after a list, so the sentence that follows is not read as part of its last item. */
function paragraphs(lines: readonly string[]): string[] {
  return lines.flatMap((line, i) =>
    i > 0 && lines[i - 1]?.startsWith('- ') && !line.startsWith('- ') ? ['', line] : [line],
  );
}

/** The guide of the platforms a session offers (its --toolsets, configured), as markdown. */
export function renderGuide(sections: readonly GuideSection[], readOnly: boolean): string {
  const intro = [
    '# Sandbox guide',
    '',
    `This server runs on its built-in sandbox: local emulators of ${sections.map((s) => s.title).join(', ') || 'no platform'} on 127.0.0.1, seeded with fictional data. Nothing leaves this machine and no key is needed.`,
    '',
    'Each platform below lists what it is seeded with, then calls that work as written, in order. An argument written `"<name>"` stands for the `name` field of an earlier call\'s result in the same list.',
    ...(readOnly
      ? ['', 'This session is read-only (--read-only): calls that change something are not offered.']
      : []),
  ];
  const parts = sections.map(({ title, guide }) =>
    [
      `## ${title}`,
      '',
      ...paragraphs(guide.fixtures),
      '',
      'First calls:',
      '',
      ...guide.calls.map(renderCall),
    ].join('\n'),
  );
  return `${[intro.join('\n'), ...parts].join('\n\n')}\n`;
}

/** The guide as a static markdown resource (listed in resources/list), of no platform. */
export function sandboxGuideResource(
  sections: readonly GuideSection[],
  readOnly: boolean,
): ResourceDefinition {
  const text = renderGuide(sections, readOnly);
  return {
    name: 'sandbox_guide',
    uriTemplate: SANDBOX_GUIDE_URI,
    platform: 'core',
    title: 'Sandbox guide',
    description:
      'The sandbox only: its seeded users, services, entities and agents by id, and a first call per platform that works as written.',
    mimeType: 'text/markdown',
    read: async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/markdown', text }] }),
  };
}
