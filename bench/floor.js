// The floor: the least an MCP server on the same SDK version can do for the bench's tool call. One
// tool, amigo_get_entity, making the same undici GET as ours to the same sandbox endpoint
// (GET {base}/v1/{workspace}/world/entities/{id}, Authorization: Bearer <key>) and returning the
// JSON as text. No validation, shaping or limits beyond the SDK's own.
//
//   import { createFloorServer } from './floor.js'      in-process (InMemoryTransport)
//   node bench/floor.js                                  stdio
//   node bench/floor.js --http [--port N]                streamable HTTP at /mcp, stateful, one
//                                                        transport and server per session, as the
//                                                        SDK's own examples do it, on node:http
// Credentials from AMIGO_BASE_URL, AMIGO_API_KEY, AMIGO_WORKSPACE_ID.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { Pool } from 'undici';
import { z } from 'zod';

/** One McpServer with the one tool; `pool` is shared by every server of the process. */
export function createFloorServer({ baseUrl, apiKey, workspaceId }, pool = poolFor(baseUrl)) {
  const server = new McpServer({ name: 'floor', version: '1.0.0' });
  const headers = { authorization: `Bearer ${apiKey}` };
  const prefix = `${new URL(baseUrl).pathname.replace(/\/$/, '')}/v1/${workspaceId}/world/entities/`;
  server.registerTool(
    'amigo_get_entity',
    { description: 'Get one entity by id.', inputSchema: { entity_id: z.string() } },
    async ({ entity_id }) => {
      const res = await pool.request({
        method: 'GET',
        path: prefix + encodeURIComponent(entity_id),
        headers,
      });
      const text = await res.body.text();
      return { content: [{ type: 'text', text }], isError: res.statusCode >= 400 };
    },
  );
  return server;
}

const pools = new Map();
function poolFor(baseUrl) {
  const origin = new URL(baseUrl).origin;
  if (!pools.has(origin)) pools.set(origin, new Pool(origin, { keepAliveTimeout: 4_000 }));
  return pools.get(origin);
}

const readJson = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined);
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });

const refuse = (res, status, message) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
};

/** Streamable HTTP on node:http; resolves with the endpoint URL once listening. */
export function startFloorHttp(credentials, { host = '127.0.0.1', port = 0 } = {}) {
  const transports = new Map();
  const http = createServer(async (req, res) => {
    try {
      if (new URL(req.url ?? '/', 'http://x').pathname !== '/mcp') return refuse(res, 404, 'Not found');
      const id = req.headers['mcp-session-id'];
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      let transport = typeof id === 'string' ? transports.get(id) : undefined;
      if (!transport) {
        if (id) return refuse(res, 404, 'Session not found');
        if (req.method !== 'POST' || !isInitializeRequest(body)) return refuse(res, 400, 'No session');
        transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (sid) => transports.set(sid, transport),
        });
        transport.onclose = () => transports.delete(transport.sessionId);
        await createFloorServer(credentials).connect(transport);
      }
      await transport.handleRequest(req, res, body);
    } catch (error) {
      if (!res.headersSent) refuse(res, 500, String(error));
    }
  });
  return new Promise((resolve) => {
    http.listen(port, host, () => resolve(`http://${host}:${http.address().port}/mcp`));
  });
}

function credentialsFromEnv() {
  const { AMIGO_BASE_URL: baseUrl, AMIGO_API_KEY: apiKey, AMIGO_WORKSPACE_ID: workspaceId } = process.env;
  if (!baseUrl || !apiKey || !workspaceId)
    throw new Error('set AMIGO_BASE_URL, AMIGO_API_KEY, AMIGO_WORKSPACE_ID');
  return { baseUrl, apiKey, workspaceId };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  if (args.includes('--http')) {
    const port = Number(args[args.indexOf('--port') + 1] ?? 0) || 0;
    const url = await startFloorHttp(credentialsFromEnv(), { port });
    process.stderr.write(`floor listening on ${url}\n`);
  } else {
    await createFloorServer(credentialsFromEnv()).connect(new StdioServerTransport());
  }
}
