import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type Clients, secretsOfClients } from './client-secrets.js';
import { PlatformError } from './errors.js';
import { ToolInputError } from './input-error.js';
import { jsonMayHoldSecret, type Logger, scrubResult, scrubSecrets } from './log.js';
import { getOrSet } from './memo.js';
import { type PageRequest, type PageResult, type Paginate, pageRequest, pageView } from './paging.js';
import type { PlatformModule } from './platform.js';
import type { RecentResources } from './resources/recent.js';
import { setOwn } from './set-own.js';
import { parseToolInput } from './tool-input.js';
import { renderFenced, renderFencedText } from './untrusted.js';

/** A platform module's name, or `core` for tools of no platform. */
export type ToolPlatform = string;

/** Every tool states all four hints; `never read-only and destructive at once` is checked by a test. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface ToolContext<C = unknown> {
  /** This tool's platform client (undefined for core tools); the registry offers a tool only when it exists. */
  client: C;
  clients: Clients;
  /** The platform modules this server was made with (status probes, error hints). */
  platforms: readonly PlatformModule[];
  /** The platforms this session's --toolsets chose (undefined: all); the operation catalog reads it. */
  toolsets?: readonly string[];
  /** The platforms --toolsets named, when given (platforms_status warns of those without credentials). */
  namedToolsets?: readonly string[];
  log: Logger;
  /** Aborted when the client cancels the call or the session ends. */
  signal: AbortSignal;
  /** Sends a progress notification when the client asked for progress; never rejects. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** Conversations this session has seen, for resources/list and id completion. */
  recent: RecentResources;
  maxResultChars: number;
  /** In the sandbox: the URI of the guide naming its fixtures (platforms_status points to it). */
  guide?: string;
  /** Adds a sentence to the error result should the call fail (e.g. the idempotency key to retry with). */
  note(text: string): void;
  /** A list tool's page, decoded from `cursor` by the registry: read `limit` items from `state`. */
  page: PageRequest;
}

/** What the server hands runTool; runTool adds `note`, `client` and `page`. */
export type CallContext = Omit<ToolContext, 'note' | 'client' | 'page'>;

type Shape = z.ZodRawShape;
type Infer<S extends Shape> = z.infer<z.ZodObject<S>>;

export interface ToolDefinition<I extends Shape = Shape, O extends Shape = Shape, C = unknown> {
  /** `<platform>_<verb>_<noun>`, the file name in snake_case. */
  name: string;
  title: string;
  /** What it does, when to use it, what to call next. Arguments are described on their schemas. */
  description: string;
  platform: ToolPlatform;
  input: I;
  output: O;
  annotations: ToolAnnotations;
  /** Extra availability beyond the platform being configured (e.g. a user token). */
  available?(client: C, selection: ToolSelection): boolean;
  /** The sentence a 404 result ends with: which tool lists valid ids. */
  notFoundHint?: string;
  /**
   * Output keys (at any depth) whose values platform users, agents or admins wrote: fenced in the
   * text a model reads, a string as itself, an object or array as its JSON in one fence.
   * test/tools/untrusted.test.ts fails on a free-text output field that is neither listed here nor
   * allow-listed there as server-authored.
   */
  untrusted?: readonly string[];
  /**
   * A list tool: the output key of its items (and the input fields its cursor is bound to). It
   * reads `ctx.page` and returns one page with `next`; the registry owns the cursor, the limit and
   * the cut at the size budget (src/core/paging.ts).
   */
  paginate?: Paginate<Infer<O>>;
  /** Conversations the result creates or mentions, sent as resource links after the JSON text. */
  links?(output: Infer<O>): Array<{ uri: string; name: string; mimeType?: string }>;
  run(input: Infer<I>, ctx: ToolContext<C>): Promise<Infer<O> & PageResult>;
}

/** `defineTool` for the tools of one platform: `ctx.client` is typed as that platform's client `C`. */
export function toolDefiner<C>() {
  return <I extends Shape, O extends Shape>(definition: ToolDefinition<I, O, C>): ToolDefinition<I, O, C> =>
    definition;
}

