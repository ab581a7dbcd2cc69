import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cliEnv } from '../helpers/cli.js';

// Issue #16, "done when": a newcomer on the sandbox finishes an AMA2 thread conversation, an Amigo
// conversation and an Atthene session knowing only what MCP shows. This client reads
// sandbox://guide and follows nothing else: the calls are parsed from its text, and `"<name>"`
// arguments are filled from earlier results, as the guide says.

interface Connection {
  client: Client;
  stderr(): string;
}

async function connect(args: string[], env: Record<string, string> = {}): Promise<Connection> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, ...args],
    env: cliEnv({ LOG_LEVEL: 'warn', ...env }) as Record<string, string>,
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

async function readGuide(client: Client): Promise<string> {
  const read = await client.readResource({ uri: 'sandbox://guide' });
  const content = read.contents[0];
  expect(content?.mimeType).toBe('text/markdown');
  return content && 'text' in content ? content.text : '';
}

interface Step {
  tool: string;
  arguments: Record<string, unknown>;
}

/** The guide's sections: `## Title`, then numbered items "1. `tool` `{json}`: note". */
function parseGuide(markdown: string): Map<string, Step[]> {
  const sections = new Map<string, Step[]>();
  let current: Step[] | undefined;
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

/** Runs a section's calls in order; returns each call's structured result. */
async function follow(client: Client, steps: readonly Step[]): Promise<Array<Record<string, unknown>>> {
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

describe('sandbox://guide on the built CLI (issue #16)', () => {
  let conn: Connection;
  let guide: string;
  let sections: Map<string, Step[]>;

  beforeAll(async () => {
    conn = await connect(['--sandbox']);
    guide = await readGuide(conn.client);
    sections = parseGuide(guide);
  }, 30_000);
  afterAll(async () => {
    await conn?.client.close();
  });

  it('is listed as markdown, named by the instructions and by platforms_status', async () => {
    const { resources } = await conn.client.listResources();
    expect(resources.find((r) => r.uri === 'sandbox://guide')).toMatchObject({ mimeType: 'text/markdown' });
    expect(conn.client.getInstructions()).toMatch(/read the resource sandbox:\/\/guide first/);
    const status = (await conn.client.callTool({
      name: 'platforms_status',
      arguments: {},
    })) as CallToolResult;
    expect(status.structuredContent).toMatchObject({ guide: 'sandbox://guide' });
    expect([...sections.keys()]).toEqual(['AMA2', 'Amigo', 'Atthene']);
  });

  it('names the seeded AMA2 users, Amigo services, agents and entities, and Atthene agents', () => {
    for (const name of [
      'Ada Sandbox',
      'Grace Sandbox',
      'Linus Sandbox',
      '7a1c0d2e-0000-4000-8000-00000000a001',
    ])
      expect(guide).toContain(name);
    for (const name of ['Front Desk Chat', 'Maple Reception Agent', 'Avery Example (patient)'])
      expect(guide).toContain(name);
    for (const name of ['`support_agent` Support Agent', '`research_team` Research Team'])
      expect(guide).toContain(name);
  });

  it('following the AMA2 calls lists seeded threads and gets a user to answer the agent twice', async () => {
    const results = await follow(conn.client, sections.get('AMA2') ?? []);
    expect(results.length).toBeGreaterThanOrEqual(3);
    const listed = results.find((r) => Array.isArray(r.threads)) as { threads: unknown[] } | undefined;
    expect(listed?.threads.length).toBeGreaterThan(0);
    const waits = results.filter((r) => Array.isArray(r.events)) as Array<{
      events: Array<{ sender_id: string; content: string }>;
    }>;
    expect(waits.length).toBeGreaterThanOrEqual(1);
    for (const wait of waits) expect(wait.events.some((e) => e.sender_id.startsWith('user:'))).toBe(true);
  }, 60_000);

  it('following the Amigo calls holds a conversation with replies and closes it', async () => {
    const results = await follow(conn.client, sections.get('Amigo') ?? []);
    const turns = results.filter((r) => Array.isArray(r.replies)) as Array<{ replies: unknown[] }>;
    expect(turns.length).toBeGreaterThanOrEqual(2);
    for (const turn of turns) expect(turn.replies.length).toBeGreaterThan(0);
    expect(results.at(-1)).toMatchObject({ closed: true });
  }, 60_000);

  it('following the Atthene calls runs a session whose turns get replies', async () => {
    const results = await follow(conn.client, sections.get('Atthene') ?? []);
    const turns = results.filter((r) => 'reply' in r);
    expect(turns.length).toBeGreaterThanOrEqual(1);
    for (const turn of turns) expect(turn).toMatchObject({ status: 'completed', reply: expect.any(String) });
  }, 60_000);
});

describe('sandbox://guide follows the session', () => {
  it('--toolsets shows only the chosen platforms; without --sandbox there is no guide', async () => {
    const amigoOnly = await connect(['--sandbox', '--toolsets', 'amigo']);
    try {
      expect([...parseGuide(await readGuide(amigoOnly.client)).keys()]).toEqual(['Amigo']);
    } finally {
      await amigoOnly.client.close();
    }
    const real = await connect([], {
      ATTHENE_API_KEY: 'not-a-sandbox-key-0000',
      ATTHENE_BASE_URL: 'http://127.0.0.1:9/api/v1',
    });
    try {
      expect(real.client.getInstructions()).not.toMatch(/sandbox/);
      const status = (await real.client.callTool({
        name: 'platforms_status',
        arguments: {},
      })) as CallToolResult;
      expect(status.structuredContent).not.toHaveProperty('guide');
      await expect(real.client.readResource({ uri: 'sandbox://guide' })).rejects.toThrow();
    } finally {
      await real.client.close();
    }
  }, 60_000);
});
