import type { ServerResponse } from 'node:http';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';

interface PostStream {
  open: Set<RequestId>;
  cancelled: RequestId[];
}

const messagesOf = (body: unknown): unknown[] => (Array.isArray(body) ? body : [body]);

/**
 * Closes a POST's SSE stream once each request on it was answered or cancelled (issue #12 E7). The
 * SDK sends no answer to a cancelled request (as the MCP spec asks), and it keeps a stream open
 * until every request on it is answered, so without this the stream of a cancelled call would
 * never end: its session could not idle out and shutdown would wait for it.
 */
export class CancelledStreams {
  readonly #streams = new Map<RequestId, PostStream>();

  constructor(private readonly transport: StreamableHTTPServerTransport) {
    const send = transport.send.bind(transport);
    transport.send = async (message, options) => {
      await send(message, options);
      const answered = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message);
      if (answered && message.id !== undefined) this.#settle(message.id, false);
    };
  }

  /** Remembers the requests of a POST until its response closes. */
  track(body: unknown, res: ServerResponse): void {
    const ids = messagesOf(body)
      .filter((m) => isJSONRPCRequest(m))
      .map((m) => m.id);
    if (ids.length === 0) return;
    const stream: PostStream = { open: new Set(ids), cancelled: [] };
    for (const id of ids) this.#streams.set(id, stream);
    res.once('close', () => {
      for (const id of ids) if (this.#streams.get(id) === stream) this.#streams.delete(id);
    });
  }

  /** After the transport handled a POST: acts on the notifications/cancelled it carried. */
  cancelledIn(body: unknown): void {
    for (const message of messagesOf(body)) {
      if (!isJSONRPCNotification(message) || message.method !== 'notifications/cancelled') continue;
      const id = (message.params as { requestId?: unknown } | undefined)?.requestId;
      if (typeof id === 'string' || typeof id === 'number') this.#settle(id, true);
    }
  }

  #settle(id: RequestId, cancelled: boolean): void {
    const stream = this.#streams.get(id);
    if (!stream?.open.delete(id)) return;
    if (cancelled) stream.cancelled.push(id);
    const first = stream.cancelled[0];
    if (stream.open.size === 0 && first !== undefined) this.transport.closeSSEStream(first);
  }
}
