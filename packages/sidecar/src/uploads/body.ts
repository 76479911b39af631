// A part's request body into one buffer of exactly its length: the store
// takes a part whole (with its checksum), and a body that is short or long
// is refused before anything is written.
import type { Readable } from 'node:stream';
import { ApiError } from '../api-error.js';

export async function readPart(
  body: Readable,
  length: number
): Promise<Buffer> {
  const data = Buffer.allocUnsafe(length);
  let got = 0;
  for await (const piece of body as AsyncIterable<Buffer>) {
    if (got + piece.length > length) {
      body.destroy();
      throw new ApiError(
        'invalid_request',
        `The part has more than its ${length} bytes.`,
        'Send exactly the bytes of the part.'
      );
    }
    piece.copy(data, got);
    got += piece.length;
  }
  if (got !== length) {
    throw new ApiError(
      'invalid_request',
      `The part ended after ${got} of its ${length} bytes; it was not stored.`,
      'Send the part again.'
    );
  }
  return data;
}
