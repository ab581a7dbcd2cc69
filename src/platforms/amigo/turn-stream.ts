import { PlatformError } from '../../core/errors.js';
import type { StreamResponse } from '../../core/http-client.js';
import { readSse, type SseFrame } from '../../core/sse.js';

// The turn stream's events (`TurnStreamEvent`, apis/amigo.md §7): the JSON of a frame lacks the
// discriminator, which travels only on the `event:` line, so it is re-attached here as `event`.

type Json = Record<string, unknown>;

export type AmigoTurnEvent =
  | { event: 'token'; text: string }
  | { event: 'thinking'; tier?: number; tier_name?: string }
  | { event: 'tool_call_started'; call_id: string; tool_name: string; input?: unknown }
  | {
      event: 'tool_call_completed';
      call_id: string;
      tool_name: string;
      input?: unknown;
      result?: unknown;
      succeeded?: boolean;
    }
  | { event: 'message'; role: string; text: string }
  | { event: 'done'; conversation_id?: string; status?: string; turn_count?: number };

const EVENTS = new Set(['token', 'thinking', 'tool_call_started', 'tool_call_completed', 'message', 'done']);

/** What every error of one stream carries: the platform, the route and the platform's request id. */
function streamError(
  stream: StreamResponse,
  init: Omit<ConstructorParameters<typeof PlatformError>[0], 'platform'>,
): PlatformError {
  return new PlatformError({
    platform: 'amigo',
    method: 'POST',
    ...(stream.requestId ? { requestId: stream.requestId } : {}),
    ...init,
  });
}

function parseData(frame: SseFrame, stream: StreamResponse): Json {
  let data: unknown;
  try {
    data = JSON.parse(frame.data);
  } catch {
    data = undefined;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw streamError(stream, {
      kind: 'server',
      code: 'malformed_event',
      message: `the turn stream sent a ${frame.event ?? 'message'} event whose data is not a JSON object; the turn may still complete on the platform, read the conversation before sending again`,
    });
  }
  return data as Json;
}

/** `error {message, code, retryable, status_code?}`: a retryable one is the platform's failure. */
function errorEvent(data: Json, stream: StreamResponse): PlatformError {
  return streamError(stream, {
    kind: data.retryable ? 'server' : 'validation',
    code: typeof data.code === 'string' ? data.code : 'stream_error',
    message: typeof data.message === 'string' ? data.message : 'the turn failed',
    ...(typeof data.status_code === 'number' ? { status: data.status_code } : {}),
  });
}

/** Each known event of the stream, parsed; unknown event names are skipped (the API may add some). */
export async function* turnEvents(
  stream: StreamResponse,
  signal?: AbortSignal,
): AsyncGenerator<AmigoTurnEvent> {
  try {
    for await (const frame of readSse(stream.body, { platform: 'amigo', signal })) {
      const name = frame.event ?? 'message';
      if (name !== 'error' && !EVENTS.has(name)) continue;
      const data = parseData(frame, stream);
      if (name === 'error') throw errorEvent(data, stream);
      const text = typeof data.text === 'string' ? data.text : '';
      yield {
        ...data,
        ...(name === 'token' || name === 'message' ? { text } : {}),
        event: name,
      } as AmigoTurnEvent;
      if (name === 'done') return;
    }
  } finally {
    stream.close();
  }
  if (signal?.aborted)
    throw streamError(stream, { kind: 'cancelled', message: 'the turn stream was cancelled' });
  throw streamError(stream, {
    kind: 'server',
    code: 'stream_interrupted',
    message: 'the turn stream ended before done',
  });
}
