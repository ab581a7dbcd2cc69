import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Ama2Stub {
  url: string;
  /** Paths of every request received, in order. */
  requests: string[];
  /** Milliseconds since the stub started, one per request, in the same order. */
  times: number[];
  close(): Promise<void>;
}

/**
 * What a poll answers (`n` counts the polls so far, 1 for the first; `ms` since the stub
 * started; the request path): a page, or an error status.
 */
export type PollAnswer = (
  n: number,
  ms: number,
  path: string,
) => { events: Array<Record<string, unknown>>; has_more: boolean } | number;

/**
 * A loopback AMA2 stand-in for an event stream the server ends at once (the docs do not promise
 * how long it stays open): `stream` answers the stream route, `poll` the poll route (no events
 * by default), the rest 404.
 */
export async function startClosingStub(
  stream: (res: ServerResponse) => void = (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end();
  },
  poll: PollAnswer = () => ({ events: [], has_more: false }),
): Promise<Ama2Stub> {
  const requests: string[] = [];
  const times: number[] = [];
  const started = Date.now();
  let polls = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push(path);
    times.push(Date.now() - started);
    if (/^\/api\/v1\/chat\/threads\/[^/]+\/events\/stream$/.test(path)) return stream(res);
    const page = /^\/api\/v1\/chat\/threads\/[^/]+\/events$/.test(path)
      ? poll(++polls, Date.now() - started, path)
      : 404;
    res.writeHead(typeof page === 'number' ? page : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(typeof page === 'number' ? { code: 'ERROR', message: `status ${page}` } : page));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    times,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An AMA2 message event as the poll route returns it (apis/ama2.md §2 "Event object"). */
export function stubEvent(threadId: string, seq: number, content: string): Record<string, unknown> {
  return {
    event_id: `evt-${seq}`,
    thread_id: threadId,
    thread_seq: seq,
    event_type: 'message_committed',
    sender_id: 'user:ada',
    content,
    created_at: '2026-04-09T10:00:00Z',
  };
}
