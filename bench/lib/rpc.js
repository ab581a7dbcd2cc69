// A lean streamable-HTTP MCP client: raw JSON-RPC over undici, no SDK, so its own CPU per call is
// small next to the server's. Answers may come as JSON or as an SSE stream; both are read whole.
import { Agent } from 'undici';

export const LATEST = '2025-11-25';

/**
 * Idle connections are dropped after 2 s, before any server's own keep-alive timeout (Node's
 * default is 5 s): a POST sent on a connection the server is closing would fail with ECONNRESET.
 */
export function createAgent() {
  return new Agent({ keepAliveTimeout: 2_000, keepAliveMaxTimeout: 2_000, connections: null });
}

/** The JSON-RPC response of a POST, from a JSON body or the `data:` lines of an SSE body. */
function responseOf(contentType, text) {
  if (!contentType.includes('text/event-stream')) return text ? JSON.parse(text) : undefined;
  let found;
  for (const line of text.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (!data) continue;
    const message = JSON.parse(data);
    if ('result' in message || 'error' in message) found = message;
  }
  return found;
}

export class Session {
  #agent;
  #origin;
  #path;
  #headers;
  #nextId = 1;

  constructor(agent, url, version = LATEST) {
    this.#agent = agent;
    const { origin, pathname } = new URL(url);
    this.#origin = origin;
    this.#path = pathname;
    this.version = version;
    this.#headers = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };
  }

  async #post(message) {
    const res = await this.#agent.request({
      origin: this.#origin,
      path: this.#path,
      method: 'POST',
      headers: this.#headers,
      body: JSON.stringify(message),
    });
    const text = await res.body.text();
    if (res.statusCode >= 400)
      throw new Error(`HTTP ${res.statusCode} on ${message.method}: ${text.slice(0, 300)}`);
    return { res, answer: responseOf(String(res.headers['content-type'] ?? ''), text) };
  }

  /** initialize, then notifications/initialized: the session is ready for calls. */
  async open() {
    const { res, answer } = await this.#post({
      jsonrpc: '2.0',
      id: this.#nextId++,
      method: 'initialize',
      params: {
        protocolVersion: this.version,
        capabilities: {},
        clientInfo: { name: 'bench', version: '1' },
      },
    });
    if (!answer?.result) throw new Error(`initialize failed: ${JSON.stringify(answer)}`);
    const id = res.headers['mcp-session-id'];
    if (typeof id !== 'string') throw new Error('no mcp-session-id header on the initialize answer');
    this.#headers = {
      ...this.#headers,
      'mcp-session-id': id,
      'mcp-protocol-version': answer.result.protocolVersion,
    };
    this.negotiated = answer.result.protocolVersion;
    await this.#post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return this;
  }

  async request(method, params = {}) {
    const { answer } = await this.#post({ jsonrpc: '2.0', id: this.#nextId++, method, params });
    if (!answer) throw new Error(`no answer to ${method}`);
    if (answer.error) throw new Error(`${method}: ${JSON.stringify(answer.error)}`);
    return answer.result;
  }

  /** A tools/call whose result must not be an error. */
  async call(name, args) {
    const result = await this.request('tools/call', { name, arguments: args });
    if (result.isError) throw new Error(`${name} answered isError: ${JSON.stringify(result.content)}`);
    return result;
  }

  async close() {
    const res = await this.#agent.request({
      origin: this.#origin,
      path: this.#path,
      method: 'DELETE',
      headers: this.#headers,
    });
    await res.body.dump();
  }
}
