// A stream of a known number of bytes read into one buffer: the general
// path of a ranged read when the fast one (http/get-into.ts) does not apply.
import type { Readable } from 'node:stream';
import { ApiError, cancelledError } from '../api-error.js';

/** A whole stream into `buffer` (exactly its size); cancelled with the signal. */
export async function readAll(
  stream: Readable,
  buffer: Buffer,
  signal?: AbortSignal
): Promise<Buffer> {
  const size = buffer.length;
  const onAbort = (): void => {
    stream.destroy(cancelledError());
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let got = 0;
    for await (const piece of stream) {
      const data = piece as Buffer;
      if (got + data.length > size) {
        throw new ApiError(
          'provider_error',
          `The source sent more bytes than expected (${size}).`,
          'The source may have changed during the copy: try again.'
        );
      }
      data.copy(buffer, got);
      got += data.length;
    }
    if (got !== size) {
      throw new ApiError(
        'provider_error',
        `The source sent ${got} of ${size} bytes.`,
        'Try again.'
      );
    }
    return buffer;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
