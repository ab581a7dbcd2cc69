import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { PlatformError, type PlatformName } from './errors.js';

export interface SseFrame {
  event?: string;
  data: string;
  id?: string;
}

/**
 * Server-sent events from a response body, parsed by eventsource-parser. Bounded: a frame that
 * grows past `maxEventBytes` without ending throws, so a hostile stream cannot exhaust memory.
 */
export async function* readSse(
  body: AsyncIterable<Uint8Array>,
  options: { platform: PlatformName; signal?: AbortSignal; maxEventBytes?: number },
): AsyncGenerator<SseFrame> {
  const { signal, platform } = options;
  const max = options.maxEventBytes ?? 1024 * 1024;
  const ready: SseFrame[] = [];
  let pending = 0;
  const parser = createParser({
    onComment() {
      pending = 0;
    },
    onEvent(message: EventSourceMessage) {
      ready.push({
        data: message.data,
        ...(message.event ? { event: message.event } : {}),
        ...(message.id ? { id: message.id } : {}),
      });
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    if (signal?.aborted) return;
    const text = decoder.decode(chunk, { stream: true });
    parser.feed(text);
    pending = ready.length > 0 ? 0 : pending + text.length;
    if (pending > max) {
      throw new PlatformError({
        kind: 'server',
        platform,
        code: 'sse_frame_too_large',
        message: `an event stream frame exceeded ${max} bytes; the stream was dropped`,
      });
    }
    while (ready.length > 0) {
      yield ready.shift()!;
      if (signal?.aborted) return;
    }
  }
}
