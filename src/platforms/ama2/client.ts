import { setTimeout as sleep } from 'node:timers/promises';
import { PlatformError } from '../../core/errors.js';
import { HttpClient, path, type RequestOptions, type StreamResponse } from '../../core/http-client.js';
import type { ClientOptions } from '../../core/platform.js';
import { readSse } from '../../core/sse.js';
import type { Ama2Credentials } from './credentials.js';
import { ReconnectPolicy, type RequestWindow, type Turn, windowFor } from './event-loop.js';

export interface Ama2Health {
  status: string;
  service?: string;
  version?: string;
}

export type ParticipationMode = 'open' | 'invocation_only';

export interface Ama2Participant {
  sender_id: string;
  participant_kind?: string;
  display_name?: string;
  is_active?: boolean;
}

export interface Ama2Thread {
  thread_id: string;
  participants: Ama2Participant[];
  created_at?: string;
}

export interface Ama2ThreadSummary {
  thread_id: string;
  is_archived?: boolean;
  participants?: Ama2Participant[];
  last_message_at?: string | null;
  last_message_preview?: string | null;
  unread_count?: number;
}

/** Unknown `event_type`s pass through untouched (apis/ama2.md §2 "Event object"). */
export interface Ama2Event {
  event_id: string;
  thread_id: string;
  thread_seq: number;
  event_type: string;
  sender_id?: string;
  content?: string;
  created_at?: string;
  metadata?: Record<string, unknown> | null;
  [key: string]: unknown;
}

export interface Ama2EventPage {
  events: Ama2Event[];
  has_more: boolean;
}

export interface SendAgentMessage {
  content: string;
  client_message_id: string;
  base_seq?: number;
  latest_seen_seq?: number;
  mentions?: string[];
}

export interface Ama2Webhook {
  subscription_id: string;
  thread_id: string;
  callback_url: string;
  active: boolean;
  created_at?: string;
}

/**
 * The API origin from a base URL given either way: the SDK takes the origin ("baseURL has no
 * /api/v1", apis/ama2.md §4) while the API reference shows `https://api.ama2.me/api/v1` (§2).
 */
export function ama2Origin(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/api\/v1$/i, '');
}

/**
 * Added to every AMA2 404: a base URL with a wrong path makes every route 404, and the tools'
 * own hints only say to check the id.
 */
export const BASE_URL_HINT =
  'if the ids are right, AMA2_BASE_URL may be wrong: it must be the API origin, e.g. https://api.ama2.me; a trailing /api/v1 is accepted';

/** The same error with BASE_URL_HINT in its message when it is a 404; anything else unchanged. */
function withBaseUrlHint(error: unknown): unknown {
  if (!(error instanceof PlatformError) || error.kind !== 'not_found') return error;
  const { kind, platform, status, code, requestId, retryAfterMs, method, details, body, rateLimit } = error;
  return new PlatformError({
    kind,
    platform,
    status,
    code,
    requestId,
    retryAfterMs,
    method,
    path: error.path,
    details,
    body,
    rateLimit,
    message: `${error.message} (${BASE_URL_HINT})`,
    cause: error.cause,
  });
}

export { EVENT_LOOP_REQUESTS_PER_MINUTE } from './event-loop.js';

/** AMA2 Thread Runtime API (apis/ama2.md §2, "Gen A"): routes under /api/v1/chat/threads. */
export class Ama2Client {
  readonly http: HttpClient;
  readonly hasUserToken: boolean;
  readonly credentials: Ama2Credentials;
  readonly #eventRequests: RequestWindow;
  readonly #random: () => number;

  constructor(credentials: Ama2Credentials, options: ClientOptions = {}) {
    this.credentials = { ...credentials, baseUrl: ama2Origin(credentials.baseUrl) };
    // Mixed-auth routes try the external-agent token first; a user JWT alone works on them too.
    const bearer = credentials.token ?? credentials.userToken;
    this.hasUserToken = credentials.userToken !== undefined;
    this.#random = options.random ?? Math.random;
    this.#eventRequests = windowFor(this.credentials.baseUrl, bearer);
    this.http = new HttpClient({
      ...options,
      platform: 'ama2',
      baseUrl: this.credentials.baseUrl,
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
    });
  }

