import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, type CliProcess, startHttpCli } from '../helpers/cli.js';
import { connectStdio } from '../helpers/guide.js';

// Issue #16 problem 8: `npm run sandbox` printed only an HTTP entry, which Claude Desktop's config
// cannot use. The banner now also gives a stdio entry (absolute paths, computed at run time); each
// entry is used here exactly as printed.

type Entry = { type?: string; url?: string; command?: string; args?: string[] };

/** The JSON blocks of the banner (a line `{` to a line `}`), each an `mcpServers` entry. */
function entries(banner: string): Entry[] {
  const blocks = banner.match(/^\{\n[\s\S]*?\n\}$/gm) ?? [];
  return blocks.map(
    (block) => (JSON.parse(block) as { mcpServers: Record<string, Entry> }).mcpServers['agent-platforms']!,
  );
}

describe('npm run sandbox prints an HTTP and a stdio client entry (issue #16)', () => {
  let proc: CliProcess & { url: string };
  let printed: Entry[];

  beforeAll(async () => {
    const script = (
      JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts.sandbox;
    // What `npm run sandbox` runs after building, on a free port instead of 3333.
    expect(script).toMatch(/node dist\/cli\.js --sandbox --http$/);
    proc = await startHttpCli(['--sandbox']);
    for (let i = 0; i < 100 && !proc.stderr().includes('Press Ctrl+C to stop.'); i++) await sleep(100);
    printed = entries(proc.stderr());
  }, 30_000);
  afterAll(() => proc?.kill());

  it('the HTTP entry and its claude mcp add line name the running endpoint, which answers', async () => {
    expect(printed[0]).toEqual({ type: 'http', url: proc.url });
    expect(proc.stderr()).toContain(`claude mcp add --transport http agent-platforms ${proc.url}\n`);
    const client = new Client({ name: 'http-entry', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(printed[0]!.url!)));
    expect((await client.listTools()).tools.length).toBeGreaterThan(10);
    await client.close();
  });

  it('the stdio entry starts its own sandbox by absolute paths, and names the guide', async () => {
    const stdio = printed[1]!;
    expect(stdio.command).toBe(process.execPath);
    expect(stdio.args).toEqual([CLI, '--sandbox']);
    expect(isAbsolute(stdio.args![0]!)).toBe(true);
    expect(proc.stderr()).toContain(
      `claude mcp add agent-platforms -- ${process.execPath} ${CLI} --sandbox\n`,
    );
    expect(proc.stderr()).toContain('read the resource sandbox://guide');
    // Launched as Claude Desktop would: the printed command and args, from another directory.
    const { client } = await connectStdio(stdio.command!, stdio.args!, { cwd: '/' });
    const guide = await client.readResource({ uri: 'sandbox://guide' });
    expect(guide.contents[0]).toMatchObject({ mimeType: 'text/markdown' });
    await client.close();
  }, 30_000);
});
