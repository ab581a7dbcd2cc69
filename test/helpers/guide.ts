import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';
import { cliEnv } from './cli.js';

// A newcomer's client on the sandbox (issue #16): it reads sandbox://guide and follows nothing else.
// The calls are parsed from the guide's text, and `"<name>"` arguments are filled from earlier
// results, as the guide says.

export interface GuideStep {
  tool: string;
  arguments: Record<string, unknown>;
}

export async function readGuide(client: Client): Promise<string> {
  const read = await client.readResource({ uri: 'sandbox://guide' });
  const content = read.contents[0];
  expect(content?.mimeType).toBe('text/markdown');
  return content && 'text' in content ? content.text : '';
}

/** The guide's sections: `## Title`, then numbered items "1. `tool` `{json}`: note". */
export function parseGuide(markdown: string): Map<string, GuideStep[]> {
  const sections = new Map<string, GuideStep[]>();
  let current: GuideStep[] | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading?.[1]) {
      current = [];
      sections.set(heading[1], current);
    }
    const call = /^\d+\. `([a-z0-9_]+)` `(\{.*\})`(?=: |$)/.exec(line);
    if (call?.[1] && call[2] && current) current.push({ tool: call[1], arguments: JSON.parse(call[2]) });
  }
  return sections;
}

/** `"<name>"` → the latest value of `name` in an earlier result. */
function fill(value: unknown, seen: Map<string, unknown>): unknown {
  if (typeof value === 'string') {
    const name = /^<([a-z_]+)>$/.exec(value)?.[1];
    if (!name) return value;
    expect(seen.has(name), `the guide uses <${name}> before any result had it`).toBe(true);
    return seen.get(name);
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, seen));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, seen)]));
  return value;
}

/** Runs a section's calls in order, each of which must succeed; returns their structured results. */
export async function followGuide(
  client: Client,
  steps: readonly GuideStep[],
): Promise<Array<Record<string, unknown>>> {
  const seen = new Map<string, unknown>();
  const results: Array<Record<string, unknown>> = [];
  for (const step of steps) {
    const args = fill(step.arguments, seen) as Record<string, unknown>;
    const result = (await client.callTool({ name: step.tool, arguments: args })) as CallToolResult;
    const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join(' ');
    expect(result.isError, `${step.tool} ${JSON.stringify(args)}: ${text}`).toBeFalsy();
    const out = (result.structuredContent ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(out)) if (typeof value !== 'object') seen.set(key, value);
    results.push(out);
  }
  return results;
}

type Results = Array<Record<string, unknown>>;

/** What "completed" means per platform, read from the results only. */
export const COMPLETED: Record<string, (results: Results) => void> = {
  /** Seeded threads listed, and a user answered every wait. */
  AMA2(results) {
    const listed = results.find((r) => Array.isArray(r.threads)) as { threads: unknown[] } | undefined;
    expect(listed?.threads.length).toBeGreaterThan(0);
    const waits = results.filter((r) => Array.isArray(r.events)) as Array<{
      events: Array<{ sender_id: string }>;
    }>;
    expect(waits.length).toBeGreaterThanOrEqual(1);
    for (const wait of waits) expect(wait.events.some((e) => e.sender_id.startsWith('user:'))).toBe(true);
  },
  /** Two turns with replies, then closed. */
  Amigo(results) {
    const turns = results.filter((r) => Array.isArray(r.replies)) as Array<{ replies: unknown[] }>;
    expect(turns.length).toBeGreaterThanOrEqual(2);
    for (const turn of turns) expect(turn.replies.length).toBeGreaterThan(0);
    expect(results.at(-1)).toMatchObject({ closed: true });
  },
  /** Every turn completed with a reply. */
  Atthene(results) {
    const turns = results.filter((r) => 'reply' in r);
    expect(turns.length).toBeGreaterThanOrEqual(1);
    for (const turn of turns) expect(turn).toMatchObject({ status: 'completed', reply: expect.any(String) });
  },
};

/** A stdio client of the given command, as a client config would launch it. */
export async function connectStdio(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<{ client: Client; stderr(): string }> {
  const transport = new StdioClientTransport({
    command,
    args,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: cliEnv({ LOG_LEVEL: 'warn', ...options.env }) as Record<string, string>,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'newcomer', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}
