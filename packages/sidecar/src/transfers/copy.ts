// One file from a source to a destination, the best way the two allow:
// server-side when they share endpoint and credentials; otherwise ranged
// reads in parallel feeding the chunked writer, with at most `partsInFlight`
// parts in memory (never the whole file). Every copy is verified; a failed or
// cancelled one is aborted so nothing partial is left.
import type { Readable } from 'node:stream';
import pLimit from 'p-limit';
import { ApiError } from '../api-error.js';
import { choosePartSize } from '../backends/parts.js';
import type { IChunkedWriter, IObjectInfo } from '../backends/types.js';
import { uploadStream } from '../backends/upload.js';
import type { ByteBudget } from './budget.js';
import type { IEndpoint } from './locations.js';
import type { IFileTask } from './plan.js';
import {
  abortError,
  DEFAULT_RETRY,
  SUSPEND,
  withRetry,
  type IRetryPolicy
} from './retry.js';

const MiB = 1024 * 1024;

/** An unfinished chunked upload that a later attempt or run can continue. */
export interface IResumableUpload {
  token: string;
  partSize: number;
}

export interface ICopyContext {
  signal: AbortSignal;
  /** Parts of one file in flight (reads and writes). */
  partsInFlight: number;
  /** Wanted part size (rounded to the destination's limits). */
  partSize: number;
  /** Files up to this size go as one read and one put. */
  singlePutLimit: number;
  retry?: IRetryPolicy;
  /** Memory for buffers, shared by every file in flight. */
  budget: ByteBudget;
  /** Bytes that reached the destination (progress). */
  onBytes(count: number): void;
  /** Bytes read through the sidecar. */
  onStreamed(count: number): void;
  onServerSide(): void;
  /** This file's unfinished upload from an earlier attempt or run, if any. */
  readonly resumable?: IResumableUpload;
  /**
   * An upload began that can be continued (journal it), or it is finished
   * or aborted (undefined: forget it).
   */
  onResumable?(upload: IResumableUpload | undefined): void;
}

export const DEFAULT_PART_SIZE = 8 * MiB;
export const DEFAULT_PARTS_IN_FLIGHT = 6;
export const DEFAULT_SINGLE_PUT_LIMIT = 8 * MiB;

/** Whether two endpoints can copy between themselves without us in the middle. */
export function serverSide(src: IEndpoint, dst: IEndpoint): boolean {
  return (
    src.identity === dst.identity &&
    src.backend.capabilities.serverSideCopy &&
    Boolean(src.backend.copy)
  );
}

/** A whole stream into one buffer of `size` bytes; cancelled with the signal. */
async function readAll(
  stream: Readable,
  size: number,
  signal: AbortSignal
): Promise<Buffer> {
  const onAbort = (): void => {
    stream.destroy(abortError());
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const buffer = Buffer.allocUnsafe(size);
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
    signal.removeEventListener('abort', onAbort);
  }
}

/** Size always; a checksum when both sides state a comparable one. */
export function verify(
  task: IFileTask,
  source: IObjectInfo,
  result: IObjectInfo
): void {
  const problem =
    result.size !== source.size
      ? `size ${result.size}, expected ${source.size}`
      : source.md5 && result.md5 && source.md5 !== result.md5
        ? 'MD5 differs'
        : source.crc32c && result.crc32c && source.crc32c !== result.crc32c
          ? 'CRC32C differs'
          : undefined;
  if (problem) {
    throw new ApiError(
      'provider_error',
      `The copy of ${task.path} does not match its source (${problem}).`,
      'Try again (retry the failed files).'
    );
  }
}

