import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, startCli } from '../helpers/cli.js';

// Real-looking credentials (not real ones): the shapes users paste into their configs.
const SECRETS = {
  AMA2_TOKEN: 'ama_eat_9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0',
  AMA2_USER_TOKEN:
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiYXVkIjoiYXV0aGVudGljYXRlZCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU',
  AMIGO_API_KEY: 'amg_live_4Qx7Lm2Rt9Vz3Kp8Wn6Jc1Hs5Fd0Gb',
  ATTHENE_API_KEY: 'ath_sk_Z3kP9qL2mN7xR4tV8wY1bC6dF0gH5jK',
};

// A hostile platform: it rejects every key and echoes the credential it received in its error body,
// in each platform's own error shape, so any path that forwards platform text is exercised.
let hostile: Server;
let base: string;
const received: string[] = [];
beforeAll(async () => {
  hostile = createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    const key = String(req.headers['x-api-key'] ?? '');
    received.push(auth, key);
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-request-id', 'hostile-1');
    if (req.url === '/health') return res.end('{"status":"ok"}');
    res.statusCode = 401;
    if (req.url?.startsWith('/api/v1/chat'))
      return res.end(JSON.stringify({ code: 'UNAUTHORIZED', message: `token ${auth} invalid` }));
    if (req.url?.startsWith('/v1/')) return res.end(JSON.stringify({ detail: `bad key: ${auth}` }));
    res.end(JSON.stringify({ error: { type: 'authentication_error', message: `key ${key} has expired` } }));
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => hostile.close(() => resolve())));

let proc: CliProcess | undefined;
afterAll(() => proc?.kill());

describe('secrets never leave the server', () => {
  it('no token, key or Authorization value appears in logs, error messages or tool results', async () => {
    proc = await startCli([], {
      ...SECRETS,
      AMA2_BASE_URL: base,
      AMIGO_BASE_URL: base,
      AMIGO_WORKSPACE_ID: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      ATTHENE_BASE_URL: `${base}/api/v1`,
      LOG_LEVEL: 'trace',
    });
    await proc.rpc('logging/setLevel', { level: 'debug' });
    const status = (await proc.rpc('tools/call', { name: 'platforms_status', arguments: {} })) as {
      result: { structuredContent: { platforms: Array<{ authenticated: boolean; detail?: string }> } };
    };
    const platforms = status.result.structuredContent.platforms;
    expect(platforms.map((p) => p.authenticated)).toEqual([false, false, false]);
    expect(platforms[2]?.detail).toContain('has expired');
    proc.child.stdin.end();
    await proc.exit;

    // The credentials really were sent, so their absence below means they were scrubbed.
    expect(received).toContain(`Bearer ${SECRETS.AMIGO_API_KEY}`);
    expect(received).toContain(SECRETS.ATTHENE_API_KEY);
    const everything = `${proc.stdoutLines.join('\n')}\n${proc.stderr()}`;
    expect(proc.stderr().length).toBeGreaterThan(200);
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(everything.includes(value), `${name} leaked`).toBe(false);
      expect(everything.includes(value.slice(0, 24)), `a prefix of ${name} leaked`).toBe(false);
    }
    expect(everything).toContain('[redacted]');
  });
});
