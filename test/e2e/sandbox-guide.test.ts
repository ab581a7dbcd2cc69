import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import {
  COMPLETED,
  connectStdio,
  followGuide,
  type GuideStep,
  parseGuide,
  readGuide,
} from '../helpers/guide.js';

// Issue #16, "done when": a newcomer on the sandbox finishes an AMA2 thread conversation, an Amigo
// conversation and an Atthene session knowing only what MCP shows (test/helpers/guide.ts: the
// client reads sandbox://guide and follows nothing else). test/e2e/fresh-clone.test.ts does the
// same from a fresh clone, through the README's command.

type Connection = Awaited<ReturnType<typeof connectStdio>>;
const connect = (args: string[], env: Record<string, string> = {}) =>
  connectStdio(process.execPath, [CLI, ...args], { env });

describe('sandbox://guide on the built CLI (issue #16)', () => {
  let conn: Connection;
  let guide: string;
  let sections: Map<string, GuideStep[]>;

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

  it.each(['AMA2', 'Amigo', 'Atthene'])(
    'following the %s calls completes a conversation',
    async (platform) => {
      COMPLETED[platform]!(await followGuide(conn.client, sections.get(platform) ?? []));
    },
    60_000,
  );
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
