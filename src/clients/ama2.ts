import { setTimeout as sleep } from 'node:timers/promises';
import type { Ama2Credentials } from '../config.js';
import { HttpClient, path } from './core.js';
import { PlatformError } from './errors.js';
import type { ClientOptions } from './index.js';
import { readSse } from './sse.js';

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

/** AMA2 Thread Runtime API (apis/ama2.md §2, "Gen A"): routes under /api/v1/chat/threads. */
export class Ama2Client {
  readonly http: HttpClient;
  readonly hasUserToken: boolean;

  constructor(
    readonly credentials: Ama2Credentials,
    options: ClientOptions = {},
  ) {
    // Mixed-auth routes try the external-agent token first; a user JWT alone works on them too.
    const bearer = credentials.token ?? credentials.userToken;
    this.hasUserToken = credentials.userToken !== undefined;
    this.http = new HttpClient({
      ...options,
      platform: 'ama2',
      baseUrl: credentials.baseUrl,
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
    });
  }

  /** GET /health (no auth): `{status, service, version}`. */
  async health(signal?: AbortSignal): Promise<Ama2Health> {
    return (await this.http.request<Ama2Health>({ method: 'GET', path: '/health', signal })).data;
  }

  /** POST /api/v1/chat/threads. The same participant set returns the existing thread. */
  async createThread(
    body: { target_user_ids: string[]; initial_message?: string; participation_mode?: ParticipationMode },
    signal?: AbortSignal,
  ): Promise<Ama2Thread> {
    return (
      await this.http.request<Ama2Thread>({
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
    const response = await this.http.request<{ accepted: boolean; message_id: string }>({
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
    const response = await this.http.request<Ama2EventPage>({
      method: 'GET',
      path: path`/api/v1/chat/threads/${threadId}/events`,
      query: { last_thread_seq: query.lastThreadSeq, limit: query.limit },
      signal,
    });
    return { events: response.data.events ?? [], has_more: response.data.has_more === true };
  }

  /** GET /api/v1/chat/threads/{thread_id}/events/stream: the raw SSE stream (`data:` frames only). */
  openEventStream(threadId: string, signal?: AbortSignal) {
    return this.http.stream({
      method: 'GET',
      path: path`/api/v1/chat/threads/${threadId}/events/stream`,
      accept: 'text/event-stream',
      signal,
      // The stream stays open while the thread is quiet; only the first byte is waited for.
      bodyTimeoutMs: 0,
    });
  }

  /**
   * Every event after `afterSeq`, live, in thread_seq order and without duplicates, until `signal`
   * aborts. Uses the SSE stream; since it has no documented Last-Event-ID, each (re)connect first
   * polls from the last thread_seq seen to fill the gap. Falls back to polling every
   * `pollIntervalMs` when the stream is unavailable (well inside 300 requests/min per key).
   * Auth, permission and not-found errors end the iteration.
   */
  async *streamEvents(
    threadId: string,
    options: { afterSeq: number; signal: AbortSignal; pollIntervalMs?: number },
  ): AsyncGenerator<Ama2Event> {
    const { signal } = options;
    const interval = options.pollIntervalMs ?? 2000;
    let last = options.afterSeq;
    let streamWorks = true;
    const fatal = (error: unknown) =>
      !(error instanceof PlatformError) ||
      ['auth', 'permission', 'not_found', 'validation'].includes(error.kind);
    while (!signal.aborted) {
      let stream: Awaited<ReturnType<Ama2Client['openEventStream']>> | undefined;
      try {
        if (streamWorks) stream = await this.openEventStream(threadId, signal);
        // Catch up from the last seq seen (all of it, page by page) before reading live frames.
        for (let more = true; more && !signal.aborted; ) {
          const page = await this.pollEvents(threadId, { lastThreadSeq: last, limit: 100 }, signal);
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
        streamWorks = false;
      } finally {
        stream?.close();
      }
      // Stream ended by the server, or polling: pause before the next round.
      await sleep(stream ? 250 : interval, undefined, { signal }).catch(() => {});
    }
  }

  /** POST /api/v1/chat/threads/{thread_id}/mode (needs the manage_thread capability). */
  async setParticipationMode(
    threadId: string,
    mode: ParticipationMode,
    signal?: AbortSignal,
  ): Promise<{ status: string }> {
    const response = await this.http.request<{ status: string }>({
      method: 'POST',
      path: path`/api/v1/chat/threads/${threadId}/mode`,
      json: { participation_mode: mode },
      signal,
    });
    return response.data;
  }

  /** POST /api/v1/chat/threads/{thread_id}/webhooks with an https callback_url. */
  async registerWebhook(threadId: string, callbackUrl: string, signal?: AbortSignal): Promise<Ama2Webhook> {
    const response = await this.http.request<Ama2Webhook>({
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
    const response = await this.http.request<{ status: string }>({
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
    const response = await this.http.request<Ama2ThreadSummary[] | { threads: Ama2ThreadSummary[] }>({
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
}

function parseEvent(data: string): Ama2Event | undefined {
  try {
    const event = JSON.parse(data) as Partial<Ama2Event>;
    return typeof event.thread_seq === 'number' ? (event as Ama2Event) : undefined;
  } catch {
    return undefined;
  }
}
