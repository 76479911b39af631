// One file from a source to a destination, the best way the two allow:
// server-side when they share endpoint and credentials; otherwise ranged
// reads in parallel feeding the chunked writer, with at most `partsInFlight`
// parts in memory (never the whole file). Every copy is verified; a failed or
// cancelled one is aborted so nothing partial is left.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import pLimit from 'p-limit';
import { ApiError } from '../api-error.js';
import { contentDifference } from '../backends/operations.js';
import { choosePartSize } from '../backends/parts.js';
import { readAll } from '../backends/read-all.js';
import type {
  IChunkedWriter,
  IObjectInfo,
  IStatedHashes
} from '../backends/types.js';
import { uploadStream } from '../backends/upload.js';
import type { ByteBudget } from './budget.js';
import type { IEndpoint } from '../locations/resolver.js';
import type { IFileTask } from './plan.js';
import {
  abortError,
  SUSPEND,
  withRetry,
  type IRetryPolicies
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
  /**
   * Part size for the local disk, which takes parts straight from the
   * source's stream (no part buffer): larger parts, fewer requests.
   */
  streamedPartSize?: number;
  /** Files up to this size go as one read and one put. */
  singlePutLimit: number;
  /**
   * Files up to this size whose MD5 the source states go as one request
   * streamed from the source, into a store that checks it (no buffer).
   */
  streamedPutLimit?: number;
  retry: IRetryPolicies;
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
export const DEFAULT_STREAMED_PART_SIZE = 32 * MiB;
export const DEFAULT_PARTS_IN_FLIGHT = 6;
export const DEFAULT_SINGLE_PUT_LIMIT = 8 * MiB;
/**
 * rclone's upload cutoff is 200 MiB; lower here, since a file in parts is
 * sent over several connections at once and one stream over one.
 */
export const DEFAULT_STREAMED_PUT_LIMIT = 64 * MiB;
/** Parts in flight for a writer that takes them in order (a GCS session). */
const ORDERED_PARTS_IN_FLIGHT = 1;
/**
 * Ordered upload sessions open at once, in the whole process. A GCS session
 * holds up to two parts in its library (outside the memory budget) besides
 * the one we read: more sessions than this add memory, not speed.
 */
export const ORDERED_SESSIONS = 6;
const orderedSessions = pLimit(ORDERED_SESSIONS);

/** Whether two endpoints can copy between themselves without us in the middle. */
export function serverSide(src: IEndpoint, dst: IEndpoint): boolean {
  return src.identity === dst.identity && Boolean(dst.backend.copy);
}

/** Bytes [start, start + buffer.length) of a source file into `buffer`: straight when the backend can (the disk; S3), else a ranged read. */
export async function readPart(
  src: IEndpoint,
  task: IFileTask,
  start: number,
  buffer: Buffer,
  signal: AbortSignal,
  stated?: IStatedHashes
): Promise<Buffer> {
  const length = buffer.length;
  if (src.backend.readBuffer) {
    return src.backend.readBuffer(
      src.bucket,
      task.srcKey,
      start,
      length,
      task.size,
      buffer,
      signal,
      stated
    );
  }
  // Always a range (even for a whole file): a backend serves ranges on its
  // plain data path (GCS: without the client library's checksum in JS; the
  // copy is verified below and by the destination instead).
  const body = await src.backend.read(
    src.bucket,
    task.srcKey,
    length === 0 || !src.backend.capabilities.rangedReads
      ? undefined
      : { start, end: start + length - 1 }
  );
  return readAll(body, buffer, signal);
}

/** Destroy `stream` if the signal aborts while `work` runs. */
async function abortable<T>(
  stream: Readable,
  signal: AbortSignal,
  work: () => Promise<T>
): Promise<T> {
  const onAbort = (): void => {
    stream.destroy(abortError());
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await work();
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * A store checks the MD5 declared with the bytes (see put's sourceMd5); the
 * disk cannot, so a whole small file read for it is checked here, natively,
 * against the MD5 its source states.
 */
function checkMd5(task: IFileTask, stated: string, data: Buffer): void {
  const md5 = createHash('md5').update(data).digest('hex');
  if (md5 !== stated) {
    throw new ApiError(
      'provider_error',
      `The bytes read for ${task.path} do not match its source's MD5 (${stated}, read ${md5}).`,
      'The source may have changed during the copy: try again.'
    );
  }
}

/** Throws unless the copy holds its source's bytes: size always, and every checksum both sides state. */
export function verify(
  task: IFileTask,
  source: IObjectInfo,
  result: IObjectInfo
): void {
  const problem = contentDifference(source, result, { everyHash: true });
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
  const read = src.backend.read.bind(src.backend);
  const size = task.size;
  const earlier = ctx.resumable;
  // A part streamed to the disk (partSink, writePartFrom) needs no buffer,
  // so it can be larger. (Read into part-sized buffers instead, a 512 MiB
  // download took as long: each 8 MiB write from memory gone cold from the
  // caches cost five times a small one's per byte, eating the CPU saved.)
  const streamToDisk = dst.local;
  const writer: IChunkedWriter = await withRetry(
    () =>
      dst.backend.writer(dst.bucket, task.dstKey, {
        size,
        contentType: task.source.contentType,
        partSize:
          earlier?.partSize ??
          choosePartSize(
            limits,
            size,
            streamToDisk ? (ctx.streamedPartSize ?? ctx.partSize) : ctx.partSize
          ),
        resumeToken: earlier?.token,
        sourceMd5: task.source.md5
      }),
    ctx.signal,
    ctx.retry.request
  );
  const partSize = writer.partSize;
  if (writer.resumeToken && writer.resumeToken !== earlier?.token) {
    ctx.onResumable?.({ token: writer.resumeToken, partSize });
  }
  const count = Math.max(1, Math.ceil(size / partSize));
  // A writer that takes parts in order (a GCS session) cannot take one again.
  const partRetry = limits.parallelParts
    ? ctx.retry.request
    : ctx.retry.orderedPart;
  // An ordered writer sends one part at a time and its library holds the
  // parts it sends: reading further ahead only ties up memory.
  const limit = pLimit(
    limits.parallelParts
      ? ctx.partsInFlight
      : Math.min(ctx.partsInFlight, ORDERED_PARTS_IN_FLIGHT)
  );
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
      const partSink = writer.partSink?.bind(writer);
      const readTo = src.backend.readTo?.bind(src.backend);
      if (streamToDisk && partSink && readTo) {
        // The source fills the disk's small slots as bytes arrive.
        await withRetry(
          async () => {
            const sink = partSink(index + 1, length);
            try {
              await readTo(
                src.bucket,
                task.srcKey,
                start,
                size,
                sink,
                ctx.signal
              );
              await sink.done();
            } catch (error) {
              await sink.abort();
              throw error;
            }
          },
          ctx.signal,
          partRetry
        );
        ctx.onStreamed(length);
        ctx.onBytes(length);
        return;
      }
      const writePartFrom = streamToDisk
        ? writer.writePartFrom?.bind(writer)
        : undefined;
      if (writePartFrom) {
        // The disk takes the part as it arrives: no part-sized buffer.
        await withRetry(
          async () => {
            const body = await read(src.bucket, task.srcKey, {
              start,
              end: start + length - 1
            });
            await abortable(body, ctx.signal, () =>
              writePartFrom(index + 1, body, length)
            );
          },
          ctx.signal,
          partRetry
        );
        ctx.onStreamed(length);
        ctx.onBytes(length);
        return;
      }
      // The buffer is reused once released: a writer must be done with it
      // when its writePart settles (none keeps a part past that).
      const lease = await ctx.budget.lease(length);
      try {
        const data = await withRetry(
          () => readPart(src, task, start, lease.buffer, ctx.signal),
          ctx.signal,
          ctx.retry.request
        );
        ctx.onStreamed(length);
        await withRetry(
          () => writer.writePart(index + 1, data),
          ctx.signal,
          partRetry
        );
        ctx.onBytes(length);
      } finally {
        lease.release();
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
    // Retried like any request: a writer's complete() can be called again
    // (an S3 upload completed by a request whose answer was lost is found).
    const result = await withRetry(
      () => writer.complete(),
      ctx.signal,
      ctx.retry.request
    );
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

/** An S3 ETag that may be the object's MD5 (a single-part upload's). */
const MAYBE_MD5 = /^[0-9a-f]{32}$/;

/**
 * The source's MD5 when its listing left it out but its store can state it:
 * an S3 listing gives ETags only, and only a HEAD tells whether an ETag is
 * the MD5 (not when KMS encrypts the object). With it, a writer that can
 * verify against it (a GCS session) needs no checksum of every byte on our
 * side: the store computes the MD5 and the copy is checked against it, as
 * rclone does. Worth one request only for files that go in parts.
 */
async function withStatedMd5(
  task: IFileTask,
  src: IEndpoint,
  ctx: ICopyContext
): Promise<IFileTask> {
  if (task.source.md5 || !MAYBE_MD5.test(task.source.etag ?? '')) {
    return task;
  }
  const stated = await withRetry(
    () => src.backend.stat(src.bucket, task.srcKey),
    ctx.signal,
    ctx.retry.request
  );
  if (stated.size !== task.size || stated.etag !== task.source.etag) {
    throw new ApiError(
      'provider_error',
      `${task.path} changed since it was listed.`,
      'Try again once nothing writes to it.'
    );
  }
  return stated.md5
    ? { ...task, source: { ...task.source, md5: stated.md5 } }
    : task;
}

/**
 * One request straight from the source's stream: the store checks it
 * against the MD5 the source states, so no byte is buffered or hashed here.
 */
async function streamedPut(
  task: IFileTask,
  src: IEndpoint,
  dst: IEndpoint,
  ctx: ICopyContext
): Promise<IObjectInfo> {
  const result = await withRetry(
    async () => {
      const body = await src.backend.read(
        src.bucket,
        task.srcKey,
        src.backend.capabilities.rangedReads
          ? { start: 0, end: task.size - 1 }
          : undefined
      );
      return abortable(body, ctx.signal, () =>
        dst.backend.put(dst.bucket, task.dstKey, body, {
          contentType: task.source.contentType,
          size: task.size,
          skipStat: true,
          sourceMd5: task.source.md5
        })
      );
    },
    ctx.signal,
    ctx.retry.request
  );
  ctx.onStreamed(task.size);
  ctx.onBytes(task.size);
  return result;
}

/** Whether a file can go as one checked request from the source's stream. */
function streamable(task: IFileTask, dst: IEndpoint, ctx: ICopyContext) {
  return (
    Boolean(dst.backend.capabilities.checkedStreamPut) &&
    task.size <= (ctx.streamedPutLimit ?? 0)
  );
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
  // The destination's backend copies (the same store and credentials as the
  // source's): it is the one whose write rules apply.
  const copy = serverSide(src, dst) ? dst.backend.copy : undefined;
  if (copy) {
    result = await withRetry(
      () =>
        copy.call(
          dst.backend,
          src.bucket,
          task.srcKey,
          dst.bucket,
          task.dstKey
        ),
      ctx.signal,
      ctx.retry.request
    );
    ctx.onServerSide();
    ctx.onBytes(task.size);
  } else if (task.size <= ctx.singlePutLimit) {
    const lease = await ctx.budget.lease(task.size);
    // The MD5 the source states for the bytes read: its listing's, else the
    // read's answer (an S3 ETag, GCS's x-goog-hash). The store written to
    // checks the bytes against it, so nothing is hashed here but for the disk.
    let md5 = task.source.md5;
    try {
      result = await withRetry(
        async () => {
          const stated: IStatedHashes = {};
          const data = await readPart(
            src,
            task,
            0,
            lease.buffer,
            ctx.signal,
            stated
          );
          ctx.onStreamed(data.length);
          if (ctx.signal.aborted) {
            throw abortError();
          }
          md5 = task.source.md5 ?? stated.md5;
          if (dst.local && md5) {
            checkMd5(task, md5, data);
          }
          return dst.backend.put(dst.bucket, task.dstKey, data, {
            contentType: task.source.contentType,
            size: data.length,
            skipStat: true,
            sourceMd5: md5
          });
        },
        ctx.signal,
        ctx.retry.request
      );
    } finally {
      lease.release();
    }
    if (md5 && !task.source.md5) {
      task = { ...task, source: { ...task.source, md5 } };
    }
    ctx.onBytes(task.size);
  } else {
    const streamed = streamable(task, dst, ctx);
    if (streamed || dst.backend.capabilities.multipartWrite?.wholeMd5) {
      task = await withStatedMd5(task, src, ctx);
    }
    const stated = task;
    if (streamed && stated.source.md5) {
      result = await streamedPut(stated, src, dst, ctx);
    } else if (src.backend.capabilities.rangedReads) {
      result = dst.backend.capabilities.multipartWrite?.parallelParts
        ? await streamParts(stated, src, dst, ctx)
        : await orderedSessions(() => streamParts(stated, src, dst, ctx));
    } else {
      const body = await src.backend.read(src.bucket, stated.srcKey);
      result = await uploadStream(
        dst.backend,
        dst.bucket,
        stated.dstKey,
        body,
        { size: stated.size, contentType: stated.source.contentType }
      );
      ctx.onStreamed(stated.size);
      ctx.onBytes(stated.size);
    }
  }
  verify(task, task.source, result);
  return result;
}
