// Jobs: a transfer planned up front (refusals are errors of the request),
// then run in the background with many files in parallel, live progress
// (events), cancel, retry of failed files, and a journal that lets a job
// resumed after a restart skip the files it already finished.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  type ITransferFileError,
  type ITransferJob,
  type ITransferPlan,
  type ITransferRequest,
  type TransferEventName
} from '@jupyter-buckets/core';
import pLimit from 'p-limit';
import { ApiError } from '../api-error.js';
import {
  copyFile,
  DEFAULT_PART_SIZE,
  DEFAULT_STREAMED_PART_SIZE,
  DEFAULT_PARTS_IN_FLIGHT,
  DEFAULT_SINGLE_PUT_LIMIT,
  type IResumableUpload
} from './copy.js';
import { ByteBudget } from './budget.js';
import { describe } from './conflicts.js';
import {
  DEFAULT_KEEP_JOBS,
  endedAt,
  Journal,
  type IJournalEntry
} from './journal.js';
import type { IEndpoint } from './locations.js';
import { planTransfer, type IFileTask, type IPlan } from './plan.js';
import { checkRequest, MAX_TRANSFERS } from './request.js';
import {
  retryPolicies,
  SUSPEND,
  withRetry,
  type IRetryPolicies,
  type IRetryPolicy
} from './retry.js';

export const DEFAULT_TRANSFERS = 16;
const PROGRESS_INTERVAL_MS = 250;
const DEFAULT_MEMORY_BUDGET = 192 * 1024 * 1024;

export interface IJobManagerOptions {
  /** A location string to an endpoint (HTTP: confined to the Jupyter root; CLI: the user's paths). */
  resolve: (location: string) => IEndpoint;
  /** Where journals go; none = no journal (the CLI). */
  journalDir?: string;
  partsInFlight?: number;
  partSize?: number;
  singlePutLimit?: number;
  /** The policy of one request of a running job; ordered parts and whole files take its backoff (retry.ts). */
  retry?: IRetryPolicy;
  /** Bytes of buffers in flight across all jobs (default 192 MiB). */
  memoryBudget?: number;
  /** Finished jobs kept, journal and all (default 200); older ones are forgotten. */
  keepJobs?: number;
}

interface IJob {
  record: ITransferJob;
  events: EventEmitter;
  controller: AbortController;
  src: IEndpoint;
  dst: IEndpoint;
  plan: IPlan;
  /** Paths finished (this run or an earlier one, from the journal). */
  done: Set<string>;
  failedTasks: IFileTask[];
  running?: Promise<void>;
  /** Stopped by shutdown(): no end is journaled, so it resumes next time. */
  suspended: boolean;
  /** Unfinished uploads by path, continued by a retry or the next run. */
  uploads: Map<string, IResumableUpload>;
}

function emptyProgress(): ITransferJob['progress'] {
  return {
    bytes: 0,
    files: 0,
    failed: 0,
    skipped: 0,
    deleted: 0,
    rate: 0,
    current: [],
    streamedBytes: 0,
    serverSideFiles: 0
  };
}

/** A job record as the journal's first line gives it, before any progress. */
function recordOf(start: IJournalEntry['start']): ITransferJob {
  return {
    id: start.id,
    op: start.op,
    src: start.src,
    dst: start.dst,
    options: start.options,
    state: 'queued',
    created: start.created,
    totals: { files: 0, bytes: 0 },
    progress: emptyProgress(),
    errors: []
  };
}

function errorOf(error: unknown): {
  code: string;
  message: string;
  hint?: string;
} {
  if (error instanceof ApiError) {
    return error.hint
      ? { code: error.code, message: error.message, hint: error.hint }
      : { code: error.code, message: error.message };
  }
  return {
    code: 'internal',
    message: error instanceof Error ? error.message : String(error)
  };
}

