import { HttpClient, path, type QueryValue } from '../../core/http-client.js';
import type { ClientOptions } from '../../core/platform.js';
import type { AmigoCredentials } from './credentials.js';
import { type AmigoTurnEvent, turnEvents } from './turn-stream.js';

export type { AmigoTurnEvent } from './turn-stream.js';

// Amigo Platform API (apis/amigo.md; shapes from src/platforms/amigo/openapi.subset.json, the
// operations' own OpenAPI document). One method per operation; no formatting here.

type Json = Record<string, unknown>;

/** `GET /v1/auth/me` (get-auth-info). */
export interface AmigoAuthInfo {
  key_id: string;
  name: string | null;
  workspace_id: string;
  expires_at: string;
  expires_in_seconds: number;
}

/** Continuation-token lists (agents, services): the token is an integer offset in practice. */
export interface TokenPage<T> {
  items: T[];
  has_more: boolean;
  continuation_token?: number | null;
  total?: number | null;
}

export interface AmigoAgent {
  id: string;
  name: string;
  description: string;
  latest_version?: number;
  workspace_id: string;
  created_at: string;
  updated_at: string;
}

export interface AmigoAgentVersion extends Json {
  agent_id: string;
  version: number;
  name: string;
  initials: string;
  identity: {
    name: string;
    role: string;
    developed_by: string;
    default_spoken_language: string;
    relationship_to_developer?: unknown;
  };
  background: string;
  behaviors: string[];
  communication_patterns: string[];
}

export interface AmigoService extends Json {
  id: string;
  name: string;
  description: string;
  agent_id: string;
  agent_name?: string | null;
  channel_type?: 'voice' | 'text' | 'scribe';
  environment?: 'sandbox' | 'production';
  is_active: boolean;
  tags: Array<{ key: string; value?: string | null }>;
}

export interface AmigoContextGraph extends Json {
  id: string;
  name: string;
  description: string;
  latest_version?: number;
  state_count?: number;
}

/** A state of a context graph version: ContextGraphState-Output, a union tagged by `type`. */
export interface AmigoGraphState extends Json {
  type: 'action' | 'decision' | 'annotation' | 'data_collection';
  name: string;
  objective?: string;
  exit_conditions?: Array<{ description: string; next_state: string }>;
  next_state?: string;
  on_complete?: string;
}

export interface AmigoContextGraphVersion extends Json {
  context_graph_id: string;
  version: number;
  description: string;
  states: AmigoGraphState[];
  new_user_initial_state: string;
  returning_user_initial_state: string;
  terminal_state: string;
}

export interface AmigoTurn {
  role: 'agent' | 'user' | 'system';
  text: string;
  timestamp?: string | null;
  content?: unknown[];
}

export interface AmigoConversationSummary extends Json {
  id: string;
  channel_kind: string;
  status: string;
  lifecycle: string;
  service_id?: string | null;
  entity_id?: string | null;
  turn_count?: number;
  created_at: string;
  updated_at: string;
}

export interface AmigoConversation extends AmigoConversationSummary {
  turns?: AmigoTurn[];
}

export interface AmigoTurnResponse {
  turn_id: string;
  input: AmigoTurn;
  output: AmigoTurn[];
  tool_calls?: Array<{
    tool_name: string;
    call_id: string;
    input?: Json;
    result?: string;
    succeeded?: boolean;
  }>;
  conversation: { id: string; status: string; turn_count?: number; updated_at: string };
}

export interface OffsetPage {
  has_more: boolean;
  total?: number;
  next_offset?: number | null;
}

export interface AmigoEntity extends Json {
  id: string;
  entity_type: string;
  display_name?: string | null;
}

export interface AmigoEvent extends Json {
  id: string;
  domain: string;
  event_type: string;
  data?: Json;
  effective_at?: string | null;
}

export type EntityQuery = {
  entity_type?: string[];
  q?: string;
  semantic?: string;
  tags?: string[];
  limit?: number;
  offset?: number;
};

/** SimulationSnapshotResponse: the history items are untyped objects in the document. */
export interface AmigoSimulationSnapshot extends Json {
  current_state: { name: string; type: string } & Json;
  conversation_history?: Json[];
  states_visited?: string[];
  terminal_reached?: boolean;
  terminal_state?: string | null;
  total_turns?: number;
}

/** SimulationObservation: one step's outcome. */
export interface AmigoSimulationObservation extends Json {
  state_before: string;
  state_after: string;
  state_changed: boolean;
  agent_text: string;
  is_terminal: boolean;
  tools_called?: string[];
}