export function defineTool<I extends Shape, O extends Shape, C = undefined>(
  definition: ToolDefinition<I, O, C>,
): ToolDefinition<I, O, C> {
  return definition;
}

export interface ToolSelection {
  toolsets: readonly string[];
  readOnly: boolean;
  clients: Clients;
  /** The modules the server was made with (core tools that serve some of them read it). */
  platforms?: readonly PlatformModule[];
}

/** The tools a session is offered: configured platforms in the chosen toolsets, read-only if asked. Order is stable. */
export function selectTools(tools: readonly ToolDefinition[], selection: ToolSelection): ToolDefinition[] {
  return (
    tools
      .filter((tool) => tool.platform === 'core' || selection.toolsets.includes(tool.platform))
      .filter((tool) => tool.platform === 'core' || selection.clients[tool.platform] !== undefined)
      .filter((tool) => !selection.readOnly || tool.annotations.readOnlyHint)
      .filter((tool) => tool.available?.(selection.clients[tool.platform], selection) ?? true)
      // Code-point order: names are ASCII, and localeCompare's first call loads ICU (~7 ms at start).
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  );
}

/** What a platform's errors tell the user to check (PlatformModule.hints). */
export interface PlatformHints {
  auth: string;
  baseUrlVar: string;
}

/** One sentence on what to do next, by error kind. */
export function hintFor(error: PlatformError, notFoundHint?: string, hints?: PlatformHints): string {
  switch (error.kind) {
    case 'auth':
      return `The platform rejected the credentials: check ${hints?.auth ?? 'its credentials'}.`;
    case 'permission':
      return 'The credentials are valid but not allowed to do this (plan, role or capability); use an account or token that has the permission.';
    case 'not_found':
      return notFoundHint ?? 'Check the id; the list tools of this platform return valid ids.';
    case 'conflict':
      return 'The resource is in a state that does not allow this (closed, or busy with another request); check its state, then retry.';
    case 'validation':
      return 'Fix the input named above and call again.';
    case 'rate_limited': {
      // Retry-After wins; otherwise the x-ratelimit-reset time when the platform sent one.
      const untilReset = error.rateLimit?.reset ? error.rateLimit.reset * 1000 - Date.now() : undefined;
      const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? untilReset ?? 5000) / 1000));
      const quota = error.rateLimit?.limit ? ` (limit ${error.rateLimit.limit} requests per window)` : '';
      return `Rate limited${quota}: retry after ${seconds} s.`;
    }
    case 'server':
      return 'The platform failed on its side; retry in a few seconds, and run platforms_status if it persists.';
    case 'network':
      return `Could not reach the platform: check ${hints?.baseUrlVar ?? 'its base URL'} and the network, or run platforms_status.`;
    case 'timeout':
      return 'The platform did not answer in time; retry, or ask for less (a smaller limit).';
    case 'cancelled':
      return 'The call was cancelled before it finished.';
  }
}

export function errorText(error: PlatformError, notFoundHint?: string, hints?: PlatformHints): string {
  const status = error.status === undefined ? error.kind : `${error.status} ${error.kind}`;
  const code = error.code ? ` [${error.code}]` : '';
  const requestId = error.requestId ? ` (request id ${error.requestId})` : '';
  return scrubSecrets(
    `${error.platform} error ${status}${code}: ${error.message}${requestId}. ${hintFor(error, notFoundHint, hints)}`,
  );
}

function errorResultOf(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

/** Drops null and undefined values (results are slim), keeping arrays' positions. */
export function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner !== null && inner !== undefined) setOwn(out, key, prune(inner));
    }
    return out;
  }
  return value;
}

const render = renderFenced;

