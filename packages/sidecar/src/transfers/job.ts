// One transfer job as the manager holds it: the record clients see, and what
// running it again needs (its endpoints, its plan, the files already done,
// the failed ones, unfinished uploads).
import { EventEmitter } from 'node:events';
import type {
  ITransferJob,
  ITransferRequest,
  TransferEventName,
  ZarrVersion
} from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import type { IResumableUpload } from './copy.js';
import type { IJournalEntry, JournalLine } from './journal.js';
import type { IEndpoint } from '../locations/resolver.js';
import type { IFileTask, IPlan } from './plan.js';
import { emptyProgress } from './progress.js';

export interface IJob {
  record: ITransferJob;
  events: EventEmitter;
  controller: AbortController;
  src: IEndpoint;
  dst: IEndpoint;
  plan: IPlan;
  /**
   * Its plan was streamed (stream.ts): the files of pages already gone are
   * not kept, so a run over every file left plans again (retry()).
   */
  streamed: boolean;
  /** Paths finished (this run or an earlier one, from the journal). */
  done: Set<string>;
  failedTasks: IFileTask[];
  running?: Promise<void>;
  /** Stopped by shutdown(): no end is journaled, so it resumes next time. */
  suspended: boolean;
  /** Unfinished uploads by path, continued by a retry or the next run. */
  uploads: Map<string, IResumableUpload>;
  /** Appends to the job's journal (nothing without one: the CLI). */
  journal(line: JournalLine): void;
}

/** What a job starts from: a new request, or a journal after a restart. */
export interface IJobStart {
  id: string;
  created: string;
  /** As recorded: options without dryRun. */
  request: Required<ITransferRequest>;
  src: IEndpoint;
  dst: IEndpoint;
  plan: IPlan;
  done: Set<string>;
  uploads?: Map<string, IResumableUpload>;
  /** The source is a Zarr store: progress counts chunks. */
  zarr?: ZarrVersion;
}

export function newJob(
  start: IJobStart,
  journal: (line: JournalLine) => void
): IJob {
  const { request, plan } = start;
  const job: IJob = {
    record: {
      id: start.id,
      op: request.op,
      src: request.src,
      dst: request.dst,
      options: request.options,
      state: 'queued',
      created: start.created,
      ...(start.zarr ? { zarr: start.zarr } : {}),
      totals: totalsOf(plan),
      progress: { ...emptyProgress(), skipped: plan.skipped },
      errors: []
    },
    events: new EventEmitter(),
    controller: new AbortController(),
    src: start.src,
    dst: start.dst,
    plan,
    streamed: Boolean(plan.more),
    done: start.done,
    failedTasks: [],
    suspended: false,
    uploads: start.uploads ?? new Map(),
    journal
  };
  job.events.setMaxListeners(0);
  return job;
}

/** A plan's totals as a job states them: "counting" while its source is listed. */
export function totalsOf(plan: IPlan): ITransferJob['totals'] {
  return plan.more
    ? { ...plan.totals, counting: true }
    : { files: plan.totals.files, bytes: plan.totals.bytes };
}

/** Of `files`, those still to copy; those done before a restart count as progress. */
export function notDone(job: IJob, files: IFileTask[]): IFileTask[] {
  if (!job.done.size) {
    return files;
  }
  const progress = job.record.progress;
  return files.filter(file => {
    if (job.done.has(file.path)) {
      progress.files += 1;
      progress.bytes += file.size;
      return false;
    }
    return true;
  });
}

/** The files of the plan's first page (a whole plan's: all) still to copy. */
export function filesLeft(job: IJob): IFileTask[] {
  return notDone(job, job.plan.files);
}

/**
 * A job planned again for a new run over every file left: totals and
 * progress start again from the new plan (files done count again as they
 * come), deletes and the run's errors stay in the record.
 */
export function replanned(job: IJob, plan: IPlan): void {
  const { record } = job;
  job.plan = plan;
  job.streamed = Boolean(plan.more);
  record.totals = totalsOf(plan);
  record.progress = {
    ...emptyProgress(),
    skipped: plan.skipped,
    deleted: record.progress.deleted
  };
}

/**
 * What a retry runs again, the job made ready for it: the failed files, or
 * after a cancel every file not done ('replan' when only a new plan knows
 * them: a streamed plan's files are not kept, nor are those of a listing
 * that failed). Throws when there is nothing to retry.
 */
export function prepareRetry(job: IJob): IFileTask[] | 'replan' {
  const { record } = job;
  if (record.state === 'running' || record.state === 'queued') {
    throw new ApiError(
      'invalid_request',
      `Job ${record.id} is still running.`,
      'Wait for it to end, or cancel it.'
    );
  }
  if (job.streamed && (record.state === 'cancelled' || Boolean(record.error))) {
    job.failedTasks = [];
    record.errors = [];
    delete record.error;
    record.progress.failed = 0;
    job.controller = new AbortController();
    return 'replan';
  }
  const tasks =
    record.state === 'cancelled'
      ? job.plan.files.filter(file => !job.done.has(file.path))
      : job.failedTasks;
  if (!tasks.length) {
    throw new ApiError(
      'invalid_request',
      `Job ${record.id} has no failed files to retry.`
    );
  }
  job.failedTasks = [];
  record.errors = [];
  record.progress.failed = 0;
  job.controller = new AbortController();
  return tasks;
}

/** A job record as the journal's first line gives it, before any progress. */
export function recordOf(start: IJournalEntry['start']): ITransferJob {
  return {
    id: start.id,
    op: start.op,
    src: start.src,
    dst: start.dst,
    options: start.options,
    state: 'queued',
    created: start.created,
    ...(start.zarr ? { zarr: start.zarr } : {}),
    totals: { files: 0, bytes: 0 },
    progress: emptyProgress(),
    errors: []
  };
}

/** An error as a job record states it: the API's own, or an internal one. */
export function errorOf(error: unknown): {
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

export function emit(job: IJob, name: TransferEventName, data: unknown): void {
  job.events.emit('event', name, data);
}
