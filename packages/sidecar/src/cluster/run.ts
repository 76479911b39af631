// A job run on a Dask cluster: its plan split into shards (shards.ts),
// handed to the cluster through the coordinator, and followed as one job:
// bytes and files from every worker, workers busy, shards done; cancel and
// retry as for a job run here. Big files split in ranges are begun and
// completed here, so an upload is never left open and never completed short.
import {
  emit,
  errorOf,
  filesLeft,
  replanned,
  type IJob
} from '../transfers/job.js';
import type { IFileTask, IPlan } from '../transfers/plan.js';
import { ProgressTicker } from '../transfers/progress.js';
import { TaskQueue } from '../transfers/queue.js';
import { abortError, RETRY, withRetry } from '../transfers/retry.js';
import {
  deleteExtras,
  end,
  fileDone,
  fileFailed,
  type ICopySettings
} from '../transfers/runner.js';
import { serverSide, verify } from '../transfers/copy.js';
import { ApiError } from '../api-error.js';
import type { IRemoteConfig } from '../remotes/types.js';
import { Coordinator, pythonOf, type CoordinatorLine } from './coordinator.js';
import { remoteForWorker } from './remotes.js';
import { makeShards, partsOf, splits, type ISplitFile } from './shards.js';

/** What a job on a cluster needs of the sidecar. */
export interface IClusterContext {
  /** Where Python (and Dask's config) is found. */
  env: NodeJS.ProcessEnv;
  /** A remote with its secrets, by name. */
  remote(name: string): IRemoteConfig | undefined;
}

const DELETE_BATCH = 250;

/** The uploads of the files that go in ranges, begun (or continued after a restart). */
async function beginSplitUploads(
  job: IJob,
  tasks: IFileTask[],
  signal: AbortSignal
): Promise<Map<string, { token: string; partSize: number; parts: number }>> {
  const { dst } = job;
  const capabilities = dst.backend.capabilities;
  const same = serverSide(job.src, dst);
  const split = new Map<
    string,
    { token: string; partSize: number; parts: number }
  >();
  for (const task of tasks) {
    if (!splits(task, capabilities, same)) {
      continue;
    }
    const { partSize } = partsOf(task, capabilities);
    const earlier = job.uploads.get(task.path);
    const writer = await withRetry(
      () =>
        dst.backend.writer(dst.bucket, task.dstKey, {
          size: task.size,
          partSize: earlier?.partSize ?? partSize,
          contentType: task.source.contentType,
          resumeToken: earlier?.token
        }),
      signal,
      RETRY.request
    );
    if (!writer.resumeToken) {
      continue; // a backend that cannot name its uploads: the file goes whole
    }
    const upload = { token: writer.resumeToken, partSize: writer.partSize };
    job.uploads.set(task.path, upload);
    job.journal({ t: 'upload', path: task.path, ...upload });
    split.set(task.path, {
      ...upload,
      parts: Math.ceil(task.size / writer.partSize)
    });
  }
  return split;
}

/** A split file whose ranges are all in: completed and verified, or aborted. */
async function finishSplit(
  job: IJob,
  split: ISplitFile,
  failure: ApiError | undefined,
  signal: AbortSignal
): Promise<void> {
  const { dst } = job;
  const { task } = split;
  const upload = job.uploads.get(task.path);
  if (!upload) {
    return;
  }
  const writer = await dst.backend.writer(dst.bucket, task.dstKey, {
    size: task.size,
    partSize: upload.partSize,
    resumeToken: upload.token
  });
  const forget = (): void => {
    job.uploads.delete(task.path);
    job.journal({ t: 'upload', path: task.path });
  };
  if (writer.resumeToken !== upload.token) {
    await writer.abort().catch(() => undefined);
    forget();
    throw new ApiError(
      'upload_ended',
      `The multipart upload of ${task.path} is gone (aborted or expired).`,
      'Retry the job.'
    );
  }
  if (failure || signal.aborted) {
    if (!job.suspended) {
      await writer.abort().catch(() => undefined);
      forget();
    }
    throw failure ?? abortError();
  }
  const stored = writer.storedParts?.size ?? 0;
  if (stored !== split.parts) {
    // Not completed short: the parts missing are sent by a retry.
    throw new ApiError(
      'parts_missing',
      `${split.parts - stored} of the ${split.parts} parts of ${task.path} were not stored.`,
      'Retry the job: only the missing parts are sent.'
    );
  }
  const result = await withRetry(
    () => writer.complete(),
    signal,
    RETRY.request
  );
  forget();
  verify(task, task.source, result);
}

/** A move's sources, once their copies are verified: in batches. */
async function deleteSources(job: IJob, tasks: IFileTask[]): Promise<void> {
  const { src } = job;
  for (let i = 0; i < tasks.length; i += DELETE_BATCH) {
    const batch = tasks.slice(i, i + DELETE_BATCH);
    await withRetry(
      () =>
        src.backend.deleteMany(
          src.bucket,
          batch.map(task => task.srcKey)
        ),
      job.controller.signal,
      RETRY.request
    );
  }
}