type Project = (value: unknown) => unknown;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * A function that keeps what `schema` declares, as zod's strip would, and drops null and undefined
 * values (results are slim): structuredContent is checked by clients against outputSchema, which
 * forbids additional properties. Built once per tool from the zod definition instead of a zod
 * parse per call (issue #15: the parse was a fifth of a call's own time). A value of another
 * type than declared is kept as it is (pruned).
 */
function projectorOf(schema: z.ZodType): Project {
  const def = schema._zod.def as {
    type: string;
    innerType?: z.ZodType;
    element?: z.ZodType;
    valueType?: z.ZodType;
    shape?: Record<string, z.ZodType>;
    catchall?: z.ZodType;
  };
  if (def.innerType) return projectorOf(def.innerType);
  if (def.type === 'array' && def.element) {
    const element = projectorOf(def.element);
    return (value) => (Array.isArray(value) ? value.map(element) : prune(value));
  }
  if (def.type === 'record' && def.valueType) return recordProjector(projectorOf(def.valueType));
  if (def.type === 'object' && def.shape) {
    const fields = Object.entries(def.shape).map(([key, field]) => [key, projectorOf(field)] as const);
    const loose = def.catchall !== undefined && def.catchall._zod.def.type !== 'never';
    return (value) => {
      if (!isRecord(value)) return prune(value);
      const out: Record<string, unknown> = loose ? (prune(value) as Record<string, unknown>) : {};
      for (const [key, project] of fields) {
        const inner = value[key];
        if (inner !== null && inner !== undefined) out[key] = project(inner);
      }
      return out;
    };
  }
  return prune;
}

function recordProjector(project: Project): Project {
  return (value) => {
    if (!isRecord(value)) return prune(value);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const inner = value[key];
      if (inner !== null && inner !== undefined) setOwn(out, key, project(inner));
    }
    return out;
  };
}

const untrustedKeys = new WeakMap<ToolDefinition, ReadonlySet<string>>();
const untrustedOf = (tool: ToolDefinition) =>
  getOrSet(untrustedKeys, tool, () => new Set(tool.untrusted ?? []));

const projectors = new WeakMap<ToolDefinition, Project>();
/** structuredContent of `output`: declared fields only, no nulls. */
function declaredOf(tool: ToolDefinition, output: Record<string, unknown>): Record<string, unknown> {
  const project = getOrSet(projectors, tool, () => projectorOf(z.object(tool.output)));
  return project(output) as Record<string, unknown>;
}

/**
 * Turns a tool's return value into structuredContent plus the same JSON as text, within the size
 * budget: a list tool shows at most `limit` items not yet shown, cut at an item boundary to fit,
 * with a cursor that resumes after them; anything else that is still too large is reported
 * rather than silently mangled.
 */
export function shapeResult(
  tool: ToolDefinition,
  input: Record<string, unknown>,
  output: Record<string, unknown>,
  maxChars: number,
  secrets?: readonly string[],
): CallToolResult {
  const untrusted = untrustedOf(tool);
  const view = pageView(tool, input, output);
  const shape = (kept: number) => declaredOf(tool, view ? view.candidate(kept) : output);
  const size = (kept: number) => render(shape(kept), untrusted).length;
  let kept = view?.take ?? 0;
  if (view && size(kept) > maxChars) {
    // Binary search for the most items that fit with their cursor and flag.
    let lo = 0;
    let hi = kept - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (size(mid) <= maxChars) lo = mid;
      else hi = mid - 1;
    }
    kept = lo;
  }
  const structured = shape(kept);
  const { text, changed } = renderFencedText(structured, untrusted);
  // No item fits: a page of none would resume where it started, forever.
  const noneFits = view !== undefined && view.take > 0 && kept === 0;
  if (text.length > maxChars || noneFits) {
    // Sizes of the scrubbed result: a secret's length must not show in the message.
    if (secrets) return shapeScrubbed(tool, input, output, maxChars, secrets);
    return errorResultOf(
      `${tool.name} produced a result of ${noneFits ? size(1) : text.length} characters, over the ${maxChars}-character budget. Ask for less (a smaller limit or a narrower filter).`,
    );
  }
  const links = (tool.links?.(output as never) ?? []).map((link) => ({
    type: 'resource_link' as const,
    ...link,
  }));
  // What leaves is the text, which holds every string of structuredContent as JSON writes it
  // unless a fence changed one, and the links, whose values come as they are or URI-encoded (a
  // link must not transform a value otherwise): searched as they are, no copy of the output is
  // made or serialised for a secret that is almost never there. A hit, or a changed fence, takes
  // the long way.
  if (
    secrets &&
    (changed ||
      jsonMayHoldSecret(text, secrets) ||
      (links.length > 0 && jsonMayHoldSecret(JSON.stringify(links), secrets, { uriEncoded: true })))
  )
    return shapeScrubbed(tool, input, output, maxChars, secrets);
  return { structuredContent: structured, content: [{ type: 'text', text }, ...links] };
}

