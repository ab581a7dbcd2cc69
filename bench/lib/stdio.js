// A stdio MCP server spawned for the bench: newline-delimited JSON-RPC on stdin/stdout.
import { spawnNode } from './children.js';

export function startStdio(args, { env = {}, name } = {}) {
  const child = spawnNode(args, { env, name });
  const waiting = new Map();
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      let message;
      try {
        message = JSON.parse(line);
      } catch {
        continue;
      }
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    }
  });
  child.once('exit', (code) => {
    for (const answer of waiting.values()) answer({ exited: code });
    waiting.clear();
  });
  let nextId = 1;
  const rpc = (method, params = {}, timeoutMs = 30_000) => {
    const id = nextId++;
    const answer = new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${child.name}: no answer to ${method}: ${child.stderrText()}`)),
        timeoutMs,
      );
      waiting.set(id, (message) => {
        clearTimeout(timer);
        if ('exited' in message)
          reject(
            new Error(`${child.name} exited (${message.exited}) before ${method}: ${child.stderrText()}`),
          );
        else if (message.error) reject(new Error(`${method}: ${JSON.stringify(message.error)}`));
        else resolve(message.result);
      });
    });
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    return answer;
  };
  const notify = (method, params = {}) =>
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
  return { child, rpc, notify };
}

export const initializeParams = (protocolVersion = '2025-11-25') => ({
  protocolVersion,
  capabilities: {},
  clientInfo: { name: 'bench', version: '1' },
});

/** A stdio server, initialized and ready for requests. */
export async function openStdio(args, options) {
  const server = startStdio(args, options);
  await server.rpc('initialize', initializeParams());
  server.notify('notifications/initialized');
  return server;
}
