import type { OpenApiDocument, PlatformModule } from '../platform.js';

// The operation catalog (issue #14; README "Any operation: the catalog"): every operation of every
// platform module that has an OpenAPI document, indexed once per module. Nothing here names a
// platform: a module without `openapi()` has no catalog.

export type Schema = Record<string, unknown>;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: Schema;
  example?: unknown;
}

export interface MediaType {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}

export interface CatalogOperation {
  id: string;
  method: string;
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters: Parameter[];
  body?: { required: boolean; contentType: string; schema: Schema; example?: unknown };
  responses: Record<string, { description?: string; content?: Record<string, MediaType> }>;
  /** Changes nothing: GET/HEAD, a POST marked `x-read-only`, or one whose operationId says it reads (search, query, …). */
  readOnly: boolean;
  /** Deletes or cannot be undone: DELETE, `x-destructive`, or an operationId that says so (archive, revoke, …). */
  destructive: boolean;
  /** Answers with an event stream: listed, not called (a curated tool or resource serves it). */
  streaming: boolean;
  /** The operation's own security requirements (alternatives), when it overrides the document's. */
  security?: Array<Record<string, string[]>>;
}

export interface Catalog {
  platform: string;
  document: OpenApiDocument;
  operations: CatalogOperation[];
  byId: Map<string, CatalogOperation>;
}

const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete'];
// A POST is a read when its operationId starts or ends with one of these words (the Amigo document:
// search-*, query-functions, resolve-entity, gap-scanner-preview), as the API's own naming tells.
const READ_WORDS = new Set(['search', 'query', 'lookup', 'list', 'resolve', 'preview', 'validate']);

// A write is destructive when its operationId starts or ends with one of these (Amigo's
// archive-workspace), besides every DELETE.
const DESTROY_WORDS = new Set(['delete', 'remove', 'revoke', 'purge', 'destroy', 'archive', 'wipe']);

const edgeWords = (id: string, words: Set<string>) => {
  const parts = id.toLowerCase().split(/[^a-z0-9]+/);
  return words.has(parts[0] ?? '') || words.has(parts.at(-1) ?? '');
};

function readsOnly(method: string, id: string, op: Record<string, unknown>): boolean {
  if (method === 'get' || method === 'head' || op['x-read-only'] === true) return true;
  return method === 'post' && edgeWords(id, READ_WORDS);
}

function destroys(method: string, id: string, op: Record<string, unknown>): boolean {
  return method === 'delete' || op['x-destructive'] === true || edgeWords(id, DESTROY_WORDS);
}

function isStreaming(responses: CatalogOperation['responses']): boolean {
  const success = Object.entries(responses).filter(([status]) => status.startsWith('2'));
  const types = success.flatMap(([, r]) => Object.keys(r.content ?? {}));
  // FastAPI lists application/json beside every custom media type, so an event stream anywhere wins.
  return types.some((t) => t.includes('event-stream'));
}

const idOf = (method: string, path: string) =>
  `${method}_${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '_')}`.replace(/_+$/, '');

/** Follows a local `$ref` (`#/components/parameters/x`): parameters, bodies and responses may be shared. */
function follow<T>(doc: OpenApiDocument, value: T): T {
  const ref = (value as { $ref?: unknown } | undefined)?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return value;
  let node: unknown = doc;
  for (const part of ref.slice(2).split('/'))
    node = (node as Record<string, unknown> | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  return node === undefined ? value : follow(doc, node as T);
}

function operationOf(
  doc: OpenApiDocument,
  path: string,
  method: string,
  item: Record<string, unknown>,
): CatalogOperation {
  const op = item[method] as Record<string, unknown>;
  const id = typeof op.operationId === 'string' ? op.operationId : idOf(method, path);
  // Path-item parameters apply unless the operation redefines them (OpenAPI 3.1 §4.8.9).
  const own = ((op.parameters ?? []) as Parameter[]).map((p) => follow(doc, p));
  const shared = ((item.parameters ?? []) as Parameter[])
    .map((p) => follow(doc, p))
    .filter((p) => !own.some((o) => o.name === p.name && o.in === p.in));
  const requestBody = follow(doc, op.requestBody) as {
    content?: Record<string, MediaType>;
    required?: boolean;
  };
  const content = requestBody?.content;
  const [contentType, media] = Object.entries(content ?? {})[0] ?? [];
  const responses = Object.fromEntries(
    Object.entries(op.responses ?? {}).map(([status, r]) => [status, follow(doc, r)]),
  ) as CatalogOperation['responses'];
  return {
    id,
    method: method.toUpperCase(),
    path,
    summary: String(op.summary ?? ''),
    ...(typeof op.description === 'string' ? { description: op.description } : {}),
    tags: (op.tags ?? []) as string[],
    parameters: [...shared, ...own].filter((p) => p.in !== 'cookie'),
    ...(contentType && media
      ? {
          body: {
            required: requestBody.required === true,
            contentType,
            schema: media.schema ?? {},
            ...(media.example === undefined ? {} : { example: media.example }),
          },
        }
      : {}),
    responses,
    readOnly: readsOnly(method, id, op),
    destructive: destroys(method, id, op),
    streaming: isStreaming(responses),
    ...(Array.isArray(op.security) ? { security: op.security as CatalogOperation['security'] } : {}),
  };
}

/** Every operation of a document, in document order. */
export function indexDocument(platform: string, document: OpenApiDocument): Catalog {
  const operations = Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => operationOf(document, path, m, item)),
  );
  return { platform, document, operations, byId: new Map(operations.map((o) => [o.id, o])) };
}

const catalogs = new WeakMap<PlatformModule, Promise<Catalog>>();

/** The module's catalog, loaded on first use and kept; undefined for a module without a document. */
export function catalogOf(module: PlatformModule): Promise<Catalog> | undefined {
  if (!module.openapi) return undefined;
  let catalog = catalogs.get(module);
  if (!catalog) {
    catalog = module.openapi().then((doc) => indexDocument(module.name, doc));
    catalogs.set(module, catalog);
  }
  return catalog;
}

/** A `$ref` to a component schema, resolved within the document; the schema itself otherwise. */
export function deref(document: OpenApiDocument, schema: Schema): { name?: string; schema: Schema } {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return { schema };
  const parts = ref.slice(2).split('/');
  let node: unknown = document;
  for (const part of parts) node = (node as Record<string, unknown> | undefined)?.[part];
  return { name: parts.at(-1) ?? ref, schema: (node ?? {}) as Schema };
}

/** The credential a path parameter is filled from (`workspace_id` ← `workspaceId`), if any. */
export function credentialFor(name: string, credentials: object): string | undefined {
  const camel = name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  const value = (credentials as Record<string, unknown>)[camel];
  return typeof value === 'string' ? value : undefined;
}