/**
 * shapeResult the long way, for a result that may show a secret: the output scrubbed value by
 * value, shaped again, and the result scrubbed too (a token a fence joined by dropping a hidden
 * character, a value that was no plain object).
 */
function shapeScrubbed(
  tool: ToolDefinition,
  input: Record<string, unknown>,
  output: Record<string, unknown>,
  maxChars: number,
  secrets: readonly string[],
): CallToolResult {
  return scrubResult(shapeResult(tool, input, scrubResult(output, secrets), maxChars), secrets);
}

/**
 * The one boundary where errors become results. Tools throw; nothing else catches. `args` are the
 * call's raw arguments: parsed here by the tool's input shape (core/tool-input.ts).
 */
export async function runTool(
  tool: ToolDefinition,
  args: Record<string, unknown>,
  callContext: CallContext,
): Promise<CallToolResult> {
  const started = performance.now();
  const notes: string[] = [];
  const client = tool.platform === 'core' ? undefined : callContext.clients[tool.platform];
  const progress = callContext.progress;
  // Field by field: a spread of the call context plus four fields takes V8's slow path.
  const ctx: ToolContext = {
    clients: callContext.clients,
    platforms: callContext.platforms,
    toolsets: callContext.toolsets,
    namedToolsets: callContext.namedToolsets,
    log: callContext.log,
    signal: callContext.signal,
    recent: callContext.recent,
    maxResultChars: callContext.maxResultChars,
    guide: callContext.guide,
    client,
    note: (text) => void notes.push(text),
    // A lost progress notification (client gone) must not fail the call: tools never catch it.
    progress: (...args) =>
      progress(...args).catch((err: unknown) => {
        callContext.log.debug({ tool: tool.name, err }, 'progress notification not sent');
      }),
    page: { limit: 0 }, // the call's page, read from its input below
  };
  // The credentials this call used (a session's own, or the server's): a platform may echo them
  // in a successful answer too (an agent named after the key), so results are scrubbed as well.
  const secrets = secretsOfClients(ctx.clients);
  const errorResult = (text: string): CallToolResult =>
    errorResultOf(scrubSecrets([text, ...notes].join(' '), secrets));
  try {
    const input = parseToolInput(tool.input, args);
    ctx.page = pageRequest(tool, input);
    const output = await tool.run(input as never, ctx);
    ctx.log.debug({ tool: tool.name, ms: Math.round(performance.now() - started) }, 'tool call done');
    return shapeResult(tool, input, output as Record<string, unknown>, ctx.maxResultChars, secrets);
  } catch (error) {
    const ms = Math.round(performance.now() - started);
    if (error instanceof PlatformError) {
      ctx.log.info(
        {
          tool: tool.name,
          ms,
          platform: error.platform,
          status: error.status,
          kind: error.kind,
          requestId: error.requestId,
        },
        'tool call failed at the platform',
      );
      return errorResult(
        errorText(error, tool.notFoundHint, ctx.platforms.find((p) => p.name === error.platform)?.hints),
      );
    }
    if (ctx.signal.aborted) return errorResult('The call was cancelled before it finished.');
    if (error instanceof ToolInputError) {
      return errorResult(scrubSecrets(`Invalid input for ${tool.name}: ${error.message}`));
    }
    const message = error instanceof Error ? error.message : String(error);
    ctx.log.error({ tool: tool.name, ms, err: error }, 'tool failed unexpectedly');
    return errorResult(
      scrubSecrets(
        `${tool.name} failed unexpectedly: ${message}. This is a bug in the server; please report it.`,
      ),
    );
  }
}
