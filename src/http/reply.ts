import type { IncomingMessage, ServerResponse } from 'node:http';
import { readAll } from '../core/read-all.js';

export const NO_SESSION = 'Session not found (it expired or the server restarted); initialize a new session';

/** Bodies of refusals are JSON-RPC errors so MCP clients can show them. */
export function refuse(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge();
  return (await readAll(req, limit, () => new BodyTooLarge())).toString('utf8');
}

/** JSON body within the size limit, or undefined after answering 413/400. */
export async function parseBody(
  req: IncomingMessage,
  res: ServerResponse,
  maxBytes: number,
): Promise<unknown> {
  try {
    return JSON.parse(await readBody(req, maxBytes));
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      refuse(res, 413, `Request body exceeds ${maxBytes} bytes (MCP_HTTP_MAX_BODY_BYTES)`, {
        connection: 'close',
      });
    } else {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          jsonrpc: '2.0',
          error: { code: -32700, message: 'Parse error: body is not JSON' },
          id: null,
        }),
      );
    }
    return undefined;
  }
}