async function streamParts(
  task: IFileTask,
  src: IEndpoint,
  dst: IEndpoint,
  ctx: ICopyContext
): Promise<IObjectInfo> {
  const limits = dst.backend.capabilities.multipartWrite;
  if (!dst.backend.writer || !limits) {
    throw new ApiError('invalid_request', `${dst.label} cannot be written to.`);
  }
  const read = src.backend.read!.bind(src.backend);
  const size = task.size;
  const earlier = ctx.resumable;
  const writer: IChunkedWriter = await withRetry(
    () =>
      dst.backend.writer!(dst.bucket, task.dstKey, {
        size,
        contentType: task.source.contentType,
        partSize:
          earlier?.partSize ?? choosePartSize(limits, size, ctx.partSize),
        resumeToken: earlier?.token
      }),
    ctx.signal,
    ctx.retry
  );
  const partSize = writer.partSize;
  if (writer.resumeToken && writer.resumeToken !== earlier?.token) {
    ctx.onResumable?.({ token: writer.resumeToken, partSize });
  }
  const count = Math.max(1, Math.ceil(size / partSize));
  // A writer that takes parts in order (a GCS session) cannot take one again.
  const partRetry = limits.parallelParts
    ? ctx.retry
    : { ...(ctx.retry ?? DEFAULT_RETRY), attempts: 1 };
  const limit = pLimit(ctx.partsInFlight);
  let failed = false;
  const parts = Array.from({ length: count }, (_, index) =>
    limit(async () => {
      if (failed || ctx.signal.aborted) {
        throw ctx.signal.aborted ? abortError() : new Error('skipped');
      }
      const start = index * partSize;
      const length = Math.min(size, start + partSize) - start;
      if (writer.storedParts?.has(index + 1)) {
        ctx.onBytes(length); // stored by an earlier run: not sent again
        return;
      }
      const taken = await ctx.budget.acquire(length);
      try {
        const data = await withRetry(
          async () =>
            readAll(
              await read(src.bucket, task.srcKey, {
                start,
                end: start + length - 1
              }),
              length,
              ctx.signal
            ),
          ctx.signal,
          ctx.retry
        );
        ctx.onStreamed(length);
        await withRetry(
          () => writer.writePart(index + 1, data),
          ctx.signal,
          partRetry
        );
        ctx.onBytes(length);
      } finally {
        ctx.budget.release(taken);
      }
    }).catch((error: unknown) => {
      failed = true;
      throw error;
    })
  );
  const settled = await Promise.allSettled(parts);
  const rejected = settled.find(
    (s): s is PromiseRejectedResult =>
      s.status === 'rejected' &&
      !(s.reason instanceof Error && s.reason.message === 'skipped')
  );
  try {
    if (rejected || ctx.signal.aborted) {
      throw ctx.signal.aborted ? abortError() : rejected!.reason;
    }
    const result = await writer.complete();
    ctx.onResumable?.(undefined);
    return result;
  } catch (error) {
    // A sidecar shutdown keeps the upload for the next run; otherwise it is
    // aborted, and remembered only when even that failed (the store is
    // down), so that a retry continues it instead of leaving it orphaned.
    if (ctx.signal.reason !== SUSPEND) {
      await writer.abort().then(
        () => ctx.onResumable?.(undefined),
        () => undefined
      );
    }
    throw error;
  }
}

/** Copy one file; returns what the destination now holds (already verified). */
export async function copyFile(
  task: IFileTask,
  src: IEndpoint,
  dst: IEndpoint,
  ctx: ICopyContext
): Promise<IObjectInfo> {
  if (ctx.signal.aborted) {
    throw abortError();
  }
  let result: IObjectInfo;
  if (serverSide(src, dst)) {
    result = await withRetry(
      () => src.backend.copy!(src.bucket, task.srcKey, dst.bucket, task.dstKey),
      ctx.signal,
      ctx.retry
    );
    ctx.onServerSide();
    ctx.onBytes(task.size);
  } else if (!src.backend.read) {
    throw new ApiError('invalid_request', `${src.label} cannot be read.`);
  } else if (task.size <= ctx.singlePutLimit && dst.backend.put) {
    result = await ctx.budget.use(task.size, () =>
      withRetry(
        async () => {
          const body = await src.backend.read!(src.bucket, task.srcKey);
          const data = await readAll(body, task.size, ctx.signal);
          ctx.onStreamed(data.length);
          if (ctx.signal.aborted) {
            throw abortError();
          }
          return dst.backend.put!(dst.bucket, task.dstKey, data, {
            contentType: task.source.contentType,
            size: data.length
          });
        },
        ctx.signal,
        ctx.retry
      )
    );
    ctx.onBytes(task.size);
  } else if (src.backend.capabilities.rangedReads) {
    result = await streamParts(task, src, dst, ctx);
  } else {
    const body = await src.backend.read(src.bucket, task.srcKey);
    result = await uploadStream(dst.backend, dst.bucket, task.dstKey, body, {
      size: task.size,
      contentType: task.source.contentType
    });
    ctx.onStreamed(task.size);
    ctx.onBytes(task.size);
  }
  verify(task, task.source, result);
  return result;
}
