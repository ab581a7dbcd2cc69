import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { SessionEvents, SessionRecord } from './shared.js';

/**
 * Brings a fresh transport and server to the state of a session another replica opened, through
 * the SDK's public path: the session's own initialize, replayed in-process. The transport takes
 * the session's id from its generator and the server records the negotiated protocol version and
 * the client's capabilities exactly as at the first initialize. (The SDK has no other way to
 * restore a session: the transport's id and initialized flag are private, see
 * modelcontextprotocol/typescript-sdk#1658.) Nothing of it reaches the client or the event store.
 */
export async function replayInitialize(
  transport: StreamableHTTPServerTransport,
  record: SessionRecord,
): Promise<boolean> {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = '/mcp';
  req.headers = {
    host: 'localhost',
    accept: 'application/json, text/event-stream',
    'content-type': 'application/json',
  };
  req.rawHeaders = Object.entries(req.headers).flatMap(([name, value]) => [name, String(value)]);
  req.push(null);
  const res = new ServerResponse(req);
  // The answer goes nowhere: the client had it from the replica that opened the session.
  res.write = () => true;
  res.end = () => res;
  const body = { jsonrpc: '2.0', id: `adopt-${record.id}`, method: 'initialize', params: record.init };
  await transport.handleRequest(req, res, body);
  return transport.sessionId === record.id;
}

/**
 * The session's event store, silent while `muted` (the replayed initialize's priming event and
 * answer are not the client's events).
 */
export function mutable(events: SessionEvents): SessionEvents & { muted: boolean } {
  const wrapper = {
    muted: false,
    storeEvent: (streamId: string, message: JSONRPCMessage) =>
      wrapper.muted ? Promise.resolve(`${streamId}_muted`) : events.storeEvent(streamId, message),
    getStreamIdForEventId: (id: string) => events.getStreamIdForEventId(id),
    replayEventsAfter: events.replayEventsAfter.bind(events),
    prune: () => events.prune(),
    clear: () => events.clear(),
  };
  return wrapper;
}