export class JobManager {
  private readonly jobs = new Map<string, IJob>();
  /** Finished jobs read back from journals (no endpoints kept). */
  private readonly past = new Map<string, ITransferJob>();
  private readonly journal?: Journal;
  private resuming: Promise<void> = Promise.resolve();
  /** Resolves once the journals of the last resume() are read (and listed). */
  private loaded: Promise<void> = Promise.resolve();
  /** Finished jobs with a journal, oldest first: beyond keepJobs they go. */
  private readonly ended: { id: string; file: string }[] = [];
  /** Shared by all jobs: the buffers in flight never exceed it. */
  readonly budget: ByteBudget;
  private readonly retryPolicies: IRetryPolicies;

  constructor(private readonly options: IJobManagerOptions) {
    this.retryPolicies = retryPolicies(options.retry);
    this.budget = new ByteBudget(options.memoryBudget ?? DEFAULT_MEMORY_BUDGET);
    if (options.journalDir) {
      this.journal = new Journal(options.journalDir);
    }
  }

  private endpoints(request: ITransferRequest): {
    src: IEndpoint;
    dst: IEndpoint;
  } {
    return {
      src: this.options.resolve(request.src),
      dst: this.options.resolve(request.dst)
    };
  }

  /** The plan without doing anything (a dry run). */
  async plan(request: ITransferRequest): Promise<ITransferPlan> {
    checkRequest(request);
    const { src, dst } = this.endpoints(request);
    // A plan only reports conflicts; it never refuses for them.
    const plan = await planTransfer(request.op, src, dst, {
      ...request.options,
      dryRun: true
    });
    return {
      op: request.op,
      src: request.src,
      dst: request.dst,
      copy: plan.files.map(file => ({ path: file.path, size: file.size })),
      delete: plan.deletes.map(task => task.path),
      skipped: plan.skipped,
      totals: plan.totals,
      conflicts: plan.conflicts.map(conflict => describe(dst, conflict))
    };
  }

  /** Plan (refusals throw here, before any job exists) and start. */
  async create(request: ITransferRequest): Promise<ITransferJob> {
    checkRequest(request);
    const { src, dst } = this.endpoints(request);
    const options = { ...(request.options ?? {}) };
    delete options.dryRun;
    const plan = await planTransfer(request.op, src, dst, options);
    const id = randomUUID();
    const created = new Date().toISOString();
    this.journal?.append(id, {
      t: 'job',
      id,
      op: request.op,
      src: request.src,
      dst: request.dst,
      options,
      created
    });
    const job = this.start(
      id,
      request,
      options,
      created,
      src,
      dst,
      plan,
      new Set()
    );
    return structuredClone(job.record);
  }

  private start(
    id: string,
    request: ITransferRequest,
    options: ITransferRequest['options'] & object,
    created: string,
    src: IEndpoint,
    dst: IEndpoint,
    plan: IPlan,
    done: Set<string>,
    uploads = new Map<string, IResumableUpload>()
  ): IJob {
    const record: ITransferJob = {
      id,
      op: request.op,
      src: request.src,
      dst: request.dst,
      options,
      state: 'queued',
      created,
      totals: { ...plan.totals },
      progress: { ...emptyProgress(), skipped: plan.skipped },
      errors: []
    };
    const job: IJob = {
      record,
      events: new EventEmitter(),
      controller: new AbortController(),
      src,
      dst,
      plan,
      done,
      failedTasks: [],
      suspended: false,
      uploads
    };
    job.events.setMaxListeners(0);
    this.jobs.set(id, job);
    const tasks = plan.files.filter(file => {
      if (done.has(file.path)) {
        record.progress.files += 1;
        record.progress.bytes += file.size;
        return false;
      }
      return true;
    });
    job.running = this.run(job, tasks, plan.op === 'sync');
    return job;
  }

  private emit(job: IJob, name: TransferEventName, data: unknown): void {
    job.events.emit('event', name, data);
  }

