// Running one job's plan: its files, many at a time, each one tried again as
// a whole when a request inside it gave up; then a sync's deletes and the
// folders a move emptied; progress all along, and the job's end.
import type { ITransferFileError } from '@jupyter-buckets/core';
import type { ByteBudget } from './budget.js';
import {
  copyFile,
  DEFAULT_PART_SIZE,
  DEFAULT_PARTS_IN_FLIGHT,
  DEFAULT_SINGLE_PUT_LIMIT,
  DEFAULT_STREAMED_PUT_LIMIT,
  DEFAULT_STREAMED_PART_SIZE,
  type ICopyContext,
  type IResumableUpload
} from './copy.js';
import { emit, errorOf, filesLeft, replanned, type IJob } from './job.js';
import type { IFileTask, IPlan } from './plan.js';
import { ProgressTicker } from './progress.js';
import { deletePace } from './deletes.js';
import { TaskQueue } from './queue.js';
import { MAX_TRANSFERS } from './request.js';
import { retryPolicies, withRetry, type IRetryPolicy } from './retry.js';

/** Files in flight in one job, unless its options say otherwise. */
export const DEFAULT_TRANSFERS = 16;

/** How every file is copied: the manager's settings, the same for all its jobs. */
export type ICopySettings = Omit<
  ICopyContext,
  | 'signal'
  | 'onBytes'
  | 'onStreamed'
  | 'onServerSide'
  | 'resumable'
  | 'onResumable'
>;

/** How files are copied, as a job manager is told; defaults for the rest. */
export function copySettings(
  options: {
    partsInFlight?: number;
    partSize?: number;
    singlePutLimit?: number;
    streamedPutLimit?: number;
    retry?: IRetryPolicy;
  },
  budget: ByteBudget
): ICopySettings {
  return {
    partsInFlight: options.partsInFlight ?? DEFAULT_PARTS_IN_FLIGHT,
    partSize: options.partSize ?? DEFAULT_PART_SIZE,
    // A manager given a part size (tests) uses it for the disk too.
    streamedPartSize: options.partSize ?? DEFAULT_STREAMED_PART_SIZE,
    singlePutLimit: options.singlePutLimit ?? DEFAULT_SINGLE_PUT_LIMIT,
    // A manager given a single-put limit (tests) streams nothing above it.
    streamedPutLimit:
      options.streamedPutLimit ??
      options.singlePutLimit ??
      DEFAULT_STREAMED_PUT_LIMIT,
    retry: retryPolicies(options.retry),
    budget
  };
}

/**
 * Copies `tasks` (the plan's first files, or what a retry runs again) and,
 * for a streamed plan, the rest as it is listed; then does the rest of the
 * plan, and ends the job: done, failed or cancelled. With `replan`, the job
 * is planned again first (a retry of a streamed plan). A job suspended by a
 * shutdown gets no end: it resumes at the next start.
 */
export async function runJob(
  job: IJob,
  tasks: IFileTask[],
  settings: ICopySettings,
  replan?: () => Promise<IPlan>
): Promise<void> {
  const { record } = job;
  const signal = job.controller.signal;
  record.state = 'running';
  delete record.finished;
  const progress = new ProgressTicker(record, () =>
    emit(job, 'progress', structuredClone(record))
  );
  if (replan) {
    try {
      replanned(job, await replan());
      tasks = filesLeft(job);
    } catch (error) {
      if (!signal.aborted) {
        record.error = errorOf(error);
      }
      progress.stop();
      if (!job.suspended) {
        end(job);
      }
      return;
    }
  }
  const queue = new TaskQueue(job, tasks);
  // Workers that each take the next file when theirs is done: a streamed
  // plan's files arrive while they work.
  const workers = Math.min(
    MAX_TRANSFERS,
    record.options.transfers ?? DEFAULT_TRANSFERS
  );
  if (record.op === 'delete') {
    await deleteAll(job, queue, settings, progress);
  } else {
    await Promise.all(
      Array.from({ length: workers }, async () => {
        for (;;) {
          const task = await queue.take();
          if (!task || signal.aborted) {
            return;
          }
          await progress.during(task.path, () =>
            transferFile(job, task, settings)
          );
        }
      })
    );
  }
  queue.close();
  if (queue.error !== undefined && !signal.aborted) {
    record.error = errorOf(queue.error);
  }
  const copied =
    !signal.aborted && record.progress.failed === 0 && !record.error;
  if (copied && job.plan.op === 'sync' && job.plan.deletes.length) {
    await deleteExtras(job, settings);
  }
  if (copied && (record.op === 'move' || record.op === 'delete')) {
    await removeEmptiedFolders(job);
  }
  progress.stop();
  if (!job.suspended) {
    end(job);
  }
}

/**
 * One file: copied (and verified), its source deleted by a move, and the
 * outcome recorded. Whole-file attempts cover what request retries cannot:
 * a lost ordered upload session starts again.
 */