  /** GET /health (no auth): `{status, service, version}`. */
  async health(signal?: AbortSignal): Promise<Ama2Health> {
    return (await this.#request<Ama2Health>({ method: 'GET', path: '/health', signal })).data;
  }

  /** POST /api/v1/chat/threads. The same participant set returns the existing thread. */
  async createThread(
    body: { target_user_ids: string[]; initial_message?: string; participation_mode?: ParticipationMode },
    signal?: AbortSignal,
  ): Promise<Ama2Thread> {
    return (
      await this.#request<Ama2Thread>({
        method: 'POST',
        path: '/api/v1/chat/threads',
        json: body,
        signal,
      })
    ).data;
  }

  /** POST /api/v1/chat/threads/{thread_id}/agent-messages; deduplicated by client_message_id. */
  async sendAgentMessage(
    threadId: string,
    body: SendAgentMessage,
    signal?: AbortSignal,
  ): Promise<{ accepted: boolean; message_id: string }> {
    const response = await this.#request<{ accepted: boolean; message_id: string }>({
      method: 'POST',
      path: path`/api/v1/chat/threads/${threadId}/agent-messages`,
      json: body,
      signal,
    });
    return response.data;
  }

  /** GET /api/v1/chat/threads/{thread_id}/events?last_thread_seq=&limit= (not `after_seq`, §0.2). */
  async pollEvents(
    threadId: string,
    query: { lastThreadSeq?: number; limit?: number } = {},
    signal?: AbortSignal,
  ): Promise<Ama2EventPage> {
    this.#eventRequests.record();
    return this.#poll(threadId, query, signal, 'default');
  }

  async #poll(
    threadId: string,
    query: { lastThreadSeq?: number; limit?: number },
    signal: AbortSignal | undefined,
    retry: 'default' | 'never',
  ): Promise<Ama2EventPage> {
    const response = await this.#request<Ama2EventPage>({
      method: 'GET',
      path: path`/api/v1/chat/threads/${threadId}/events`,
      query: { last_thread_seq: query.lastThreadSeq, limit: query.limit },
      signal,
      retry,
    });
    return { events: response.data.events ?? [], has_more: response.data.has_more === true };
  }

  /** GET /api/v1/chat/threads/{thread_id}/events/stream: the raw SSE stream (`data:` frames only). */
  openEventStream(threadId: string, signal?: AbortSignal) {
    this.#eventRequests.record();
    return this.#openStream(threadId, signal, 'default');
  }

  #openStream(threadId: string, signal: AbortSignal | undefined, retry: 'default' | 'never') {
    return this.#stream({
      method: 'GET',
      path: path`/api/v1/chat/threads/${threadId}/events/stream`,
      accept: 'text/event-stream',
      signal,
      retry,
      // The stream stays open while the thread is quiet; only the first byte is waited for.
      bodyTimeoutMs: 0,
    });
  }

  /**
   * Every event after `afterSeq`, live, in thread_seq order and without duplicates, until `signal`
   * aborts. Uses the SSE stream; since it has no documented Last-Event-ID, each (re)connect first
   * polls from the last thread_seq seen to fill the gap. The docs do not say how long a stream
   * stays open: reconnects back off (never longer than `pollIntervalMs`), and streams that keep
   * ending at once, or fail, make the loop poll every `pollIntervalMs` instead (ReconnectPolicy).
   * Every request waits its turn in the key's per-minute budget, shared with `caller`'s other
   * loops and every other caller of the key in this process (RequestWindow).
   * Auth, permission and not-found errors end the iteration.
   */
  async *streamEvents(
    threadId: string,
    options: { afterSeq: number; signal: AbortSignal; pollIntervalMs?: number; caller?: object },
  ): AsyncGenerator<Ama2Event> {
    const { signal } = options;
    const policy = new ReconnectPolicy(options.pollIntervalMs ?? 2000, this.#random);
    const caller = options.caller ?? {};
    const seen = { last: options.afterSeq };
    while (!signal.aborted) {
      const turn: Turn = { streamed: false, openMs: 0, delivered: false };
      try {
        yield* this.#turn(threadId, seen, turn, policy.useStream(), caller, signal);
      } catch (error) {
        if (signal.aborted) return;
        if (isFatal(error)) throw error;
        turn.failure = error as PlatformError;
      }
      await sleep(policy.after(turn), undefined, { signal }).catch(() => {});
    }
  }

  /** One turn of streamEvents: open the stream (when `useStream`), catch up by polling, read it. */
  async *#turn(
    threadId: string,
    seen: { last: number },
    turn: Turn,
    useStream: boolean,
    caller: object,
    signal: AbortSignal,
  ): AsyncGenerator<Ama2Event> {
    let stream: StreamResponse | undefined;
    let reading: number | undefined;
    try {
      if (useStream) {
        await this.#eventRequests.reserve(caller, signal);
        stream = await this.#openStream(threadId, signal, 'never');
        turn.streamed = true;
      }
      // Catch up from the last seq seen (all of it, page by page) before reading live frames.
      for (let more = true; more && !signal.aborted; ) {
        await this.#eventRequests.reserve(caller, signal);
        const page = await this.#poll(threadId, { lastThreadSeq: seen.last, limit: 100 }, signal, 'never');
        yield* newEvents(page.events, seen);
        more = page.has_more && page.events.length > 0;
      }
      if (!stream) return;
      // Only the reading counts as open time: a stream the server ended at once reads nothing.
      reading = Date.now();
      for await (const frame of readSse(stream.body, { platform: 'ama2', signal })) {
        turn.delivered = true;
        const event = parseEvent(frame.data);
        if (event) yield* newEvents([event], seen);
      }
    } finally {
      turn.openMs = reading === undefined ? 0 : Date.now() - reading;
      stream?.close();
    }
  }

  /** POST /api/v1/chat/threads/{thread_id}/mode (needs the manage_thread capability). */
  async setParticipationMode(
    threadId: string,
    mode: ParticipationMode,
    signal?: AbortSignal,
  ): Promise<{ status: string }> {
    const response = await this.#request<{ status: string }>({
      method: 'POST',
      path: path`/api/v1/chat/threads/${threadId}/mode`,
      json: { participation_mode: mode },
      signal,
    });
    return response.data;
  }

  /** POST /api/v1/chat/threads/{thread_id}/webhooks with an https callback_url. */
  async registerWebhook(threadId: string, callbackUrl: string, signal?: AbortSignal): Promise<Ama2Webhook> {
    const response = await this.#request<Ama2Webhook>({
      method: 'POST',
      path: path`/api/v1/chat/threads/${threadId}/webhooks`,
      json: { callback_url: callbackUrl },
      signal,
    });
    return response.data;
  }

  /** DELETE /api/v1/chat/threads/{thread_id}/webhooks/{subscription_id} */
  async removeWebhook(
    threadId: string,
    subscriptionId: string,
    signal?: AbortSignal,
  ): Promise<{ status: string }> {
    const response = await this.#request<{ status: string }>({
      method: 'DELETE',
      path: path`/api/v1/chat/threads/${threadId}/webhooks/${subscriptionId}`,
      signal,
    });
    return response.data ?? { status: 'ok' };
  }

  /**
   * GET /api/v1/chat/threads, user JWT only. The docs' schema says `{threads: [...]}` but the
   * example is a bare array; accept both.
   */
  async listThreads(signal?: AbortSignal): Promise<Ama2ThreadSummary[]> {
    if (!this.credentials.userToken) throw new Error('listThreads needs AMA2_USER_TOKEN');
    const response = await this.#request<Ama2ThreadSummary[] | { threads: Ama2ThreadSummary[] }>({
      method: 'GET',
      path: '/api/v1/chat/threads',
      headers: { authorization: `Bearer ${this.credentials.userToken}` },
      signal,
    });
    const data = response.data;
    return Array.isArray(data) ? data : (data?.threads ?? []);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  async #request<T>(options: RequestOptions) {
    try {
      return await this.http.request<T>(options);
    } catch (error) {
      throw withBaseUrlHint(error);
    }
  }

  async #stream(options: RequestOptions) {
    try {
      return await this.http.stream(options);
    } catch (error) {
      throw withBaseUrlHint(error);
    }
  }
}

/** The events past `seen.last`, advancing it: a reconnect's catch-up may repeat what was seen. */
function* newEvents(events: Ama2Event[], seen: { last: number }): Generator<Ama2Event> {
  for (const event of events) {
    if (event.thread_seq > seen.last) {
      seen.last = event.thread_seq;
      yield event;
    }
  }
}

/** Errors that end the loop: retrying cannot help. */
function isFatal(error: unknown): boolean {
  return (
    !(error instanceof PlatformError) ||
    ['auth', 'permission', 'not_found', 'validation'].includes(error.kind)
  );
}

function parseEvent(data: string): Ama2Event | undefined {
  try {
    const event = JSON.parse(data) as Partial<Ama2Event>;
    return typeof event.thread_seq === 'number' ? (event as Ama2Event) : undefined;
  } catch {
    return undefined;
  }
}
