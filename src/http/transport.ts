import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';

/**
 * The SDK's Node transport, answering event streams without a timer (issue #15). From protocol
 * 2025-11-25 on, the SDK opens every POST's stream with a priming event; @hono/node-server then
 * reads one chunk more to guess a Content-Length and, finding the answer not written yet, waits a
 * `setTimeout` (1 ms or more) on every call. A stream marked chunked is piped at once, as it is.
 * The rest is the SDK's own `handleRequest`, which reaches the same web-standard transport.
 */
export class HttpTransport extends StreamableHTTPServerTransport {
  override async handleRequest(
    req: IncomingMessage & { auth?: AuthInfo },
    res: ServerResponse,
    parsedBody?: unknown,
  ): Promise<void> {
    // The SDK keeps it private; test/http-transport.test.ts fails if the field ever goes away.
    const web = (this as unknown as { _webStandardTransport: WebStandardStreamableHTTPServerTransport })
      ._webStandardTransport;
    const listener = getRequestListener(
      async (request) => streamed(await web.handleRequest(request, { authInfo: req.auth, parsedBody })),
      { overrideGlobalObjects: false },
    );
    await listener(req, res);
  }
}

/** Exported for its test. */
export function streamed(response: Response): Response {
  if (!response.body || !response.headers.get('content-type')?.startsWith('text/event-stream'))
    return response;
  const headers = new Headers(response.headers);
  headers.set('transfer-encoding', 'chunked');
  return new Response(response.body, { status: response.status, headers });
}
