import type { AttheneCredentials } from '../config.js';
import { HttpClient, path } from './core.js';
import { PlatformError } from './errors.js';
import type { ClientOptions } from './index.js';

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
function listOf<T>(data: unknown, ...keys: string[]): T[] {
  if (Array.isArray(data)) return data as T[];
  if (data && typeof data === 'object') {
    for (const key of keys) {
      const value = (data as Record<string, unknown>)[key];
      if (Array.isArray(value)) return value as T[];
    }
  }
  return [];
}

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
    return listOf<AttheneAgent>(
      (await this.http.request({ method: 'GET', path: '/agent/', signal })).data,
      'results',
      'agents',
    );
  }

  async getAgent(id: string, signal?: AbortSignal): Promise<AttheneAgent> {
    return (await this.http.request<AttheneAgent>({ method: 'GET', path: path`/agent/${id}/`, signal })).data;
  }

  async createAgent(systemConfig: AttheneConfig, signal?: AbortSignal): Promise<AttheneAgent> {
    return (
      await this.http.request<AttheneAgent>({
        method: 'POST',
        path: '/agent/',
        json: { system_config: systemConfig },
        signal,
      })
    ).data;
  }

  /** PATCH /agent/{id}/ with a partial system_config. */
  async updateAgent(id: string, systemConfig: AttheneConfig, signal?: AbortSignal): Promise<AttheneAgent> {
    return (
      await this.http.request<AttheneAgent>({
        method: 'PATCH',
        path: path`/agent/${id}/`,
        json: { system_config: systemConfig },
        signal,
      })
    ).data;
  }

  async deleteAgent(id: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({ method: 'DELETE', path: path`/agent/${id}/`, signal });
  }

  /** POST /sessions/ with a flat or multi-agent config object, or YAML text sent as application/yaml. */
  async createSession(config: AttheneConfig | string, signal?: AbortSignal): Promise<AttheneSession> {
    const body =
      typeof config === 'string' ? { body: config, contentType: 'application/yaml' } : { json: config };
    return (await this.http.request<AttheneSession>({ method: 'POST', path: '/sessions/', ...body, signal }))
      .data;
  }

  /** POST /sessions/from-agent/{agent_id}/: a session on the saved agent's current configuration. */
  async createSessionFromAgent(agentId: string, signal?: AbortSignal): Promise<AttheneSession> {
    return (
      await this.http.request<AttheneSession>({
        method: 'POST',
        path: path`/sessions/from-agent/${agentId}/`,
        signal,
      })
    ).data;
  }

  /** GET /sessions/from-agent/?agent_key=: creates a session although it is a GET, so never retried. */
  async createSessionFromAgentKey(agentKey: string, signal?: AbortSignal): Promise<AttheneSession> {
    const response = await this.http.request<AttheneSession>({
      method: 'GET',
      path: '/sessions/from-agent/',
      query: { agent_key: agentKey },
      signal,
      retry: 'never',
    });
    return response.data;
  }

  /** GET /sessions/: the shape is not documented; a bare array or {sessions|results: [...]}. */
  async listSessions(signal?: AbortSignal): Promise<AttheneSession[]> {
    return listOf<AttheneSession>(
      (await this.http.request({ method: 'GET', path: '/sessions/', signal })).data,
      'sessions',
      'results',
    );
  }

  async getSession(id: string, signal?: AbortSignal): Promise<AttheneSession> {
    return (await this.http.request<AttheneSession>({ method: 'GET', path: path`/sessions/${id}/`, signal }))
      .data;
  }

  async deleteSession(id: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({ method: 'DELETE', path: path`/sessions/${id}/`, signal });
  }

  /** POST /runtime/{session_id}/execute/: runs one turn; serialised per session; normalised. */
  async execute(sessionId: string, request: ExecuteRequest, signal?: AbortSignal): Promise<ExecuteResult> {
    const previous = this.#sessionQueues.get(sessionId) ?? Promise.resolve();
    const run = previous
      .catch(() => {})
      .then(async () => {
        signal?.throwIfAborted();
        const response = await this.http.request<Record<string, unknown>>({
          method: 'POST',
          path: path`/runtime/${sessionId}/execute/`,
          json: request,
          signal,
          headersTimeoutMs: this.#executeTimeoutMs,
          bodyTimeoutMs: this.#executeTimeoutMs,
        });
        return normaliseExecute(response.data ?? {});
      });
    this.#sessionQueues.set(sessionId, run);
    try {
      return await run;
    } finally {
      if (this.#sessionQueues.get(sessionId) === run) this.#sessionQueues.delete(sessionId);
    }
  }

  /** GET /runtime/{session_id}/messages/?limit=&offset= */
  async getMessages(
    sessionId: string,
    query: { limit?: number; offset?: number } = {},
    signal?: AbortSignal,
  ): Promise<AttheneMessagePage> {
    const response = await this.http.request<AttheneMessagePage>({
      method: 'GET',
      path: path`/runtime/${sessionId}/messages/`,
      query: { limit: query.limit, offset: query.offset },
      signal,
    });
    const data = response.data;
    return { messages: data?.messages ?? [], total: data?.total ?? 0, has_more: data?.has_more === true };
  }

  async getStatus(sessionId: string, signal?: AbortSignal): Promise<AttheneStatus> {
    return (
      await this.http.request<AttheneStatus>({
        method: 'GET',
        path: path`/runtime/${sessionId}/status/`,
        signal,
      })
    ).data;
  }

  async getKnowledgeBase(id: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return (
      await this.http.request<Record<string, unknown>>({
        method: 'GET',
        path: path`/knowledge-bases/${id}/`,
        signal,
      })
    ).data;
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
