import { path as encodePath, type QueryValue } from '../http-client.js';
import { ToolInputError } from '../input-error.js';
import type { ToolContext } from '../registry.js';
import { authHeaders } from './auth.js';
import { operationOf, type Target, targetOf } from './context.js';
import { describe } from './describe.js';
import { type CatalogOperation, credentialFor } from './document.js';
import { violations } from './validate.js';

// api_read and api_write: one generic path to any operation of any document. The server fills the
// path parameters its credentials hold (a workspace id); the platform client's HttpClient adds the
// base URL and the auth header, retries, timeouts and the platform's error mapping.

export interface CallInput {
  platform: string;
  operation_id: string;
  params?: Record<string, unknown> | undefined;
  body?: unknown;
}

const segment = (value: unknown) => encodePath`${String(value)}`;

function urlPath(op: CatalogOperation, target: Target, params: Record<string, unknown>): string {
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
    segment(credentialFor(name, target.client.credentials) ?? params[name]),
  );
}

function partsOf(op: CatalogOperation, params: Record<string, unknown>) {
  const query: Record<string, QueryValue> = {};
  const headers: Record<string, string> = {};
  for (const p of op.parameters) {
    const value = params[p.name];
    if (value === undefined) continue;
    if (p.in === 'header') headers[p.name.toLowerCase()] = String(value);
    if (p.in !== 'query') continue;
    query[p.name] =
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? JSON.stringify(value)
        : (value as QueryValue);
  }
  return { query, headers };
}

/** A multipart body from an object of fields (files given as text), for the few upload operations. */
function multipart(body: unknown): { body: string; contentType: string } {
  const boundary = `catalog${Date.now().toString(36)}`;
  const fields = Object.entries((body ?? {}) as Record<string, unknown>).map(
    ([name, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}"\r\n\r\n${typeof value === 'string' ? value : JSON.stringify(value)}\r\n`,
  );
  return {
    body: `${fields.join('')}--${boundary}--\r\n`,
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

function bodyOf(op: CatalogOperation, body: unknown) {
  if (body === undefined || !op.body) return {};
  if (op.body.contentType.includes('json')) return { json: body };
  if (op.body.contentType.startsWith('multipart/')) return multipart(body);
  return { body: typeof body === 'string' ? body : JSON.stringify(body), contentType: op.body.contentType };
}

/** JSON when the operation answers JSON; its own type otherwise (a download). */
function acceptOf(op: CatalogOperation): string {
  const types = Object.entries(op.responses)
    .filter(([code]) => code.startsWith('2'))
    .flatMap(([, r]) => Object.keys(r.content ?? {}));
  return types.length === 0 || types.some((t) => t.includes('json'))
    ? 'application/json'
    : (types[0] ?? '*/*');
}

/** What serves an event-stream operation: the module's named tool or resource, else its tools and resources. */
export function streamHandler(target: Target, op: CatalogOperation): string {
  const resources = target.module.resources.map((r) => r.uriTemplate).join(', ');
  return (
    target.module.streamedBy?.[op.id] ??
    `the ${target.module.name}_ tools${resources ? ` or subscribe to a resource (${resources})` : ''}`
  );
}

function refuseStream(target: Target, op: CatalogOperation): never {
  throw new ToolInputError(
    `${op.id} answers with an event stream, which a tool call cannot hold open: use ${streamHandler(target, op)} instead.`,
  );
}

/** Validates the input against the operation, then sends it; `readOnly` is the tool's side. */
export async function callOperation(
  input: CallInput,
  ctx: ToolContext,
  readOnly: boolean,
  allow: (op: CatalogOperation) => void = () => {},
) {
  const target = await targetOf(ctx, input.platform);
  const op = operationOf(target, input.operation_id);
  if (op.readOnly !== readOnly) {
    throw new ToolInputError(
      `${op.id} ${op.readOnly ? 'changes nothing: call it with api_read' : 'changes data: call it with api_write'}.`,
    );
  }
  if (op.streaming) refuseStream(target, op);
  allow(op);
  const credentials = target.client.credentials;
  const auth = authHeaders(target.module, target.catalog.document, op, credentials);
  const found = await violations(target.catalog, op, credentials, { params: input.params, body: input.body });
  if (found.length > 0) {
    const described = JSON.stringify(describe(target.catalog, op, credentials));
    throw new ToolInputError(`${found.join('; ')}. The operation: ${described}`);
  }
  if (!target.client.http) throw new Error(`the ${target.module.name} client has no HTTP client`);
  const params = input.params ?? {};
  const { query, headers } = partsOf(op, params);
  const response = await target.client.http.request({
    method: op.method as 'GET',
    path: urlPath(op, target, params),
    query,
    headers: { ...headers, ...auth },
    ...bodyOf(op, input.body),
    accept: acceptOf(op),
    signal: ctx.signal,
    ...(op.readOnly && op.method === 'POST' ? { retry: 'idempotent' as const } : {}),
  });
  return { status: response.status, ...(response.data === undefined ? {} : { data: response.data }) };
}
