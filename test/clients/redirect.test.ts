import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../../src/core/errors.js';
import { HttpClient } from '../../src/core/http-client.js';

// Issue #12 B6: a 3xx from any platform is an error naming the Location, for reads, writes and
// streams alike, and the redirect is never followed (nor retried).

let server: Server;
let origin: string;
let requests = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    const status = Number(/\/(\d{3})$/.exec(req.url ?? '')?.[1] ?? 200);
    res.writeHead(status, { location: `${req.url}/`, 'content-type': 'application/json' });
    res.end(status === 304 ? undefined : '{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('redirects', () => {
  it.each([
    ['ama2', 'GET', 301],
    ['amigo', 'POST', 302],
    ['atthene', 'GET', 307],
    ['atthene', 'PATCH', 308],
  ] as const)(
    '%s %s answered %i is an error naming the Location, sent once',
    async (platform, method, status) => {
      const http = new HttpClient({ platform, baseUrl: `${origin}/api/v1` });
      const before = requests;
      try {
        const error = await http
          .request({ method, path: `/things/${status}`, json: {} })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PlatformError);
        expect(error).toMatchObject({ status, code: 'redirect', platform });
        expect((error as PlatformError).message).toContain(`to /api/v1/things/${status}/`);
        expect((error as PlatformError).message).toContain('trailing slash');
        expect(requests - before).toBe(1);
        const stream = await http
          .stream({ method: 'GET', path: `/events/${status}` })
          .catch((e: unknown) => e);
        expect(stream).toMatchObject({ status, code: 'redirect' });
      } finally {
        await http.close();
      }
    },
  );
});