  private async run(
    job: IJob,
    tasks: IFileTask[],
    deletes: boolean
  ): Promise<void> {
    const { record, src, dst, controller } = job;
    const signal = controller.signal;
    // Running again (a retry): not among the finished ones to forget.
    const at = this.ended.findIndex(ended => ended.id === record.id);
    if (at !== -1) {
      this.ended.splice(at, 1);
    }
    record.state = 'running';
    delete record.finished;
    const started = Date.now();
    const bytesAtStart = record.progress.bytes;
    const current = new Set<string>();
    const snapshot = (): void => {
      const seconds = (Date.now() - started) / 1000;
      const progress = record.progress;
      progress.rate =
        seconds > 0 ? Math.round((progress.bytes - bytesAtStart) / seconds) : 0;
      const left = record.totals.bytes - progress.bytes;
      if (progress.rate > 0) {
        progress.eta = Math.max(0, Math.round(left / progress.rate));
      } else {
        delete progress.eta;
      }
      progress.current = [...current].slice(0, 20);
    };
    const timer = setInterval(() => {
      snapshot();
      this.emit(job, 'progress', structuredClone(record));
    }, PROGRESS_INTERVAL_MS);
    timer.unref();
    const limit = pLimit(
      Math.min(MAX_TRANSFERS, record.options.transfers ?? DEFAULT_TRANSFERS)
    );
    const ctx = {
      signal,
      partsInFlight: this.options.partsInFlight ?? DEFAULT_PARTS_IN_FLIGHT,
      partSize: this.options.partSize ?? DEFAULT_PART_SIZE,
      // A manager given a part size (tests) uses it for the disk too.
      streamedPartSize: this.options.partSize ?? DEFAULT_STREAMED_PART_SIZE,
      singlePutLimit: this.options.singlePutLimit ?? DEFAULT_SINGLE_PUT_LIMIT,
      retry: this.retryPolicies,
      budget: this.budget,
      onBytes: (_count: number) => undefined,
      onStreamed: (count: number) => {
        record.progress.streamedBytes += count;
      },
      onServerSide: () => {
        record.progress.serverSideFiles += 1;
      }
    };
    await Promise.all(
      tasks.map(task =>
        limit(async () => {
          if (signal.aborted) {
            return;
          }
          current.add(task.path);
          let credited = 0;
          const taskCtx = {
            ...ctx,
            onBytes: (count: number) => {
              credited += count;
              record.progress.bytes += count;
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
              this.journal?.append(record.id, {
                t: 'upload',
                path: task.path,
                ...upload
              });
            }
          };
          try {
            await withRetry(
              async () => {
                // A failed attempt's bytes are not progress.
                record.progress.bytes -= credited;
                credited = 0;
                return copyFile(task, src, dst, taskCtx);
              },
              signal,
              this.retryPolicies.file
            );
            if (record.op === 'move') {
              await withRetry(
                () => src.backend.delete(src.bucket, task.srcKey),
                signal,
                this.retryPolicies.request
              );
            }
            job.done.add(task.path);
            this.journal?.append(record.id, { t: 'done', path: task.path });
            record.progress.files += 1;
            this.emit(job, 'file-done', { path: task.path, size: task.size });
          } catch (error) {
            // Bytes of a file that did not arrive are not progress.
            record.progress.bytes -= credited;
            if (signal.aborted) {
              return;
            }
            const failure: ITransferFileError = {
              path: task.path,
              ...errorOf(error)
            };
            record.progress.failed += 1;
            record.errors.push(failure);
            job.failedTasks.push(task);
            this.journal?.append(record.id, {
              t: 'failed',
              path: task.path,
              message: failure.message
            });
            this.emit(job, 'file-failed', failure);
          } finally {
            current.delete(task.path);
          }
        })
      )
    );
    if (
      !signal.aborted &&
      deletes &&
      job.plan.deletes.length &&
      record.progress.failed === 0
    ) {
      // Only after every copy succeeded (rclone's --delete-after).
      for (const task of job.plan.deletes) {
        try {
          await withRetry(
            () => dst.backend.delete(dst.bucket, task.key),
            signal,
            this.retryPolicies.request
          );
          record.progress.deleted += 1;
        } catch (error) {
          record.progress.failed += 1;
          record.errors.push({ path: task.path, ...errorOf(error) });
        }
      }
    }
    if (
      !signal.aborted &&
      record.op === 'move' &&
      job.plan.srcPrefix &&
      src.backend.capabilities.realDirectories &&
      record.progress.failed === 0
    ) {
      // Folders left empty by the move go too.
      await src.backend
        .delete(src.bucket, job.plan.srcPrefix)
        .catch(() => undefined);
    }
    clearInterval(timer);
    snapshot();
    record.progress.current = [];
    if (job.suspended) {
      return;
    }
    record.state = signal.aborted
      ? 'cancelled'
      : record.progress.failed
        ? 'failed'
        : 'done';
    record.finished = new Date().toISOString();
    this.journal?.append(record.id, { t: 'end', job: structuredClone(record) });
    this.emit(job, 'end', structuredClone(record));
    this.noteEnded(record.id);
  }

