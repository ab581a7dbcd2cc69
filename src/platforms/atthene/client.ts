import { PlatformError } from '../../core/errors.js';
import { HttpClient, path } from '../../core/http-client.js';
import type { ClientOptions } from '../../core/platform.js';
import type { AttheneCredentials } from './credentials.js';

export type AttheneConfig = Record<string, unknown>;

export interface AttheneAgent {
  id: string;
  name: string;
  agent_key?: string;
  architecture?: string;
  entry_point?: string | null;
  version_number?: string;
  config_hash?: string;
  system_config?: AttheneConfig;
  created_at?: string;
  updated_at?: string;
  [key: string]: unknown;
}

export interface AttheneValidation {
  valid: boolean;
  message?: string;
  errors?: Array<{ field?: string; message: string }>;
}

export interface AttheneSession {
  session_id: string;
  config_hash?: string;
  created_at?: string;
  status?: string;
  agent_config?: AttheneConfig;
  agent_id?: string;
  agent_key?: string;
  [key: string]: unknown;
}

export interface AttheneMessage {
  id?: string;
  role: string;
  content: unknown;
  timestamp?: string;
  created_at?: string | number;
}

export interface AttheneMessagePage {
  messages: AttheneMessage[];
  total: number;
  has_more: boolean;
}

export interface AttheneStatus {
  session_id: string;
  status: string;
  message_count?: number;
  last_activity?: string;
  created_at?: string;
  health?: string;
}

export type ExecuteContent = string | Array<Record<string, unknown>>;

export interface ExecuteRequest {
  content: ExecuteContent;
  correlation_id?: string;
  inputs?: Record<string, unknown>;
}

/** One shape for all three documented execute responses (apis/atthene.md §3.1 A, B, C). */
export interface ExecuteResult {
  status: string;
  reply: string;
  messages: Array<{ id?: string; role: string; content: string; created_at?: string }>;
  tool_calls: unknown[];
  usage?: { input_tokens?: number; output_tokens?: number };
  execution_time?: number;
  correlation_id?: string;
  message_id?: string;
}

export const DEFAULT_EXECUTE_TIMEOUT_MS = 300_000;
/** Pages of a Django REST history followed for one read. */
const MAX_NEXT_PAGES = 20;

/** Text of a message content that may be a string or content blocks. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((block) =>
        block && typeof block === 'object' && typeof (block as { text?: unknown }).text === 'string'
          ? (block as { text: string }).text
          : '',
      )
      .filter(Boolean)
      .join('\n');
  }
  return content === undefined || content === null ? '' : JSON.stringify(content);
}

function isoTime(value: unknown): string | undefined {
  if (typeof value === 'number') return new Date(value * 1000).toISOString(); // shape B uses Unix seconds
  return typeof value === 'string' ? value : undefined;
}

export function normaliseExecute(body: Record<string, unknown>): ExecuteResult {
  const response = body.response as { content?: unknown; tool_calls?: unknown[] } | undefined;
  if (response && typeof response === 'object') {
    // Shape A (API reference): {success, message_id, response: {content, tool_calls}, correlation_id}
    const reply = contentText(response.content);
    return {
      status: body.success === false ? 'error' : 'completed',
      reply,
      messages: [
        {
          ...(typeof body.message_id === 'string' ? { id: body.message_id } : {}),
          role: 'assistant',
          content: reply,
        },
      ],
      tool_calls: Array.isArray(response.tool_calls) ? response.tool_calls : [],
      ...(typeof body.correlation_id === 'string' ? { correlation_id: body.correlation_id } : {}),
      ...(typeof body.message_id === 'string' ? { message_id: body.message_id } : {}),
    };
  }
  // Shapes B (REST tutorial: object "agent.session") and C (type "execution_result") carry messages[].
  const raw = Array.isArray(body.messages) ? (body.messages as Array<Record<string, unknown>>) : [];
  const messages = raw.map((m) => ({
    ...(typeof m.id === 'string' ? { id: m.id } : {}),
    role: typeof m.role === 'string' ? m.role : 'assistant',
    content: contentText(m.content),
    ...(isoTime(m.created_at ?? m.timestamp) ? { created_at: isoTime(m.created_at ?? m.timestamp) } : {}),
  }));
  const metadata = (body.metadata ?? {}) as { correlation_id?: unknown; usage?: ExecuteResult['usage'] };
  const toolCalls = raw.flatMap((m) => (Array.isArray(m.tool_calls) ? (m.tool_calls as unknown[]) : []));
  return {
    status: typeof body.status === 'string' ? body.status : 'completed',
    reply: messages.filter((m) => m.role === 'assistant').at(-1)?.content ?? '',
    messages,
    tool_calls: toolCalls,
    ...(metadata.usage ? { usage: metadata.usage } : {}),
    ...(typeof body.execution_time === 'number' ? { execution_time: body.execution_time } : {}),
    ...(typeof metadata.correlation_id === 'string' ? { correlation_id: metadata.correlation_id } : {}),
  };
}

/** Lists whose shape the docs do not show: a bare array, or an object holding one. */
function listOf(data: unknown, ...keys: string[]): unknown[] {
  if (Array.isArray(data)) return data;
  if (data && typeof data === 'object') {
    for (const key of keys) {
      const value = (data as Record<string, unknown>)[key];
      if (Array.isArray(value)) return value;
    }
  }
  return [];
}

