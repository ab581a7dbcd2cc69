import type { RequestId } from '@modelcontextprotocol/sdk/types.js';

// Shape checks for the HTTP layer's own bookkeeping: counting a POST's requests, spotting answers
// and cancellations. The SDK validates every message with zod before it acts on it; doing it again
// here cost a zod parse per message, most of them failing (a request is not a notification) and
// building error objects, on every call (issue #15).

type Json = Record<string, unknown>;

const isObject = (message: unknown): message is Json =>
  typeof message === 'object' && message !== null && !Array.isArray(message);
const isId = (id: unknown): id is RequestId => typeof id === 'string' || typeof id === 'number';

export const messagesOf = (body: unknown): unknown[] => (Array.isArray(body) ? body : [body]);

/** A message that expects an answer. */
export function isRequest(message: unknown): message is Json & { id: RequestId; method: string } {
  return isObject(message) && typeof message.method === 'string' && isId(message.id);
}

export function isNotification(message: unknown): message is Json & { method: string; params?: unknown } {
  return isObject(message) && typeof message.method === 'string' && !('id' in message);
}

/** A result or an error answering a request. */
export function isAnswer(message: unknown): message is Json & { id: RequestId } {
  return (
    isObject(message) &&
    !('method' in message) &&
    isId(message.id) &&
    ('result' in message || 'error' in message)
  );
}

/** The protocol version an initialize request asks for, if `message` is one. */
export function initializeVersion(message: unknown): string | undefined {
  if (!isRequest(message) || message.method !== 'initialize') return undefined;
  const version = (message.params as { protocolVersion?: unknown } | undefined)?.protocolVersion;
  return typeof version === 'string' ? version : undefined;
}
