// Writing a stream of unknown or known length to a backend: one request for
// small bodies, else the chunked writer with a few parts in flight, so memory
// stays at (parts in flight) x (part size) whatever the size. A failed or
// interrupted upload is aborted: nothing partial is left at the key.
import type { Readable } from 'node:stream';
import { ApiError } from '../api-error.js';
import { choosePartSize } from './parts.js';
import type { IBackend, IChunkedWriter, IObjectInfo } from './types.js';

const MiB = 1024 * 1024;
/** Bodies up to this size go in one request (PutObject, a simple GCS upload). */
export const SINGLE_PUT_LIMIT = 8 * MiB;
const PARTS_IN_FLIGHT = 4;

export interface IUploadOptions {
  size?: number;
  contentType?: string;
  partSize?: number;
  /** Use the chunked writer even for a small body (tests). */
  forceChunked?: boolean;
}

/** Cut a stream into buffers of exactly `size` bytes (the last may be shorter, never empty unless the stream is). */
export async function* chunks(
  stream: AsyncIterable<Buffer | string>,
  size: number
): AsyncGenerator<Buffer> {
  let held: Buffer[] = [];
  let heldBytes = 0;
  for await (const piece of stream) {
    let data = typeof piece === 'string' ? Buffer.from(piece) : piece;
    while (heldBytes + data.length >= size) {
      const take = size - heldBytes;
      held.push(data.subarray(0, take));
      yield Buffer.concat(held, size);
      data = data.subarray(take);
      held = [];
      heldBytes = 0;
    }
    if (data.length) {
      held.push(data);
      heldBytes += data.length;
    }
  }
  if (heldBytes) {
    yield Buffer.concat(held, heldBytes);
  }
}

function sizeMismatch(expected: number, got: number): ApiError {
  return new ApiError(
    'invalid_request',
    `The upload ended after ${got} of ${expected} bytes; nothing was written.`,
    'Try again.'
  );
}

export async function uploadStream(
  backend: IBackend,
  bucket: string,
  key: string,
  body: Readable,
  options: IUploadOptions = {}
): Promise<IObjectInfo> {
  const { size, contentType } = options;
  const limits = backend.capabilities.multipartWrite;
  const small =
    size !== undefined && size <= SINGLE_PUT_LIMIT && !options.forceChunked;
  if (small && backend.put) {
    // Small: read it whole (at most SINGLE_PUT_LIMIT) so the backend can send
    // a checksum with it.
    const parts: Buffer[] = [];
    let got = 0;
    for await (const piece of body) {
      parts.push(piece as Buffer);
      got += (piece as Buffer).length;
      if (got > size) {
        break;
      }
    }
    if (got !== size) {
      throw sizeMismatch(size, got);
    }
    return backend.put(bucket, key, Buffer.concat(parts, got), {
      contentType,
      size: got
    });
  }
  if (!backend.writer || !limits) {
    throw new ApiError('invalid_request', 'This remote cannot be written to.');
  }
  const writer: IChunkedWriter = await backend.writer(bucket, key, {
    size,
    contentType,
    partSize: options.partSize ?? choosePartSize(limits, size)
  });
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let got = 0;
  try {
    let number = 0;
    for await (const chunk of chunks(body, writer.partSize)) {
      number += 1;
      got += chunk.length;
      const write: Promise<void> = writer
        .writePart(number, chunk)
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => inFlight.delete(write));
      inFlight.add(write);
      if (inFlight.size >= PARTS_IN_FLIGHT) {
        await Promise.race(inFlight);
      }
      if (failure) {
        throw failure;
      }
    }
    await Promise.all(inFlight);
    if (failure) {
      throw failure;
    }
    if (size !== undefined && got !== size) {
      throw sizeMismatch(size, got);
    }
    return await writer.complete();
  } catch (error) {
    await Promise.allSettled(inFlight);
    await writer.abort().catch(() => undefined);
    throw error;
  }
}
