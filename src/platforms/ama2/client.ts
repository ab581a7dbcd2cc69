import { setTimeout as sleep } from 'node:timers/promises';
import { PlatformError } from '../../core/errors.js';
import { HttpClient, path, type RequestOptions } from '../../core/http-client.js';
import type { ClientOptions } from '../../core/platform.js';
import { readSse } from '../../core/sse.js';
import type { Ama2Credentials } from './credentials.js';

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

/**
 * Requests a minute this client's event loops (waits and subscriptions) may make to the poll and
 * stream routes together: half the documented 300 per key (apis/ama2.md §2 "Rate limits"), so the
 * key keeps room for explicit polls and other clients, whatever the server does.
 */
export const EVENT_LOOP_REQUESTS_PER_MINUTE = 150;
/** Reconnect backoff of the event loop: full jitter, from 1 s doubling up to 30 s. */
export const RECONNECT_BACKOFF = { baseMs: 1000, capMs: 30_000 } as const;
/** A stream that stayed open this long was healthy: the next reconnect starts from the base again. */
const HEALTHY_STREAM_MS = 30_000;

/** AMA2 Thread Runtime API (apis/ama2.md §2, "Gen A"): routes under /api/v1/chat/threads. */
export class Ama2Client {
  readonly http: HttpClient;
  readonly hasUserToken: boolean;
  readonly credentials: Ama2Credentials;
  readonly #eventRequests = new RequestWindow(EVENT_LOOP_REQUESTS_PER_MINUTE, 60_000);
  readonly #random: () => number;

  constructor(credentials: Ama2Credentials, options: ClientOptions = {}) {
    this.credentials = { ...credentials, baseUrl: ama2Origin(credentials.baseUrl) };
    // Mixed-auth routes try the external-agent token first; a user JWT alone works on them too.
    const bearer = credentials.token ?? credentials.userToken;
    this.hasUserToken = credentials.userToken !== undefined;
    this.#random = options.random ?? Math.random;
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
   * polls from the last thread_seq seen to fill the gap. Falls back to polling every
   * `pollIntervalMs` when the stream is unavailable. The docs do not say how long a stream stays
   * open, so reconnects back off (full jitter, reset by a new event or a long-lived stream), and
   * every request of the loop waits for room in this client's per-minute budget, so a server that
   * ends every stream at once cannot drive the key past its documented rate.
   * Auth, permission and not-found errors end the iteration.
   */
  async *streamEvents(
    threadId: string,
    options: { afterSeq: number; signal: AbortSignal; pollIntervalMs?: number },
  ): AsyncGenerator<Ama2Event> {
    const { signal } = options;
    const interval = options.pollIntervalMs ?? 2000;
    const backoff = new Backoff(RECONNECT_BACKOFF.baseMs, RECONNECT_BACKOFF.capMs, this.#random);
    let last = options.afterSeq;
    let streamWorks = true;
    const fatal = (error: unknown) =>
      !(error instanceof PlatformError) ||
      ['auth', 'permission', 'not_found', 'validation'].includes(error.kind);
    while (!signal.aborted) {
      let stream: Awaited<ReturnType<Ama2Client['openEventStream']>> | undefined;
      const opened = Date.now();
      const seqBefore = last;
      let failure: PlatformError | undefined;
      try {
        if (streamWorks) {
          await this.#eventRequests.reserve(signal);
          stream = await this.#openStream(threadId, signal, 'never');
        }
        // Catch up from the last seq seen (all of it, page by page) before reading live frames.
        for (let more = true; more && !signal.aborted; ) {
          await this.#eventRequests.reserve(signal);
          const page = await this.#poll(threadId, { lastThreadSeq: last, limit: 100 }, signal, 'never');
          for (const event of page.events) {
            if (event.thread_seq > last) {
              last = event.thread_seq;
              yield event;
            }
          }
          more = page.has_more && page.events.length > 0;
        }
        if (stream) {
          for await (const frame of readSse(stream.body, { platform: 'ama2', signal })) {
            const event = parseEvent(frame.data);
            if (event && event.thread_seq > last) {
              last = event.thread_seq;
              yield event;
            }
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        if (fatal(error)) throw error;
        failure = error as PlatformError;
        streamWorks = false;
      } finally {
        stream?.close();
      }
      if (last > seqBefore || (stream && Date.now() - opened >= HEALTHY_STREAM_MS)) backoff.reset();
      // A failure (5xx, 429, network) backs off too, at least as long as a Retry-After asks.
      const pause = failure
        ? Math.max(interval, backoff.next(), failure.retryAfterMs ?? 0)
        : streamWorks
          ? backoff.next()
          : interval;
      await sleep(pause, undefined, { signal }).catch(() => {});
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

/** Exponential backoff with full jitter: a random wait in [0, min(cap, base * 2^attempt)). */
class Backoff {
  #attempt = 0;
  constructor(
    readonly baseMs: number,
    readonly capMs: number,
    readonly random: () => number,
  ) {}
  next(): number {
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    return this.random() * ceiling;
  }
  reset(): void {
    this.#attempt = 0;
  }
}

/** At most `limit` requests in any `windowMs`: record() counts one, reserve() waits for room first. */
class RequestWindow {
  readonly #times: number[] = [];
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  record(): void {
    this.#prune();
    this.#times.push(Date.now());
  }

  async reserve(signal: AbortSignal): Promise<void> {
    while (this.#prune() >= this.limit) {
      const oldest = this.#times[0] ?? Date.now();
      await sleep(Math.max(1, oldest + this.windowMs - Date.now()), undefined, { signal });
    }
    this.#times.push(Date.now());
  }

  /** Drops times that left the window; the count still inside. */
  #prune(): number {
    const since = Date.now() - this.windowMs;
    while ((this.#times[0] ?? Number.POSITIVE_INFINITY) <= since) this.#times.shift();
    return this.#times.length;
  }
}

function parseEvent(data: string): Ama2Event | undefined {
  try {
    const event = JSON.parse(data) as Partial<Ama2Event>;
    return typeof event.thread_seq === 'number' ? (event as Ama2Event) : undefined;
  } catch {
    return undefined;
  }
}