async function transferFile(
  job: IJob,
  task: IFileTask,
  settings: ICopySettings
): Promise<void> {
  const { record, src, dst } = job;
  const signal = job.controller.signal;
  // Bytes of an attempt that failed are not progress.
  let credited = 0;
  const uncredit = (): void => {
    record.progress.bytes -= credited;
    credited = 0;
  };
  const ctx = copyContext(job, task, settings, count => {
    credited += count;
    record.progress.bytes += count;
  });
  try {
    await withRetry(
      async () => {
        uncredit();
        return copyFile(task, src, dst, ctx);
      },
      signal,
      settings.retry.file
    );
    if (record.op === 'move') {
      await withRetry(
        () => src.backend.delete(src.bucket, task.srcKey),
        signal,
        settings.retry.request
      );
    }
    fileDone(job, task);
  } catch (error) {
    uncredit();
    if (!signal.aborted) {
      fileFailed(job, task, error);
    }
  }
}

/** What copyFile needs to know of this job and to tell it. */
function copyContext(
  job: IJob,
  task: IFileTask,
  settings: ICopySettings,
  onBytes: (count: number) => void
): ICopyContext {
  const progress = job.record.progress;
  return {
    ...settings,
    signal: job.controller.signal,
    onBytes,
    onStreamed: count => {
      progress.streamedBytes += count;
    },
    onServerSide: () => {
      progress.serverSideFiles += 1;
    },
    // Read at each attempt: an earlier attempt may have left one.
    get resumable() {
      return job.uploads.get(task.path);
    },
    onResumable: (upload: IResumableUpload | undefined) => {
      if (upload) {
        job.uploads.set(task.path, upload);
      } else if (!job.uploads.delete(task.path)) {
        return;
      }
      job.journal({ t: 'upload', path: task.path, ...upload });
    }
  };
}

export function fileDone(job: IJob, task: IFileTask): void {
  job.done.add(task.path);
  job.journal({ t: 'done', path: task.path });
  job.record.progress.files += 1;
  emit(job, 'file-done', { path: task.path, size: task.size });
}

export function fileFailed(job: IJob, task: IFileTask, error: unknown): void {
  const { record } = job;
  const failure: ITransferFileError = { path: task.path, ...errorOf(error) };
  record.progress.failed += 1;
  record.errors.push(failure);
  job.failedTasks.push(task);
  job.journal({ t: 'failed', path: task.path, message: failure.message });
  emit(job, 'file-failed', failure);
}

/** A sync's deletes, only once every copy succeeded (rclone's --delete-after). */
export async function deleteExtras(
  job: IJob,
  settings: ICopySettings
): Promise<void> {
  const { record, dst } = job;
  for (const task of job.plan.deletes) {
    try {
      await withRetry(
        () => dst.backend.delete(dst.bucket, task.key),
        job.controller.signal,
        settings.retry.request
      );
      record.progress.deleted += 1;
    } catch (error) {
      record.progress.failed += 1;
      record.errors.push({ path: task.path, ...errorOf(error) });
    }
  }
}

/**
 * A delete job's run: batches of keys in one request each, many at once
 * (deletePace: one key a request where the store has no batches).
 */
async function deleteAll(
  job: IJob,
  queue: TaskQueue,
  settings: ICopySettings,
  progress: ProgressTicker
): Promise<void> {
  const signal = job.controller.signal;
  const { batch: size, workers } = deletePace(
    job.src.backend,
    job.record.options.transfers
  );
  await Promise.all(
    Array.from({ length: Math.min(workers, MAX_TRANSFERS) }, async () => {
      for (;;) {
        const batch = await queue.takeMany(size);
        if (!batch.length || signal.aborted) {
          return;
        }
        await progress.during(batch[0].path, () =>
          deleteBatch(job, batch, settings)
        );
      }
    })
  );
}

/**
 * One batch in one request. A batch that fails is tried key by key, so
 * that the keys at fault are the ones reported (and retried), not the
 * hundreds around them.
 */
async function deleteBatch(
  job: IJob,
  batch: IFileTask[],
  settings: ICopySettings
): Promise<void> {
  const { src } = job;
  const signal = job.controller.signal;
  const remove = (tasks: IFileTask[]) =>
    withRetry(
      () =>
        src.backend.deleteMany(
          src.bucket,
          tasks.map(task => task.srcKey)
        ),
      signal,
      settings.retry.request
    );
  try {
    await remove(batch);
    batch.forEach(task => objectDeleted(job, task));
    return;
  } catch (error) {
    if (signal.aborted) {
      return;
    }
    if (batch.length === 1) {
      fileFailed(job, batch[0], error);
      return;
    }
  }
  for (const task of batch) {
    try {
      await remove([task]);
      objectDeleted(job, task);
    } catch (error) {
      if (signal.aborted) {
        return;
      }
      fileFailed(job, task, error);
    }
  }
}

/** A delete job counts its objects as files (and their bytes), as a copy would. */
function objectDeleted(job: IJob, task: IFileTask): void {
  job.record.progress.bytes += task.size;
  fileDone(job, task);
}

/** Folders a move or a delete left empty go too, where folders are real (the disk). */
async function removeEmptiedFolders(job: IJob): Promise<void> {
  const { src, plan } = job;
  if (plan.srcPrefix && src.backend.capabilities.realDirectories) {
    await src.backend.delete(src.bucket, plan.srcPrefix).catch(() => undefined);
  }
}

export function end(job: IJob): void {
  const { record } = job;
  record.state = job.controller.signal.aborted
    ? 'cancelled'
    : record.progress.failed || record.error
      ? 'failed'
      : 'done';
  record.finished = new Date().toISOString();
  job.journal({ t: 'end', job: structuredClone(record) });
  emit(job, 'end', structuredClone(record));
}
