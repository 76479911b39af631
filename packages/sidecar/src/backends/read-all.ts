// A stream of a known number of bytes read into one buffer, or into a sink:
// the general path of a ranged read when the fast one (http/get-into.ts)
// does not apply.
import type { Readable } from 'node:stream';
import type { IBodySink } from './types.js';
import { ApiError, cancelledError } from '../api-error.js';

/** One buffer as a sink: its rest is always the room. */
export function bufferSink(buffer: Buffer): IBodySink {
  let got = 0;
  return {
    length: buffer.length,
    room: () => buffer.subarray(got),
    filled: count => {
      got += count;
    },
    onRoom: () => undefined
  };
}

/** A whole stream into `buffer` (exactly its size); cancelled with the signal. */
export async function readAll(
  stream: Readable,
  buffer: Buffer,
  signal?: AbortSignal
): Promise<Buffer> {
  await readAllTo(stream, bufferSink(buffer), signal);
  return buffer;
}

/** A whole stream of `sink.length` bytes into a sink, waiting while it has no room. */
export async function readAllTo(
  stream: Readable,
  sink: IBodySink,
  signal?: AbortSignal
): Promise<void> {
  const onAbort = (): void => {
    stream.destroy(cancelledError());
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let got = 0;
    for await (const piece of stream) {
      let data = piece as Buffer;
      if (got + data.length > sink.length) {
        throw new ApiError(
          'provider_error',
          `The source sent more bytes than expected (${sink.length}).`,
          'The source may have changed during the copy: try again.'
        );
      }
      while (data.length) {
        let room = sink.room();
        while (!room) {
          await new Promise<void>(resolve => sink.onRoom(resolve));
          room = sink.room();
        }
        const count = Math.min(room.length, data.length);
        data.copy(room, 0, 0, count);
        sink.filled(count);
        got += count;
        data = data.subarray(count);
      }
    }
    if (got !== sink.length) {
      throw new ApiError(
        'provider_error',
        `The source sent ${got} of ${sink.length} bytes.`,
        'Try again.'
      );
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