/** Runs `tasks` of `job` on the cluster; ends the job. */
export async function runOnCluster(
  job: IJob,
  tasks: IFileTask[],
  settings: ICopySettings,
  context: IClusterContext,
  replan?: () => Promise<IPlan>
): Promise<void> {
  const { record, src, dst } = job;
  const signal = job.controller.signal;
  record.state = 'running';
  delete record.finished;
  const ticker = new ProgressTicker(record, () =>
    emit(job, 'progress', structuredClone(record))
  );
  const progress = record.progress;
  const byPath = new Map(tasks.map(task => [task.path, task]));
  // Shard failures, and file failures (a later attempt may still copy them).
  const failedFiles = new Map<
    string,
    { code: string; message: string; hint?: string }
  >();
  const failedShards = new Map<number, ApiError>();
  try {
    if (replan) {
      replanned(job, await replan());
      tasks = filesLeft(job);
    }
    // Shards need the whole plan: a plan streamed (a job resumed after a
    // restart) is listed to its end first.
    const queue = new TaskQueue(job, tasks);
    tasks = [];
    for (let batch; (batch = await queue.takeMany(10_000)).length;) {
      tasks.push(...batch);
    }
    if (queue.error !== undefined) {
      throw queue.error;
    }
    for (const task of tasks) {
      byPath.set(task.path, task);
    }
    const split = await beginSplitUploads(job, tasks, signal);
    const { shards, splitFiles } = makeShards({
      tasks,
      src: `${src.remote}:${src.bucket}`,
      dst: `${dst.remote}:${dst.bucket}`,
      split,
      before: new Map(
        job.plan.conflicts.map(conflict => [conflict.dstKey, conflict.existing])
      ),
      options: { transfers: record.options.transfers }
    });
    const remotes = [...new Set([src.remote, dst.remote])].map(name => {
      const remote = context.remote(name);
      if (!remote) {
        throw new ApiError('remote_not_found', `No remote named ${name}.`);
      }
      return remoteForWorker(remote);
    });
    progress.shards = { done: 0, total: shards.length };
    // Bytes each shard reported, by attempt: a shard run again after its
    // worker died starts over (and skips quickly what was stored).
    const base = progress.bytes;
    const shardBytes = new Map<number, { attempt: string; bytes: number }>();
    const count = (): void => {
      let sum = 0;
      for (const { bytes } of shardBytes.values()) {
        sum += bytes;
      }
      progress.bytes = base + sum;
    };
    const onLine = (line: CoordinatorLine): void => {
      switch (line.type) {
        case 'connected':
          progress.workers = { busy: 0, total: line.workers };
          break;
        case 'error':
          record.error = line.error;
          break;
        case 'progress':
          shardBytes.set(line.shard, {
            attempt: line.attempt,
            bytes: line.bytes
          });
          count();
          break;
        case 'file-done': {
          const task = byPath.get(line.path);
          if (task && !job.done.has(task.path)) {
            failedFiles.delete(task.path);
            fileDone(job, task);
          }
          break;
        }
        case 'file-failed':
          failedFiles.set(line.path, {
            code: line.code,
            message: line.message,
            ...(line.hint ? { hint: line.hint } : {})
          });
          break;
        case 'workers':
          progress.workers = { busy: line.busy, total: line.total };
          break;
        case 'shard-done':
          progress.shards!.done += 1;
          shardBytes.set(line.shard, {
            attempt: 'done',
            bytes: line.result.bytes
          });
          count();
          break;
        case 'shard-failed':
          failedShards.set(
            line.shard,
            new ApiError(
              line.error.code as 'cluster_error',
              line.error.message,
              line.error.hint
            )
          );
          break;
        default:
          break;
      }
    };
    const coordinator = new Coordinator(
      pythonOf(context.env),
      context.env,
      {
        job: record.id,
        scheduler: record.options.scheduler,
        shards: shards.map(shard => ({
          id: shard.id,
          input: { remotes, work: shard.work }
        }))
      },
      onLine
    );
    const onAbort = (): void => coordinator.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const code = await coordinator.exited;
      if (code !== 0 && !record.error && !signal.aborted) {
        record.error = {
          code: 'cluster_error',
          message: `The Dask client stopped (exit code ${code})${coordinator.lastError ? `: ${coordinator.lastError}` : ''}.`,
          hint: 'Retry the job; files copied so far are not copied again.'
        };
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      coordinator.close();
    }
    progress.workers = { busy: 0, total: progress.workers?.total ?? 0 };
    if (record.error) {
      throw new ApiError(
        record.error.code as 'cluster_unavailable',
        record.error.message,
        record.error.hint
      );
    }
    // Split files: completed when every range is in.
    for (const file of splitFiles) {
      const failure = file.shards
        .map(shard => failedShards.get(shard))
        .find(Boolean);
      try {
        await finishSplit(job, file, failure, signal);
        fileDone(job, file.task);
      } catch (error) {
        if (!signal.aborted) {
          fileFailed(job, file.task, error);
        }
      }
    }
    if (!signal.aborted) {
      // Whole files no attempt copied: the file's own error, else its shard's.
      const shardOf = new Map<string, number>();
      for (const shard of shards) {
        for (const file of shard.work.files ?? []) {
          shardOf.set(file.path, shard.id);
        }
      }
      for (const [path, shard] of shardOf) {
        if (job.done.has(path)) {
          continue;
        }
        const own = failedFiles.get(path);
        fileFailed(
          job,
          byPath.get(path)!,
          own
            ? new ApiError(own.code as 'provider_error', own.message, own.hint)
            : (failedShards.get(shard) ??
                new ApiError(
                  'cluster_error',
                  `No worker reported ${path} as copied.`,
                  'Retry the job.'
                ))
        );
      }
    }
    const copied = !signal.aborted && progress.failed === 0;
    if (copied && record.op === 'move') {
      await deleteSources(job, tasks);
    }
    if (copied && job.plan.op === 'sync' && job.plan.deletes.length) {
      await deleteExtras(job, settings);
    }
  } catch (error) {
    if (!signal.aborted) {
      record.error = errorOf(error);
    }
  }
  ticker.stop();
  if (!job.suspended) {
    end(job);
  }
}
