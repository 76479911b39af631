// One shard, run on a Dask worker by `jupyter-buckets shard` (cli/shard.ts):
// whole files through the same job runner as a local copy (verified, never
// partial, retried), or a byte range of a multipart upload the coordinator
// began. A shard may run again after its worker died: files an earlier
// attempt stored, and parts the upload holds, are not copied twice.
import pLimit from 'p-limit';
import type { ITransferFileError } from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { contentDifference } from '../backends/operations.js';
import type { IObjectInfo } from '../backends/types.js';
import type { IEndpoint } from '../locations/resolver.js';
import { ByteBudget } from '../transfers/budget.js';
import { readPart } from '../transfers/copy.js';
import { newJob } from '../transfers/job.js';
import type { IFileTask, IPlan } from '../transfers/plan.js';
import { abortError, RETRY, withRetry } from '../transfers/retry.js';
import { copySettings, runJob } from '../transfers/runner.js';
import { statOrUndefined } from '../transfers/plan.js';
import {
  objectFromJson,
  type IShardFile,
  type IShardRange,
  type IShardWork
} from './shards.js';

const MiB = 1024 * 1024;
/** Parts of a range in flight on one worker (its memory: this x part size). */
const RANGE_PARTS_IN_FLIGHT = 4;
const FILE_BUDGET = 64 * MiB;

/** What a worker writes, one JSON line each. */
export type ShardLine =
  | { type: 'progress'; bytes: number; files: number }
  | { type: 'file-done'; path: string; size: number; earlier?: boolean }
  | ({ type: 'file-failed' } & ITransferFileError)
  | { type: 'end'; bytes: number; files: number; failed: string[] };

export interface IShardEndpoints {
  src: IEndpoint;
  dst: IEndpoint;
}

/** Runs `work`; `tell` gets its lines (the last one is its end). */
export async function runShard(
  work: IShardWork,
  endpoints: IShardEndpoints,
  tell: (line: ShardLine) => void,
  signal: AbortSignal
): Promise<void> {
  if (work.range) {
    await runRange(work.range, endpoints, tell, signal);
  } else {
    await runFiles(work, endpoints, tell, signal);
  }
}

/** Whether an earlier attempt of this shard stored the file (something new there, of its size and hashes). */
async function storedEarlier(
  dst: IEndpoint,
  file: IShardFile,
  source: IObjectInfo
): Promise<boolean> {
  const now = await statOrUndefined(dst, file.dstKey);
  if (!now || contentDifference(source, now, { everyHash: true })) {
    return false;
  }
  const before = file.before;
  return (
    !before ||
    before.etag !== now.etag ||
    before.modified !== now.modified?.toISOString() ||
    before.size !== now.size
  );
}

async function runFiles(
  work: IShardWork,
  { src, dst }: IShardEndpoints,
  tell: (line: ShardLine) => void,
  signal: AbortSignal
): Promise<void> {
  let bytes = 0;
  let files = 0;
  const todo: IFileTask[] = [];
  for (const file of work.files ?? []) {
    const source = objectFromJson(file.source);
    if (await storedEarlier(dst, file, source)) {
      bytes += file.size;
      files += 1;
      tell({
        type: 'file-done',
        path: file.path,
        size: file.size,
        earlier: true
      });
      continue;
    }
    todo.push({ ...file, source });
  }
  const plan: IPlan = {
    op: 'copy',
    files: todo,
    deletes: [],
    skipped: 0,
    totals: {
      files: todo.length,
      bytes: todo.reduce((sum, task) => sum + task.size, 0)
    },
    conflicts: []
  };
  const job = newJob(
    {
      id: 'shard',
      created: new Date().toISOString(),
      request: {
        op: 'copy',
        src: work.src,
        dst: work.dst,
        options: work.options
      },
      src,
      dst,
      plan,
      done: new Set()
    },
    () => undefined
  );
  const onAbort = (): void => job.controller.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  const failed: string[] = [];
  job.events.on('event', (name: string, data: unknown) => {
    if (name === 'progress') {
      const { progress } = data as {
        progress: { bytes: number; files: number };
      };
      tell({
        type: 'progress',
        bytes: bytes + progress.bytes,
        files: files + progress.files
      });
    } else if (name === 'file-done') {
      tell({ type: 'file-done', ...(data as { path: string; size: number }) });
    } else if (name === 'file-failed') {
      const failure = data as ITransferFileError;
      failed.push(failure.path);
      tell({ type: 'file-failed', ...failure });
    }
  });
  try {
    await runJob(job, todo, copySettings({}, new ByteBudget(FILE_BUDGET)));
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  const { progress } = job.record;
  tell({
    type: 'end',
    bytes: bytes + progress.bytes,
    files: files + progress.files,
    failed
  });
}

async function runRange(
  range: IShardRange,
  { src, dst }: IShardEndpoints,
  tell: (line: ShardLine) => void,
  signal: AbortSignal
): Promise<void> {
  const writer = await withRetry(
    () =>
      dst.backend.writer(dst.bucket, range.dstKey, {
        size: range.size,
        partSize: range.partSize,
        resumeToken: range.token
      }),
    signal,
    RETRY.request
  );
  if (writer.resumeToken !== range.token) {
    // The backend began a new upload: the job's is gone. Nothing of ours
    // may stay open.
    await writer.abort().catch(() => undefined);
    throw new ApiError(
      'upload_ended',
      `The multipart upload of ${range.path} is gone (aborted or expired).`,
      'Retry the job: its big files start new uploads.'
    );
  }
  const task: IFileTask = {
    path: range.path,
    srcKey: range.srcKey,
    dstKey: range.dstKey,
    size: range.size,
    source: objectFromJson(range.source)
  };
  const length = (part: number): number =>
    Math.min(range.size, part * range.partSize) - (part - 1) * range.partSize;
  let bytes = 0;
  const todo: number[] = [];
  for (let part = range.first; part <= range.last; part++) {
    if (writer.storedParts?.has(part)) {
      bytes += length(part);
    } else {
      todo.push(part);
    }
  }
  tell({ type: 'progress', bytes, files: 0 });
  // Part buffers are reused: RANGE_PARTS_IN_FLIGHT of them, whatever the range.
  const free: Buffer[] = [];
  const limit = pLimit(RANGE_PARTS_IN_FLIGHT);
  await Promise.all(
    todo.map(part =>
      limit(async () => {
        if (signal.aborted) {
          return;
        }
        const buffer = free.pop() ?? Buffer.allocUnsafe(range.partSize);
        try {
          const data = buffer.subarray(0, length(part));
          await withRetry(
            async () => {
              await readPart(
                src,
                task,
                (part - 1) * range.partSize,
                data,
                signal
              );
              await writer.writePart(part, data);
            },
            signal,
            RETRY.request
          );
          bytes += data.length;
          tell({ type: 'progress', bytes, files: 0 });
        } finally {
          free.push(buffer);
        }
      })
    )
  );
  if (signal.aborted) {
    throw abortError();
  }
  tell({ type: 'end', bytes, files: 0, failed: [] });
}
