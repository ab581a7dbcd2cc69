import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliProcess, INITIALIZE_PARAMS, startHttpCli } from '../helpers/cli.js';

const TOKEN = 'test-http-token-0123456789abcdef';
let proc: CliProcess | undefined;
afterEach(() => proc?.kill());

async function connect(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'e2e-http', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

/** A raw POST with full control of Host/Origin/Authorization. */
function rawPost(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const initBody = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: INITIALIZE_PARAMS });

describe('streamable HTTP', () => {
  it('serves initialize, tools/list and platforms_status to the SDK client, and /healthz', async () => {
    proc = await startHttpCli(['--sandbox']);
    const url = (proc as CliProcess & { url: string }).url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = await connect(url);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('platforms_status');
    const result = await client.callTool({ name: 'platforms_status', arguments: {} });
    const platforms = (result.structuredContent as { platforms: Array<{ reachable: boolean }> }).platforms;
    expect(platforms.every((p) => p.reachable)).toBe(true);
    await client.close();
    const health = await fetch(url.replace('/mcp', '/healthz'));
    expect(await health.json()).toMatchObject({ status: 'ok' });
    // The banner gives a ready client entry.
    expect(proc.stderr()).toContain(`"url": "${url}"`);
  });

  it('refuses a foreign Origin and a foreign Host (DNS rebinding), and keeps serving', async () => {
    const started = await startHttpCli(['--sandbox']);
    proc = started;
    const evilOrigin = await rawPost(started.url, { origin: 'http://evil.example' }, initBody);
    expect(evilOrigin.status).toBe(403);
    expect(evilOrigin.body).toContain('Origin http://evil.example is not allowed');
    const port = new URL(started.url).port;
    const evilHost = await rawPost(started.url, { host: `evil.example:${port}` }, initBody);
    expect(evilHost.status).toBe(403);
    const localOrigin = await rawPost(started.url, { origin: 'http://localhost:6274' }, initBody);
    expect(localOrigin.status).toBe(200);
    expect(localOrigin.headers['access-control-expose-headers']).toContain('Mcp-Session-Id');
    // A browser client's preflight: the protocol headers and every platform credential header.
    const preflight = await fetch(started.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    const allowed = preflight.headers.get('access-control-allow-headers')?.split(', ');
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'mcp-session-id', 'last-event-id']));
    expect(allowed).toEqual(expect.arrayContaining(['x-ama2-token', 'x-amigo-api-key', 'x-atthene-api-key']));
  });

  it('requires the bearer when MCP_HTTP_TOKEN is set: 401 with WWW-Authenticate when missing or wrong', async () => {
    const started = await startHttpCli(['--sandbox'], { MCP_HTTP_TOKEN: TOKEN });
    proc = started;
    const missing = await rawPost(started.url, {}, initBody);
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer /);
    const wrong = await rawPost(started.url, { authorization: 'Bearer not-the-token' }, initBody);
    expect(wrong.status).toBe(401);
    const client = await connect(started.url, { authorization: `Bearer ${TOKEN}` });
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
    expect(proc.stderr()).not.toContain(TOKEN);
  });

  it('refuses an oversized body with 413', async () => {
    const started = await startHttpCli(['--sandbox'], { MCP_HTTP_MAX_BODY_BYTES: '2000' });
    proc = started;
    const big = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { ...INITIALIZE_PARAMS, pad: 'x'.repeat(5000) },
    });
    expect((await rawPost(started.url, {}, big)).status).toBe(413);
    expect((await rawPost(started.url, {}, initBody)).status).toBe(200);
  });

  it('on SIGTERM lets an in-flight call finish, then exits 0', async () => {
    // Every sandbox answer takes 600 ms, so the call is still running when SIGTERM arrives.
    const started = await startHttpCli(['--sandbox', '--sandbox-faults', 'seed=1,latency=600-600']);
    proc = started;
    const client = await connect(started.url);
    const call = client.callTool({ name: 'platforms_status', arguments: {} });
    await new Promise((r) => setTimeout(r, 200));
    started.child.kill('SIGTERM');
    const result = await call;
    expect(result.isError).toBeFalsy();
    expect((await started.exit).code).toBe(0);
  });
});
