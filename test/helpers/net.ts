import { request } from 'node:http';
import { Agent, fetch as undiciFetch } from 'undici';

/**
 * A fetch whose connections come from another loopback address (all of 127.0.0.0/8 is local on
 * Linux), so a test can be a second client to per-address limits while 127.0.0.1 stays free.
 */
export function fetchFrom(localAddress: string): typeof fetch {
  const dispatcher = new Agent({ localAddress });
  return ((url: string | URL, init?: RequestInit) =>
    undiciFetch(url, { ...(init as object), dispatcher })) as unknown as typeof fetch;
}

/** GET /healthz over a fresh connection from 127.0.0.1: the process is alive and serving. */
export function healthz(mcpUrl: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(mcpUrl.replace('/mcp', '/healthz'), { agent: false, timeout: 5000 }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('timeout', () => req.destroy(new Error('/healthz did not answer in 5 s')));
    req.on('error', reject);
    req.end();
  });
}
