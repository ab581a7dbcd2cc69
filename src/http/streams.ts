import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { initializeVersion, isAnswer, isNotification, isRequest, messagesOf } from './messages.js';

interface PostStream {
  open: Set<RequestId>;
  cancelled: RequestId[];
}

const requestIds = (body: unknown): RequestId[] =>
  messagesOf(body)
    .filter(isRequest)
    .map((m) => m.id);

/**
 * Whether the client may resume a POST's stream with Last-Event-ID: the SDK gives it a priming
 * event id from protocol 2025-11-25 on (a stateful session always has an event store).
 */
export function resumable(req: IncomingMessage, body: unknown): boolean {
  const init = messagesOf(body)
    .map(initializeVersion)
    .find((v) => v !== undefined);
  const header = req.headers['mcp-protocol-version'];
  const version = init ?? (typeof header === 'string' ? header : '2025-03-26');
  return version >= '2025-11-25';
}

/**
 * The calls of one session in flight: a request counts from its POST until its JSON-RPC response
 * is sent or it is really aborted, not until its socket closes (the SDK keeps running a tool after
 * the client drops the POST, so counting sockets let a client bypass MCP_SESSION_MAX_IN_FLIGHT by
 * disconnecting). When a POST's stream drops before the answer:
 * - a request the client cannot resume is aborted, exactly as if it had sent notifications/cancelled;
 * - a resumable one keeps running, and counting, so its answer can be replayed.
 *
 * It also closes a POST's SSE stream once each request on it was answered or cancelled (issue #12
 * E7): the SDK sends no answer to a cancelled request (as the MCP spec asks) and keeps a stream open
 * until every request on it is answered, so the stream of a cancelled call would never end.
 */
export class SessionCalls {
  readonly #calls = new Map<RequestId, PostStream>();

  constructor(private readonly transport: StreamableHTTPServerTransport) {
    const send = transport.send.bind(transport);
    transport.send = async (message, options) => {
      const stream = isAnswer(message) ? this.#release(message.id) : undefined;
      try {
        await send(message, options);
      } finally {
        if (stream) this.#closeIfSettled(stream);
      }
    };
  }

  /** Requests in flight. */
  get size(): number {
    return this.#calls.size;
  }

  /** A request id of `body` that is still in flight (ids must be unique within a session). */
  duplicateIn(body: unknown): RequestId | undefined {
    return requestIds(body).find((id) => this.#calls.has(id));
  }

  /** Counts the requests of a POST; when its stream closes first, aborts those that cannot resume. */
  track(body: unknown, res: ServerResponse, canResume: boolean): void {
    const ids = requestIds(body);
    if (ids.length === 0) return;
    const stream: PostStream = { open: new Set(ids), cancelled: [] };
    for (const id of ids) this.#calls.set(id, stream);
    res.once('close', () => {
      // Not 200: the transport refused the POST (406, 400) before running anything.
      if (canResume && res.statusCode === 200) return;
      for (const id of ids) if (this.#calls.get(id) === stream) this.#abort(id);
    });
  }

  /** After the transport handled a POST: acts on the notifications/cancelled it carried. */
  cancelledIn(body: unknown): void {
    for (const message of messagesOf(body)) {
      if (!isNotification(message) || message.method !== 'notifications/cancelled') continue;
      const id = (message.params as { requestId?: unknown } | undefined)?.requestId;
      if (typeof id !== 'string' && typeof id !== 'number') continue;
      const stream = this.#release(id);
      if (!stream) continue;
      stream.cancelled.push(id);
      this.#closeIfSettled(stream);
    }
  }

  /** The session closed: the SDK aborted every handler. */
  clear(): void {
    this.#calls.clear();
  }

  /** The SDK's own cancellation path: its handler's signal aborts, and no answer is sent. */
  #abort(id: RequestId): void {
    this.#release(id);
    this.transport.onmessage?.({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: id, reason: 'the client closed the request stream' },
    });
  }

  #release(id: RequestId): PostStream | undefined {
    const stream = this.#calls.get(id);
    if (!stream) return undefined;
    this.#calls.delete(id);
    stream.open.delete(id);
    return stream;
  }

  #closeIfSettled(stream: PostStream): void {
    const first = stream.cancelled[0];
    if (stream.open.size === 0 && first !== undefined) this.transport.closeSSEStream(first);
  }
}