function record(data: unknown): Record<string, unknown> {
  return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
}

/** An answer the client cannot read safely: reported, never guessed at. */
function unexpected(message: string, code = 'unexpected_response'): PlatformError {
  return new PlatformError({ kind: 'server', platform: 'atthene', code, message });
}

/**
 * The one place an object's id is read: the API reference names it `session_id`, `agent_id` or
 * `knowledge_base_id` in some answers and `id` in others (the quick-start reads `data["id"]`, the
 * status example shows `"id": "session_123"`; apis/atthene.md §2-§4). Both are accepted; the
 * normalised object carries the name the tools use.
 */
function withId<T>(data: unknown, keys: readonly string[], fallback?: string): T {
  const object = record(data);
  const found = keys.map((k) => object[k]).find((v) => typeof v === 'string' || typeof v === 'number');
  if (found === undefined && fallback === undefined) {
    throw unexpected(
      `the platform's answer has no ${keys.join(' or ')} (it has: ${Object.keys(object).slice(0, 12).join(', ') || 'nothing'})`,
    );
  }
  return { ...object, [keys[0] as string]: String(found ?? fallback) } as T;
}

interface HistoryWindow {
  limit: number;
  offset: number;
}

/**
 * The window [offset, offset+limit) of `items`, the first of which sits at position `start` of the
 * history. has_more: something lies past the window in `items`, or `beyond` says the platform has more.
 */
function windowOf(
  items: AttheneMessage[],
  start: number,
  window: HistoryWindow,
  beyond: boolean,
): AttheneMessagePage {
  const from = window.offset - start;
  const messages = items.slice(from, from + window.limit);
  return {
    messages,
    // Exact when the answer was the whole history; otherwise the messages known to exist.
    total: start + items.length,
    has_more: messages.length > 0 && (items.length > from + window.limit || beyond),
  };
}

