import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Ama2Stub {
  url: string;
  /** Paths of every request received, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A loopback AMA2 stand-in for an event stream the server ends at once (the docs do not promise
 * how long it stays open): `stream` answers the stream route, polls find no events, the rest 404.
 */
export async function startClosingStub(
  stream: (res: ServerResponse) => void = (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end();
  },
): Promise<Ama2Stub> {
  const requests: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push(path);
    if (/^\/api\/v1\/chat\/threads\/[^/]+\/events\/stream$/.test(path)) return stream(res);
    const poll = /^\/api\/v1\/chat\/threads\/[^/]+\/events$/.test(path);
    res.writeHead(poll ? 200 : 404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(poll ? { events: [], has_more: false } : { code: 'NOT_FOUND', message: 'Not found' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
