import type { IncomingHttpHeaders } from 'node:http';
// node:timers, not the globals: a test's fake timers replace the globals, and a sweep they stored
// would never fire, nor be replaced, for the rest of the process.
import { clearInterval, setInterval } from 'node:timers';
import type { Dispatcher } from 'undici';

/** A whole answer: status, headers (names in lower case, as undici parses them) and body. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** How often in-flight exchanges with a signal are checked for a cancel (see exchange()). */
export const SWEEP_MS = 25;

/**
 * One request through `dispatcher.dispatch` (undici's documented handler API), its answer
 * buffered: the body up to `limit` bytes; past that, the request is aborted and the promise
 * rejects with `tooLarge()`.
 *
 * Why not `dispatcher.request()`: that wraps every answer in a Readable stream, and with a signal
 * it adds an abort listener to the signal's EventTarget and removes it when the body closes. On a
 * fast platform those were a tenth of a tool call's CPU (issue #15, bench: ~20 µs of ~200).
 *
 * So `signal` gets no listener. While any exchange with a signal is in flight, a timer checks
 * them every SWEEP_MS and aborts the request of one whose signal has aborted: a cancel takes
 * effect within SWEEP_MS, and the promise rejects with the signal's reason. A signal that has
 * aborted already rejects at once, and nothing is sent.
 */
export function exchange(
  dispatcher: Dispatcher,
  request: Dispatcher.DispatchOptions,
  limit: number,
  tooLarge: () => Error,
  signal?: AbortSignal,
): Promise<Answer> {
  if (signal?.aborted) return Promise.reject(reasonOf(signal));
  return new Promise((resolve, reject) => {
    const handler = new Exchange(limit, tooLarge, resolve, reject, signal);
    if (signal) watch(handler);
    try {
      dispatcher.dispatch(request, handler);
    } catch (error) {
      // Undici reports its refusals through the handler; this is for one it throws (a bad handler).
      handler.onResponseError(undefined, error as Error);
    }
  });
}

const reasonOf = (signal: AbortSignal): Error =>
  signal.reason instanceof Error
    ? signal.reason
    : new DOMException('This operation was aborted', 'AbortError');

class Exchange implements Dispatcher.DispatchHandler {
  #status = 0;
  #headers: IncomingHttpHeaders = {};
  #chunks: Buffer[] = [];
  #size = 0;
  #controller: Dispatcher.DispatchController | undefined;
  /** Settled: later callbacks (an abort's own error, a late chunk) change nothing. */
  #done = false;

  constructor(
    readonly limit: number,
    readonly tooLarge: () => Error,
    readonly resolve: (answer: Answer) => void,
    readonly reject: (error: Error) => void,
    readonly signal: AbortSignal | undefined,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // Cancelled while it waited for a connection: it never goes out (the promise has settled, so
    // the reason goes nowhere).
    if (this.#done) {
      controller.abort(new Error('cancelled'));
      return;
    }
    // Called again when undici retries a request at the head of a failed pipeline: start over.
    this.#chunks = [];
    this.#size = 0;
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
  ): void {
    // A 1xx is informational: the answer is still to come.
    if (status < 200) return;
    this.#status = status;
    this.#headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#done) return;
    this.#size += chunk.length;
    if (this.#size <= this.limit) {
      this.#chunks.push(chunk);
      return;
    }
    const error = this.tooLarge();
    this.#fail(error);
    // Paused first, so the parser stops at this chunk (as undici does when a handler throws here)
    // instead of going on to complete a request it has just aborted.
    controller.pause();
    controller.abort(error);
  }

  onResponseEnd(): void {
    if (this.#done) return;
    // Aborted since the last sweep: the call was cancelled, whatever came back.
    if (this.signal?.aborted) {
      this.#fail(reasonOf(this.signal));
      return;
    }
    this.#settle();
    const chunks = this.#chunks;
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.#size);
    this.resolve({ status: this.#status, headers: this.#headers, body });
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.#fail(error);
  }

  /** The sweep found the signal aborted. */
  cancel(reason: Error): void {
    this.#fail(reason);
    this.#controller?.abort(reason);
  }

  #fail(error: Error): void {
    if (this.#done) return;
    this.#settle();
    this.reject(error);
  }

  #settle(): void {
    this.#done = true;
    if (this.signal) watched.delete(this);
  }
}

const watched = new Set<Exchange>();
let sweeper: NodeJS.Timeout | undefined;

function watch(handler: Exchange): void {
  watched.add(handler);
  // unref: a sweep never keeps the process alive (the request's socket does while it lasts).
  sweeper ??= setInterval(sweep, SWEEP_MS).unref();
}

function sweep(): void {
  for (const handler of watched) {
    const signal = handler.signal as AbortSignal;
    if (signal.aborted) handler.cancel(reasonOf(signal));
  }
  if (watched.size > 0) return;
  clearInterval(sweeper);
  sweeper = undefined;
}
