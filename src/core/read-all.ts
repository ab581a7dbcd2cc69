import type { Readable } from 'node:stream';

/**
 * All of `stream`, or the error `tooLarge()` gives as soon as more than `limit` bytes came (the
 * stream is then destroyed, as leaving a `for await` would). Events rather than `for await`: the
 * async iterator cost each request and each platform answer a few microseconds (issue #15).
 */
export function readAll(stream: Readable, limit: number, tooLarge: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      onError(tooLarge());
      // Destroying emits an error of its own (undici: "Request aborted") that nobody awaits now.
      stream.once('error', () => {});
      stream.destroy();
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onClose = () => onError(new Error('the stream closed before it ended'));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