/** One message in two answers: the same id, or (without ids) the same fields. */
function sameMessage(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return false;
  const id = (m: unknown) => record(m).id;
  if (id(a) !== undefined && id(b) !== undefined) return String(id(a)) === String(id(b));
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Messages whose id was not seen yet (messages without an id are kept); records the new ids. */
function uniqueById(messages: AttheneMessage[], seen: Set<string>): AttheneMessage[] {
  return messages.filter((m) => {
    if (m.id === undefined) return true;
    if (seen.has(String(m.id))) return false;
    seen.add(String(m.id));
    return true;
  });
}

/** The `offset` parameter of a pagination link (NaN without one). */
function linkOffset(link: string): number {
  try {
    return Number(new URL(link, 'http://link.invalid').searchParams.get('offset') ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
}

const SESSION_ID = ['session_id', 'id'] as const;
const AGENT_ID = ['id', 'agent_id'] as const;
const KB_ID = ['id', 'knowledge_base_id'] as const;
const asSession = (data: unknown, fallback?: string) => withId<AttheneSession>(data, SESSION_ID, fallback);
const asAgent = (data: unknown, fallback?: string) => withId<AttheneAgent>(data, AGENT_ID, fallback);

/** Atthene AMAS REST API (apis/atthene.md): `x-api-key`, every path with its trailing slash. */
export class AttheneClient {
  readonly http: HttpClient;
  readonly #executeTimeoutMs: number;
  // The platform limits concurrency per session (§1): executes on one session run one at a time.
  readonly #sessionQueues = new Map<string, Promise<unknown>>();

  constructor(
    readonly credentials: AttheneCredentials,
    options: ClientOptions & { executeTimeoutMs?: number } = {},
  ) {
    const { executeTimeoutMs, ...http } = options;
    this.#executeTimeoutMs = executeTimeoutMs ?? DEFAULT_EXECUTE_TIMEOUT_MS;
    this.http = new HttpClient({
      ...http,
      platform: 'atthene',
      baseUrl: credentials.baseUrl,
      headers: { 'x-api-key': credentials.apiKey },
    });
  }

  /** POST /agent/validate/ with the raw config (not wrapped in system_config). */
  async validateAgent(config: AttheneConfig, signal?: AbortSignal): Promise<AttheneValidation> {
    try {
      const response = await this.http.request<AttheneValidation>({
        method: 'POST',
        path: '/agent/validate/',
        json: config,
        signal,
        retry: 'idempotent',
      });
      return response.data;
    } catch (error) {
      // Some deployments answer an invalid config with 400 and the same {valid:false, errors} body.
      if (
        error instanceof PlatformError &&
        error.status === 400 &&
        error.body &&
        typeof error.body === 'object' &&
        'valid' in error.body
      ) {
        return error.body as AttheneValidation;
      }
      throw error;
    }
  }

  /** GET /agent/: a bare array (no pagination documented). */
  async listAgents(signal?: AbortSignal): Promise<AttheneAgent[]> {
    const data = (await this.http.request({ method: 'GET', path: '/agent/', signal })).data;
    return listOf(data, 'results', 'agents').map((a) => asAgent(a));
  }

  async getAgent(id: string, signal?: AbortSignal): Promise<AttheneAgent> {
    return asAgent((await this.http.request({ method: 'GET', path: path`/agent/${id}/`, signal })).data, id);
  }

  async createAgent(systemConfig: AttheneConfig, signal?: AbortSignal): Promise<AttheneAgent> {
    const response = await this.http.request({
      method: 'POST',
      path: '/agent/',
      json: { system_config: systemConfig },
      signal,
    });
    return asAgent(response.data);
  }

  /**
   * PATCH /agent/{id}/ with the WHOLE system_config: the platform replaces the saved config with
   * what is sent (apis/atthene.md §2, update). Callers merge a partial change first.
   */
  async updateAgent(id: string, systemConfig: AttheneConfig, signal?: AbortSignal): Promise<AttheneAgent> {
    const response = await this.http.request({
      method: 'PATCH',
      path: path`/agent/${id}/`,
      json: { system_config: systemConfig },
      signal,
    });
    return asAgent(response.data, id);
  }

  async deleteAgent(id: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({ method: 'DELETE', path: path`/agent/${id}/`, signal });
  }

  /** POST /sessions/ with a flat or multi-agent config object, or YAML text sent as application/yaml. */
  async createSession(config: AttheneConfig | string, signal?: AbortSignal): Promise<AttheneSession> {
    const body =
      typeof config === 'string' ? { body: config, contentType: 'application/yaml' } : { json: config };
    return asSession((await this.http.request({ method: 'POST', path: '/sessions/', ...body, signal })).data);
  }

  /** POST /sessions/from-agent/{agent_id}/: a session on the saved agent's current configuration. */
  async createSessionFromAgent(agentId: string, signal?: AbortSignal): Promise<AttheneSession> {
    const response = await this.http.request({
      method: 'POST',
      path: path`/sessions/from-agent/${agentId}/`,
      signal,
    });
    return asSession(response.data);
  }

  /** GET /sessions/from-agent/?agent_key=: creates a session although it is a GET, so never retried. */
  async createSessionFromAgentKey(agentKey: string, signal?: AbortSignal): Promise<AttheneSession> {
    const response = await this.http.request({
      method: 'GET',
      path: '/sessions/from-agent/',
      query: { agent_key: agentKey },
      signal,
      retry: 'never',
    });
    return asSession(response.data);
  }

  /** GET /sessions/: the shape is not documented; a bare array or {sessions|results: [...]}. */
  async listSessions(signal?: AbortSignal): Promise<AttheneSession[]> {
    const data = (await this.http.request({ method: 'GET', path: '/sessions/', signal })).data;
    return listOf(data, 'sessions', 'results').map((s) => asSession(s));
  }

  async getSession(id: string, signal?: AbortSignal): Promise<AttheneSession> {
    return asSession(
      (await this.http.request({ method: 'GET', path: path`/sessions/${id}/`, signal })).data,
      id,
    );
  }

  async deleteSession(id: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({ method: 'DELETE', path: path`/sessions/${id}/`, signal });
  }

  /** POST /runtime/{session_id}/execute/: runs one turn; serialised per session; normalised. */
  async execute(sessionId: string, request: ExecuteRequest, signal?: AbortSignal): Promise<ExecuteResult> {
    const previous = this.#sessionQueues.get(sessionId) ?? Promise.resolve();
    const run = previous.catch(() => {}).then(() => this.#executeNow(sessionId, request, signal));
    this.#sessionQueues.set(sessionId, run);
    try {
      return await run;
    } finally {
      if (this.#sessionQueues.get(sessionId) === run) this.#sessionQueues.delete(sessionId);
    }
  }

  async #executeNow(
    sessionId: string,
    request: ExecuteRequest,
    signal?: AbortSignal,
  ): Promise<ExecuteResult> {
    signal?.throwIfAborted();
    // ATTHENE_EXECUTE_TIMEOUT_SECONDS bounds the whole turn, not only the wait for headers.
    const timeout = AbortSignal.timeout(this.#executeTimeoutMs);
    try {
      const response = await this.http.request<Record<string, unknown>>({
        method: 'POST',
        path: path`/runtime/${sessionId}/execute/`,
        json: request,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        headersTimeoutMs: this.#executeTimeoutMs,
        bodyTimeoutMs: this.#executeTimeoutMs,
      });
      return normaliseExecute(response.data ?? {});
    } catch (error) {
      if (
        signal?.aborted ||
        !(timeout.aborted || (error instanceof PlatformError && error.kind === 'timeout'))
      )
        throw error;
      throw new PlatformError({
        kind: 'timeout',
        platform: 'atthene',
        code: 'execute_timeout',
        message: `the agent turn did not finish within ${this.#executeTimeoutMs / 1000} s (ATTHENE_EXECUTE_TIMEOUT_SECONDS) and was abandoned; the platform may still complete it: check atthene_get_status, then atthene_get_messages`,
        method: 'POST',
        path: path`/runtime/${sessionId}/execute/`,
        cause: error,
      });
    }
  }

  /**
   * GET /runtime/{session_id}/messages/?limit=&offset=. Three answers are read (apis/atthene.md
   * §3.2 and the quick-start's `get_history() -> list`): the documented `{messages, total,
   * has_more}`; a bare array; and Django REST's `{count, next, previous, results}`. Whether the
   * platform applied the limit and offset sent is read from each answer (see #arrayPage and
   * #resultsPage), never assumed: the messages returned are always the window [offset, offset+limit).
   */
  async getMessages(
    sessionId: string,
    query: { limit?: number; offset?: number } = {},
    signal?: AbortSignal,
  ): Promise<AttheneMessagePage> {
    const window = { limit: query.limit ?? 50, offset: query.offset ?? 0 };
    const data = await this.#history(sessionId, window, signal);
    if (Array.isArray(data)) return this.#arrayPage(sessionId, data as AttheneMessage[], window, signal);
    const body = record(data);
    if (Array.isArray(body.results)) {
      // Without links or count, a {results} page says no more than a bare array does.
      return 'next' in body || 'count' in body
        ? this.#resultsPage(sessionId, body, window, signal)
        : this.#arrayPage(sessionId, body.results as AttheneMessage[], window, signal);
    }
    if (!Array.isArray(body.messages)) {
      // Reading an unknown shape as "no messages" would hide the history: say so instead.
      throw unexpected(
        `the history came back in an unknown shape (keys: ${Object.keys(body).slice(0, 12).join(', ') || 'none'}); expected a list, {messages, total, has_more} or {count, next, results}`,
      );
    }
    const messages = body.messages as AttheneMessage[];
    return {
      messages,
      total: typeof body.total === 'number' ? body.total : window.offset + messages.length,
      has_more: body.has_more === true,
    };
  }

  async #history(sessionId: string, window: HistoryWindow, signal?: AbortSignal): Promise<unknown> {
    return (
      await this.http.request({
        method: 'GET',
        path: path`/runtime/${sessionId}/messages/`,
        query: { limit: window.limit, offset: window.offset },
        signal,
      })
    ).data;
  }

  /**
   * A bare array (§3.2 inference): a list view without pagination answers the whole history
   * whatever limit and offset say; one that applies them answers [offset, offset+limit). At
   * offset 0 both start at position 0. Past it, the answer is compared with the history's first
   * message (one request for limit=1, offset=0): the same message means the offset was ignored.
   * A full page that did apply them may have more behind it, so has_more stays true until a short
   * page (at most one extra, empty read).
   */
  async #arrayPage(
    sessionId: string,
    items: AttheneMessage[],
    window: HistoryWindow,
    signal?: AbortSignal,
  ): Promise<AttheneMessagePage> {
    if (items.length === 0) return windowOf(items, window.offset, window, false);
    if (window.offset === 0) return windowOf(items, 0, window, items.length === window.limit);
    const head = await this.#head(sessionId, signal);
    if (!sameMessage(head[0], items[0]))
      return windowOf(items, window.offset, window, items.length >= window.limit);
    if (head.length === 1 && items.length === window.limit && window.limit > 1) {
      // Offset ignored yet limit applied: the messages past the first page cannot be reached.
      throw unexpected(
        `the platform ignores offset but applies limit on this history, so messages after the first ${items.length} cannot be read`,
        'history_offset_ignored',
      );
    }
    return windowOf(items, 0, window, false);
  }

  /**
   * Django REST's `{count, next, previous, results}` (§3.2 inference). LimitOffsetPagination
   * applies offset (its `previous` is set whenever offset > 0, its `next` moves offset on);
   * PageNumberPagination ignores it and answers page 1, `previous` null, a `next` that only
   * echoes our offset beside `page=2`. Page 1 is then walked through `next` only (never a page
   * twice, at most MAX_NEXT_PAGES, messages de-duplicated by id) until the window is covered.
   */
  async #resultsPage(
    sessionId: string,
    first: Record<string, unknown>,
    window: HistoryWindow,
    signal?: AbortSignal,
  ): Promise<AttheneMessagePage> {
    const start = await this.#resultsStart(sessionId, first, window, signal);
    const ids = new Set<string>();
    const items = uniqueById(first.results as AttheneMessage[], ids);
    const visited = new Set<string>();
    let next = first.next;
    for (let page = 1; typeof next === 'string' && page < MAX_NEXT_PAGES; page++) {
      if (start + items.length >= window.offset + window.limit || visited.has(next)) break;
      visited.add(next);
      const link = this.#sameOriginPath(next);
      const body = record((await this.http.request({ method: 'GET', path: link, signal })).data);
      if (!Array.isArray(body.results) || body.results.length === 0) {
        next = undefined;
        break;
      }
      items.push(...uniqueById(body.results as AttheneMessage[], ids));
      next = body.next;
    }
    const more = typeof next === 'string' && !visited.has(next);
    if (more && start + items.length <= window.offset) {
      throw unexpected(
        `the history pages by page number and offset ${window.offset} lies beyond the ${MAX_NEXT_PAGES} pages (${items.length} messages) one read follows`,
        'history_too_deep',
      );
    }
    const page = windowOf(items, start, window, more);
    return typeof first.count === 'number' ? { ...page, total: first.count } : page;
  }

  /** Where the first of `results` sits in the history: `offset` if the platform applied it, else 0. */
  async #resultsStart(
    sessionId: string,
    body: Record<string, unknown>,
    window: HistoryWindow,
    signal?: AbortSignal,
  ): Promise<number> {
    const results = body.results as AttheneMessage[];
    if (window.offset === 0 || typeof body.previous === 'string' || results.length === 0)
      return window.offset;
    if (typeof body.next === 'string') return linkOffset(body.next) > window.offset ? window.offset : 0;
    // No links: a single page answered whole has count == its length; a later page of more has not.
    if (typeof body.count === 'number') return body.count > results.length ? window.offset : 0;
    return sameMessage((await this.#head(sessionId, signal))[0], results[0]) ? 0 : window.offset;
  }

  /** The answer to limit=1, offset=0: its first message is the history's first, whatever paging applies. */
  async #head(sessionId: string, signal?: AbortSignal): Promise<unknown[]> {
    return listOf(await this.#history(sessionId, { limit: 1, offset: 0 }, signal), 'results', 'messages');
  }

  /** A `next` link as a path under the base URL; a link anywhere else is refused, never followed. */
  #sameOriginPath(link: string): string {
    const base = new URL(this.http.baseUrl);
    const prefix = base.pathname.replace(/\/+$/, '');
    let url: URL | undefined;
    try {
      url = new URL(link, base);
    } catch {
      url = undefined;
    }
    if (!url || url.origin !== base.origin || !url.pathname.startsWith(`${prefix}/`)) {
      throw unexpected(
        `the history's next link leaves ${base.origin}${prefix} (${link.slice(0, 200)}); it was not followed`,
        'foreign_next_link',
      );
    }
    return `${url.pathname.slice(prefix.length)}${url.search}`;
  }

  async getStatus(sessionId: string, signal?: AbortSignal): Promise<AttheneStatus> {
    const response = await this.http.request({
      method: 'GET',
      path: path`/runtime/${sessionId}/status/`,
      signal,
    });
    return withId<AttheneStatus>(response.data, SESSION_ID, sessionId);
  }

  async getKnowledgeBase(id: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const response = await this.http.request({ method: 'GET', path: path`/knowledge-bases/${id}/`, signal });
    return withId(response.data, KB_ID, id);
  }

  /** Knowledge base processing status: the newer `check_status/`, falling back to the older `status/`. */
  async getKnowledgeBaseStatus(id: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    try {
      return (
        await this.http.request<Record<string, unknown>>({
          method: 'GET',
          path: path`/knowledge-bases/${id}/check_status/`,
          signal,
        })
      ).data;
    } catch (error) {
      if (!(error instanceof PlatformError) || (error.status !== 404 && error.status !== 405)) throw error;
      return (
        await this.http.request<Record<string, unknown>>({
          method: 'GET',
          path: path`/knowledge-bases/${id}/status/`,
          signal,
        })
      ).data;
    }
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
