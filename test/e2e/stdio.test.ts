import { afterEach, describe, expect, it } from 'vitest';
import { type CliProcess, INITIALIZE_PARAMS, spawnCli } from '../helpers/cli.js';

let proc: CliProcess | undefined;
afterEach(() => proc?.kill());

describe('the built CLI over stdio on --sandbox', () => {
  it('answers initialize and tools/list, reports the sandbox reachable, and keeps stdout pure JSON-RPC', async () => {
    proc = spawnCli(['--sandbox'], { LOG_LEVEL: 'trace' });
    const init = await proc.rpc('initialize', INITIALIZE_PARAMS);
    expect(init.result).toMatchObject({
      serverInfo: { name: 'agent-platforms-mcp' },
      capabilities: { tools: {}, logging: {} },
    });
    proc.notify('notifications/initialized');

    const list = (await proc.rpc('tools/list')) as { result: { tools: Array<{ name: string }> } };
    expect(list.result.tools.map((t) => t.name)).toContain('platforms_status');

    const call = (await proc.rpc('tools/call', { name: 'platforms_status', arguments: {} })) as {
      result: {
        structuredContent: {
          platforms: Array<{ platform: string; reachable: boolean; authenticated: boolean }>;
        };
      };
    };
    expect(call.result.structuredContent.platforms).toEqual([
      expect.objectContaining({ platform: 'ama2', reachable: true, authenticated: true }),
      expect.objectContaining({ platform: 'amigo', reachable: true, authenticated: true }),
      expect.objectContaining({ platform: 'atthene', reachable: true, authenticated: true }),
    ]);

    // Closing stdin ends the session and the process exits cleanly.
    proc.child.stdin.end();
    expect((await proc.exit).code).toBe(0);
    expect(proc.stdoutLines.length).toBeGreaterThanOrEqual(3);
    for (const line of proc.stdoutLines) {
      expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    }
    // Logs went to stderr (trace level shows the HTTP client at work).
    expect(proc.stderr()).toContain('"msg":"starting"');
  });

  it('exits 0 on SIGTERM', async () => {
    proc = spawnCli(['--sandbox']);
    await proc.rpc('initialize', INITIALIZE_PARAMS);
    proc.child.kill('SIGTERM');
    expect((await proc.exit).code).toBe(0);
  });
});

describe('startup errors', () => {
  it.each([
    [{}, /no platform is configured[\s\S]*AMA2_TOKEN[\s\S]*ATTHENE_API_KEY[\s\S]*--sandbox/i],
    [{ AMA2_TOKEN: 'not-a-token-0000' }, /AMA2_TOKEN must be an external-agent token starting with ama_eat_/],
    [{ AMIGO_API_KEY: 'amigo_key_000000', AMIGO_WORKSPACE_ID: 'acme' }, /AMIGO_WORKSPACE_ID must be a UUID/],
    [
      { ATTHENE_API_KEY: 'atthene_key_0000', ATTHENE_BASE_URL: 'not a url' },
      /ATTHENE_BASE_URL must be an http\(s\) URL/,
    ],
  ])('exit 2 with a message naming the variable (%o)', async (env, pattern) => {
    proc = spawnCli([], env as Record<string, string>);
    const { code } = await proc.exit;
    expect(code).toBe(2);
    expect(proc.stderr()).toMatch(pattern);
    expect(proc.stdoutLines).toEqual([]);
  });

  it('--host 0.0.0.0 without MCP_HTTP_TOKEN exits 2 with a clear error', async () => {
    proc = spawnCli(['--sandbox', '--http', '--host', '0.0.0.0']);
    expect((await proc.exit).code).toBe(2);
    expect(proc.stderr()).toMatch(/--host 0\.0\.0\.0 is not a loopback address; set MCP_HTTP_TOKEN/);
  });

  it('--help lists every flag and variable; --version prints the version', async () => {
    proc = spawnCli(['--help']);
    expect((await proc.exit).code).toBe(0);
    const help = proc.stdoutLines.join('\n');
    for (const name of [
      '--sandbox',
      '--http',
      '--host',
      '--port',
      '--toolsets',
      '--read-only',
      'AMA2_TOKEN',
      'AMIGO_WORKSPACE_ID',
      'ATTHENE_BASE_URL',
      'MCP_HTTP_TOKEN',
      'LOG_LEVEL',
    ]) {
      expect(help).toContain(name);
    }
    proc = spawnCli(['--version']);
    await proc.exit;
    expect(proc.stdoutLines[0]).toMatch(/^\d+\.\d+\.\d+/);
  });
});