  /** A job with a journal ended: the oldest finished ones beyond keepJobs are forgotten, journal and all. */
  private noteEnded(id: string, file = `${id}.jsonl`): void {
    if (!this.journal) {
      return;
    }
    this.ended.push({ id, file });
    const keep = this.options.keepJobs ?? DEFAULT_KEEP_JOBS;
    while (this.ended.length > keep) {
      const old = this.ended.shift()!;
      this.jobs.delete(old.id);
      this.past.delete(old.id);
      void this.journal.remove(old);
    }
  }

  list(): ITransferJob[] {
    const live = [...this.jobs.values()].map(job =>
      structuredClone(job.record)
    );
    const past = [...this.past.values()].filter(job => !this.jobs.has(job.id));
    return [...past, ...live].sort((a, b) =>
      a.created.localeCompare(b.created)
    );
  }

  private find(id: string): IJob {
    const job = this.jobs.get(id);
    if (!job && this.past.get(id)?.state === 'queued') {
      throw new ApiError(
        'invalid_request',
        `Job ${id} is being resumed after a restart.`,
        'Try again in a moment.'
      );
    }
    if (!job) {
      throw new ApiError(
        'not_found',
        this.past.has(id)
          ? `Job ${id} ended before the sidecar restarted; it cannot be changed.`
          : `No transfer job ${id}.`,
        'See GET /api/v1/transfers for the jobs.'
      );
    }
    return job;
  }

  get(id: string): ITransferJob {
    const past = this.past.get(id);
    if (past && !this.jobs.has(id)) {
      return structuredClone(past);
    }
    return structuredClone(this.find(id).record);
  }

  /** Listen to a job's events; returns the unsubscribe function. */
  subscribe(
    id: string,
    listener: (name: TransferEventName, data: unknown) => void
  ): () => void {
    const job = this.find(id);
    job.events.on('event', listener);
    return () => job.events.off('event', listener);
  }

  /** The job record once it has ended (or been suspended). */
  async wait(id: string): Promise<ITransferJob> {
    await this.resuming;
    const job = this.find(id);
    await job.running;
    return structuredClone(job.record);
  }

  async cancel(id: string): Promise<ITransferJob> {
    await this.resuming;
    const job = this.find(id);
    if (job.record.state === 'running' || job.record.state === 'queued') {
      job.controller.abort();
      await job.running;
    }
    return structuredClone(job.record);
  }

  /** Run the failed files of an ended job again. */
  retry(id: string): ITransferJob {
    const job = this.find(id);
    if (job.record.state === 'running' || job.record.state === 'queued') {
      throw new ApiError(
        'invalid_request',
        `Job ${id} is still running.`,
        'Wait for it to end, or cancel it.'
      );
    }
    const tasks =
      job.record.state === 'cancelled'
        ? job.plan.files.filter(file => !job.done.has(file.path))
        : job.failedTasks;
    if (!tasks.length) {
      throw new ApiError(
        'invalid_request',
        `Job ${id} has no failed files to retry.`
      );
    }
    job.failedTasks = [];
    job.record.errors = [];
    job.record.progress.failed = 0;
    job.controller = new AbortController();
    job.running = this.run(job, tasks, job.plan.op === 'sync');
    return structuredClone(job.record);
  }