/** Page sizes and periods kept within each operation's documented maximum, so no call earns a 422. */
export const AMIGO_LIMITS = { tokenPage: 20, offsetPage: 100, timeline: 200, days: 90 } as const;
const clamp = (value: number | undefined, max: number) =>
  value === undefined ? undefined : Math.min(Math.max(1, Math.trunc(value)), max);

export class AmigoClient {
  readonly http: HttpClient;

  constructor(
    readonly credentials: AmigoCredentials,
    options: ClientOptions = {},
  ) {
    this.http = new HttpClient({
      ...options,
      platform: 'amigo',
      baseUrl: credentials.baseUrl,
      headers: { authorization: `Bearer ${credentials.apiKey}` },
    });
    this.#workspacePath = path`/v1/${credentials.workspaceId}`;
  }

  /** Every route's prefix, encoded once. */
  readonly #workspacePath: string;

  get workspaceId(): string {
    return this.credentials.workspaceId;
  }

  async #get<T>(route: string, query?: Record<string, QueryValue>, signal?: AbortSignal): Promise<T> {
    return (
      await this.http.request<T>({
        method: 'GET',
        path: `${this.#workspacePath}${route}`,
        query,
        signal,
      })
    ).data;
  }

  async #post<T>(route: string, json: unknown, signal?: AbortSignal, retry?: 'idempotent'): Promise<T> {
    return (
      await this.http.request<T>({
        method: 'POST',
        path: `${this.#workspacePath}${route}`,
        json,
        signal,
        ...(retry ? { retry } : {}),
      })
    ).data;
  }

  async #put<T>(route: string, json: unknown, signal?: AbortSignal): Promise<T> {
    return (
      await this.http.request<T>({
        method: 'PUT',
        path: `${this.#workspacePath}${route}`,
        json,
        signal,
      })
    ).data;
  }

  /** GET /v1/auth/me: who the key is, and its workspace. */
  async getAuthInfo(signal?: AbortSignal): Promise<AmigoAuthInfo> {
    return (await this.http.request<AmigoAuthInfo>({ method: 'GET', path: '/v1/auth/me', signal })).data;
  }

  listAgents(query: { search?: string; limit?: number; continuation_token?: number }, signal?: AbortSignal) {
    return this.#get<TokenPage<AmigoAgent>>(
      '/agents',
      { ...query, limit: clamp(query.limit, AMIGO_LIMITS.tokenPage) },
      signal,
    );
  }
  getAgent(agentId: string, signal?: AbortSignal) {
    return this.#get<AmigoAgent>(path`/agents/${agentId}`, undefined, signal);
  }
  /** version: a number, or `latest`. */
  getAgentVersion(agentId: string, version: number | 'latest', signal?: AbortSignal) {
    return this.#get<AmigoAgentVersion>(path`/agents/${agentId}/versions/${version}`, undefined, signal);
  }

  listServices(
    query: { search?: string; is_active?: boolean; limit?: number; continuation_token?: number },
    signal?: AbortSignal,
  ) {
    return this.#get<TokenPage<AmigoService>>(
      '/services',
      { ...query, limit: clamp(query.limit, AMIGO_LIMITS.tokenPage) },
      signal,
    );
  }
  getService(serviceId: string, signal?: AbortSignal) {
    return this.#get<AmigoService>(path`/services/${serviceId}`, undefined, signal);
  }

  createConversation(
    body: { service_id: string; entity_id?: string; auto_greet?: boolean },
    signal?: AbortSignal,
  ) {
    return this.#post<AmigoConversation>('/conversations', body, signal);
  }
  listConversations(
    query: { channel_kind?: string; status?: string; limit?: number; offset?: number },
    signal?: AbortSignal,
  ) {
    return this.#get<{ items: AmigoConversationSummary[]; total: number; has_more: boolean }>(
      '/conversations',
      { ...query, limit: clamp(query.limit, AMIGO_LIMITS.offsetPage) },
      signal,
    );
  }
  getConversation(conversationId: string, signal?: AbortSignal) {
    return this.#get<AmigoConversation>(path`/conversations/${conversationId}`, undefined, signal);
  }
  async closeConversation(conversationId: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({
      method: 'DELETE',
      path: `${this.#workspacePath}${path`/conversations/${conversationId}`}`,
      signal,
    });
  }
  /** POST .../turns (JSON answer). */
  createTurn(
    conversationId: string,
    body: { message: string },
    includeToolCalls: boolean,
    signal?: AbortSignal,
  ) {
    return this.http
      .request<AmigoTurnResponse>({
        method: 'POST',
        path: `${this.#workspacePath}${path`/conversations/${conversationId}/turns`}`,
        query: { include_tool_calls: includeToolCalls },
        json: body,
        signal,
      })
      .then((r) => r.data);
  }
  /**
   * POST .../turns/stream: the turn's events, parsed (turn-stream.ts). Throws a PlatformError for
   * an `error` event, a malformed frame or a stream that ends before `done`.
   */
  async *streamTurn(
    conversationId: string,
    body: { message: string },
    includeToolCalls: boolean,
    signal?: AbortSignal,
  ): AsyncGenerator<AmigoTurnEvent> {
    const stream = await this.http.stream({
      method: 'POST',
      path: `${this.#workspacePath}${path`/conversations/${conversationId}/turns/stream`}`,
      query: { include_tool_calls: includeToolCalls },
      json: body,
      accept: 'text/event-stream',
      signal,
      bodyTimeoutMs: 120_000,
    });
    yield* turnEvents(stream, signal);
  }

  listCalls(
    query: {
      service_id?: string;
      direction?: string;
      status?: string;
      date_from?: string;
      date_to?: string;
      limit?: number;
      offset?: number;
    },
    signal?: AbortSignal,
  ) {
    return this.#get<{ items: Json[]; has_more: boolean; total: number; continuation_token?: number | null }>(
      '/calls',
      { ...query, limit: clamp(query.limit, AMIGO_LIMITS.offsetPage) },
      signal,
    );
  }
  getCall(callId: string, signal?: AbortSignal) {
    return this.#get<Json>(path`/calls/${callId}`, undefined, signal);
  }
  getCallIntelligence(callId: string, signal?: AbortSignal) {
    return this.#get<Json>(path`/calls/${callId}/intelligence`, undefined, signal);
  }

  listEntities(query: EntityQuery, signal?: AbortSignal) {
    return this.#get<OffsetPage & { entities: AmigoEntity[] }>(
      '/world/entities',
      { ...query, limit: clamp(query.limit, AMIGO_LIMITS.offsetPage) },
      signal,
    );
  }
  /** GET /world/search: the response is an untyped object in the document; passed through. */
  searchWorld(
    query: { q: string; entity_type?: string; limit?: number; offset?: number },
    signal?: AbortSignal,
  ) {
    return this.#get<Json>(
      '/world/search',
      { ...query, limit: clamp(query.limit, AMIGO_LIMITS.offsetPage) },
      signal,
    );
  }
  /** POST /world/entities/resolve: a lookup, so retried like a read. */
  resolveEntity(body: Json, signal?: AbortSignal) {
    return this.#post<{ matches: Json[]; total: number }>(
      '/world/entities/resolve',
      body,
      signal,
      'idempotent',
    );
  }
  getEntity(entityId: string, signal?: AbortSignal) {
    return this.#get<AmigoEntity>(path`/world/entities/${entityId}`, undefined, signal);
  }
  getEntityTimeline(
    entityId: string,
    query: { domain?: string; limit?: number; offset?: number },
    signal?: AbortSignal,
  ) {
    return this.#get<OffsetPage & { entity_id: string; events: AmigoEvent[] }>(
      path`/world/entities/${entityId}/timeline`,
      { ...query, limit: clamp(query.limit, AMIGO_LIMITS.timeline) },
      signal,
    );
  }
  listEntityTypes(signal?: AbortSignal) {
    return this.#get<{
      entity_types: Array<{
        entity_type: string;
        count: number;
        has_projection: boolean;
        last_updated: string | null;
      }>;
      total_entities: number;
    }>('/world/entity-types', undefined, signal);
  }

  getCommandCenter(signal?: AbortSignal) {
    return this.#get<Json>('/command-center', undefined, signal);
  }
  getAnalyticsDashboard(days: number, signal?: AbortSignal) {
    return this.#get<Json>('/analytics/dashboard', { days: clamp(days, AMIGO_LIMITS.days) }, signal);
  }
  getCallStats(days: number, signal?: AbortSignal) {
    return this.#get<Json>('/analytics/calls', { days: clamp(days, AMIGO_LIMITS.days) }, signal);
  }

  listFunctions(signal?: AbortSignal) {
    return this.#get<{ count: number; items: Json[] }>('/functions/registered', undefined, signal);
  }
  /** Stored read-only SQL functions: invoking one reads data, so it is retried like a read. */
  invokeFunction(name: string, body: { input: Json; alias?: string }, signal?: AbortSignal) {
    return this.#post<{ result: unknown; row_count?: number; version?: number; duration_ms?: number }>(
      path`/functions/${name}/invoke`,
      body,
      signal,
      'idempotent',
    );
  }

  // Versions and configuration (apis/amigo.md §6; operations get-context_graph,
  // get-context_graph-version, create-agent-version, create-context_graph-version, update-service,
  // upsert-service-version-set): bodies are checked against the document by the tools first.
  listAgentVersions(
    agentId: string,
    query: { limit?: number; continuation_token?: number },
    signal?: AbortSignal,
  ) {
    return this.#get<TokenPage<AmigoAgentVersion>>(
      path`/agents/${agentId}/versions`,
      { ...query, limit: clamp(query.limit, AMIGO_LIMITS.tokenPage) },
      signal,
    );
  }
  createAgentVersion(agentId: string, body: Json, signal?: AbortSignal) {
    return this.#post<AmigoAgentVersion>(path`/agents/${agentId}/versions`, body, signal);
  }
  listContextGraphs(
    query: { search?: string; limit?: number; continuation_token?: number },
    signal?: AbortSignal,
  ) {
    return this.#get<TokenPage<AmigoContextGraph>>(
      '/context-graphs',
      { ...query, limit: clamp(query.limit, AMIGO_LIMITS.tokenPage) },
      signal,
    );
  }
  getContextGraph(graphId: string, signal?: AbortSignal) {
    return this.#get<AmigoContextGraph>(path`/context-graphs/${graphId}`, undefined, signal);
  }
  updateContextGraph(graphId: string, body: { name?: string; description?: string }, signal?: AbortSignal) {
    return this.#put<AmigoContextGraph>(path`/context-graphs/${graphId}`, body, signal);
  }
  listContextGraphVersions(
    graphId: string,
    query: { limit?: number; continuation_token?: number },
    signal?: AbortSignal,
  ) {
    return this.#get<TokenPage<AmigoContextGraphVersion>>(
      path`/context-graphs/${graphId}/versions`,
      { ...query, limit: clamp(query.limit, AMIGO_LIMITS.tokenPage) },
      signal,
    );
  }
  /** version: a number, or `latest`. */
  getContextGraphVersion(graphId: string, version: number | 'latest', signal?: AbortSignal) {
    return this.#get<AmigoContextGraphVersion>(
      path`/context-graphs/${graphId}/versions/${version}`,
      undefined,
      signal,
    );
  }
  createContextGraphVersion(graphId: string, body: Json, signal?: AbortSignal) {
    return this.#post<AmigoContextGraphVersion>(path`/context-graphs/${graphId}/versions`, body, signal);
  }
  updateService(serviceId: string, body: Json, signal?: AbortSignal) {
    return this.#put<AmigoService>(path`/services/${serviceId}`, body, signal);
  }
  /** 204: no body. */
  async upsertVersionSet(serviceId: string, name: string, body: Json, signal?: AbortSignal): Promise<void> {
    await this.#put(path`/services/${serviceId}/version-sets/${name}`, body, signal);
  }

  // Simulations (apis/amigo.md §6 "Simulation"; the document's create-test-conversation family).
  createTestConversation(body: { service_id: string }, signal?: AbortSignal) {
    return this.#post<{
      session_id: string;
      greeting: string;
      is_terminal: boolean;
      snapshot: AmigoSimulationSnapshot;
    }>('/simulations/sessions', body, signal);
  }
  /** test-conversation-step: one caller turn, without the coverage auto-store of simulation-step. */
  stepTestConversation(body: { session_id: string; caller_text: string }, signal?: AbortSignal) {
    return this.#post<{ observation: AmigoSimulationObservation; snapshot: AmigoSimulationSnapshot }>(
      '/simulations/sessions/step',
      body,
      signal,
    );
  }
  /** simulation-recommend: the platform's suggestions for the next caller turn. */
  recommendCallerTurns(body: { session_id: string; n: number }, signal?: AbortSignal) {
    return this.#post<{ suggestions: string[] }>(
      '/simulations/sessions/recommend',
      body,
      signal,
      'idempotent',
    );
  }
  observeSimulation(sessionId: string, signal?: AbortSignal) {
    return this.#get<AmigoSimulationSnapshot>(path`/simulations/sessions/${sessionId}`, undefined, signal);
  }
  getSimulationIntelligence(sessionId: string, signal?: AbortSignal) {
    return this.#get<{ session_id: string; intelligence: Json }>(
      path`/simulations/sessions/${sessionId}/intelligence`,
      undefined,
      signal,
    );
  }
  scoreSimulation(
    sessionId: string,
    body: { score: number; score_rationale?: string },
    signal?: AbortSignal,
  ) {
    return this.#post<Record<string, string>>(path`/simulations/sessions/${sessionId}/score`, body, signal);
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