  /**
   * Read the journals: ended jobs are listed, interrupted ones are planned
   * again and resumed (files the journal lists as done are not copied again).
   * The journals are read asynchronously, so the server answers meanwhile;
   * whenLoaded() tells when they are listed.
   */
  resume(): Promise<ITransferJob[]> {
    const journal = this.journal;
    if (!journal) {
      return Promise.resolve([]);
    }
    const loading = this.load(journal);
    this.loaded = loading.then(
      () => undefined,
      () => undefined
    );
    const resuming = loading.then(interrupted => this.restart(interrupted));
    this.resuming = resuming.then(() => undefined);
    return resuming;
  }

  /**
   * Lists the jobs of the journals and returns the interrupted ones. Only the
   * last keepJobs finished jobs are kept; older journals are removed (never
   * those of jobs that did not end: they are resumed).
   */
  private async load(journal: Journal): Promise<IJournalEntry[]> {
    const entries = await journal.read();
    const finished = entries
      .filter(entry => entry.end)
      .sort((a, b) => endedAt(a).localeCompare(endedAt(b)));
    const keep = this.options.keepJobs ?? DEFAULT_KEEP_JOBS;
    const old = new Set(finished.slice(0, Math.max(0, finished.length - keep)));
    const interrupted = [];
    for (const entry of entries) {
      if (old.has(entry)) {
        continue;
      }
      if (entry.end) {
        this.past.set(entry.start.id, entry.end);
      } else if (!this.jobs.has(entry.start.id)) {
        // Listed as soon as read, as queued: a client asking right after a
        // restart finds the job while it is planned again (which takes requests).
        this.past.set(entry.start.id, {
          ...recordOf(entry.start),
          state: 'queued'
        });
        interrupted.push(entry);
      }
    }
    // Older than any job that ended since this start.
    this.ended.unshift(
      ...finished
        .filter(entry => !old.has(entry))
        .map(entry => ({ id: entry.start.id, file: entry.file }))
    );
    await Promise.all([...old].map(entry => journal.remove(entry)));
    return interrupted;
  }

  /** Resolves once the jobs of the last resume() are read from their journals and listed. */
  whenLoaded(): Promise<void> {
    return this.loaded;
  }

  private async restart(entries: IJournalEntry[]): Promise<ITransferJob[]> {
    const resumed: ITransferJob[] = [];
    for (const entry of entries) {
      const { start } = entry;
      const request: ITransferRequest = {
        op: start.op,
        src: start.src,
        dst: start.dst,
        options: start.options
      };
      try {
        const { src, dst } = this.endpoints(request);
        // Files this job wrote before the restart are not conflicts.
        const plan = await planTransfer(
          request.op,
          src,
          dst,
          start.options,
          undefined,
          entry.done
        );
        // A sync plans only what still differs; a copy needs the journal.
        const job = this.start(
          start.id,
          request,
          start.options,
          start.created,
          src,
          dst,
          plan,
          entry.done,
          entry.uploads
        );
        resumed.push(structuredClone(job.record));
      } catch (error) {
        const record: ITransferJob = {
          ...recordOf(start),
          state: 'failed',
          finished: new Date().toISOString(),
          error: errorOf(error)
        };
        this.journal?.append(start.id, { t: 'end', job: record });
        this.past.set(start.id, record);
        this.noteEnded(start.id, entry.file);
      }
    }
    return resumed;
  }

  /** Resolves once the jobs of the last resume() are running again (or failed). */
  whenResumed(): Promise<void> {
    return this.resuming;
  }

  /** Stop every running job without ending it: they resume at the next resume(). */
  async shutdown(): Promise<void> {
    const running = [...this.jobs.values()].filter(
      job => job.record.state === 'running'
    );
    for (const job of running) {
      job.suspended = true;
      job.controller.abort(SUSPEND);
    }
    await Promise.all(running.map(job => job.running));
  }
}
