// The transfer jobs of a sidecar. A transfer's refusals are errors of the
// request, before any job exists; its files are planned as its source is
// listed, copies starting with the first page (stream.ts), and it runs in
// the background (runner.ts) with live progress as events, cancel and retry
// of the failed files. With a journal (journal.ts), a job interrupted by a
// restart resumes (resume.ts), and only the last keepJobs finished jobs are
// remembered.
import { randomUUID } from 'node:crypto';
import type {
  IEstimate,
  ITransferJob,
  ITransferPlan,
  ITransferRequest,
  TransferEventName,
  ZarrVersion
} from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { ByteBudget } from './budget.js';
import { describe } from './conflicts.js';
import { planDelete } from './deletes.js';
import { checkPolicies } from './guard.js';
import {
  filesLeft,
  newJob,
  prepareRetry,
  type IJob,
  type IJobStart
} from './job.js';
import { DEFAULT_KEEP_JOBS, Journal, type IJournalEntry } from './journal.js';
import type { IEndpoint } from '../locations/resolver.js';
import {
  emptyPlan,
  LIST_PAGE_SIZE,
  planTransfer,
  type IFileTask
} from './plan.js';
import { checkRequest } from './request.js';
import { JobRegistry } from './registry.js';
import { loadJournals, replan, unresumable } from './resume.js';
import { SUSPEND, type IRetryPolicy } from './retry.js';
import { copySettings, runJob, type ICopySettings } from './runner.js';
import { startPlan } from './stream.js';
import { zarrVersionOf } from '../zarr/detect.js';
import { folderPrefix } from '../locations/folders.js';
import { requireDask } from '../cluster/engines.js';
import { runOnCluster, type IClusterContext } from '../cluster/run.js';
import { runCloudTransfer } from '../cloud-transfer/run.js';
import { transferJobOf } from '../cloud-transfer/spec.js';

export { DEFAULT_TRANSFERS } from './runner.js';

// Buffers of parts and small files, for every job together. Streamed copies
// (into the disk, into a GCS session) hold none; uploads from the disk hold
// (parts in flight) x (part size). 32 MiB keeps four 8 MiB parts moving, as
// fast on this machine as 64 (make bench: a 2 GiB upload, 64 files S3 ->
// GCS) and the whole process under 150 MiB; with 64 it peaked at 180.
const DEFAULT_MEMORY_BUDGET = 32 * 1024 * 1024;
/** Copies that say what this machine's rate is: large enough to be past start-up costs. */
const MEASURED_MIN_BYTES = 64 * 1024 * 1024;
const MEASURED_JOBS = 5;

export interface IJobManagerOptions {
  /** A location string to an endpoint (HTTP: confined to the Jupyter root; CLI: the user's paths). */
  resolve: (location: string) => IEndpoint;
  /** Where journals go; none = no journal (the CLI). */
  journalDir?: string;
  partsInFlight?: number;
  partSize?: number;
  singlePutLimit?: number;
  /** Files up to this size with a stated MD5 go as one streamed request (copy.ts). */
  streamedPutLimit?: number;
  /** The policy of one request of a running job; ordered parts and whole files take its backoff (retry.ts). */
  retry?: IRetryPolicy;
  /** Bytes of buffers in flight across all jobs (default 32 MiB). */
  memoryBudget?: number;
  /** Finished jobs kept, journal and all (default 200); older ones are forgotten. */
  keepJobs?: number;
  /** Objects per page of a job's source listing (tests: small, to see copies start before it ends). */
  listPageSize?: number;
  /** Jobs with options.via 'dask' run on a cluster with this (none: refused). */
  cluster?: IClusterContext;
}

export class JobManager {
  private readonly journal?: Journal;
  private readonly registry: JobRegistry;
  private resuming: Promise<void> = Promise.resolve();
  /** Resolves once the journals of the last resume() are read (and listed). */
  private loaded: Promise<void> = Promise.resolve();
  /** Shared by all jobs: the buffers in flight never exceed it. */
  readonly budget: ByteBudget;
  private readonly settings: ICopySettings;
  private readonly pageSize: number;

  constructor(private readonly options: IJobManagerOptions) {
    this.budget = new ByteBudget(options.memoryBudget ?? DEFAULT_MEMORY_BUDGET);
    if (options.journalDir) {
      this.journal = new Journal(options.journalDir);
    }
    this.registry = new JobRegistry(
      this.journal,
      options.keepJobs ?? DEFAULT_KEEP_JOBS
    );
    this.settings = copySettings(options, this.budget);
    this.pageSize = options.listPageSize ?? LIST_PAGE_SIZE;
  }

  private endpoints(request: ITransferRequest): {
    src: IEndpoint;
    dst: IEndpoint;
  } {
    const src = this.options.resolve(request.src);
    // A delete has no destination: its objects are its source's.
    const dst =
      request.op === 'delete' ? src : this.options.resolve(request.dst);
    checkPolicies(request.op, src, dst);
    return { src, dst };
  }

  /** The plan without doing anything (a dry run). */
  async plan(request: ITransferRequest): Promise<ITransferPlan> {
    checkRequest(request);
    const { src, dst } = this.endpoints(request);
    if (request.op === 'delete') {
      const plan = await planDelete(src, request.options ?? {});
      return {
        op: 'delete',
        src: request.src,
        dst: '',
        copy: [],
        delete: plan.files.map(file => file.path),
        skipped: 0,
        totals: plan.totals,
        conflicts: []
      };
    }
    // A plan only reports conflicts; it never refuses for them.
    const plan = await planTransfer(request.op, src, dst, {
      ...request.options,
      dryRun: true
    });
    const estimate = this.estimate(plan.totals.bytes);
    return {
      ...(estimate ? { estimate } : {}),
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
    const onCluster = options.via === 'dask';
    if (onCluster) {
      await this.checkCluster(src, dst, options.scheduler);
    }
    if (options.via === 'cloud') {
      return this.createCloudTransfer({ ...request, options }, src, dst);
    }
    // A cluster's shards are cut from the whole plan.
    const planning = onCluster
      ? planTransfer(request.op, src, dst, options)
      : startPlan(request.op, src, dst, options, new Set(), this.pageSize);
    // Whether the source is a Zarr store (HEADs of its metadata names): its
    // progress is then counted in chunks. Asked beside the plan when the
    // source is named as a folder; otherwise once the plan has found a
    // folder there: a single object is no store, and its copy is spared
    // four requests (as many as the rest of a small copy makes).
    const [plan, zarr] = await Promise.all([
      planning,
      namedAsFolder(src)
        ? sourceZarrVersion(src)
        : planning.then(planned =>
            planned.srcPrefix === undefined ? undefined : sourceZarrVersion(src)
          )
    ]);
    const { id, created } = this.begin({ ...request, options }, zarr);
    const job = this.start({
      id,
      created,
      request: { ...request, options },
      src,
      dst,
      plan,
      done: new Set(),
      zarr
    });
    return structuredClone(job.record);
  }

  /**
   * A cloud transfer: refused here when the service cannot do it (checked
   * by building its transfer job); not planned here, since the service
   * lists the source itself (its counters become the job's totals).
   */
  private createCloudTransfer(
    request: Required<ITransferRequest>,
    src: IEndpoint,
    dst: IEndpoint
  ): ITransferJob {
    const cluster = this.options.cluster;
    const remote = (name: string) => cluster?.remote(name);
    const srcRemote = remote(src.remote);
    const dstRemote = remote(dst.remote);
    if (!cluster || !srcRemote || !dstRemote || src.local || dst.local) {
      throw new ApiError(
        'invalid_request',
        'A cloud transfer copies from a bucket into a Google Cloud Storage bucket.',
        'Run a copy to or from the Jupyter disk here.'
      );
    }
    transferJobOf(request, src, dst, { src: srcRemote, dst: dstRemote }, '');
    const { id, created } = this.begin(request);
    const job = this.start({
      id,
      created,
      request,
      src,
      dst,
      plan: emptyPlan(request.op),
      done: new Set()
    });
    return structuredClone(job.record);
  }

  /** Refuses a job on a cluster that cannot run there, before it exists. */
  private async checkCluster(
    src: IEndpoint,
    dst: IEndpoint,
    scheduler: string | undefined
  ): Promise<void> {
    if (!this.options.cluster) {
      throw new ApiError(
        'cluster_unavailable',
        'This engine cannot hand jobs to a Dask cluster.',
        'Run the copy here.'
      );
    }
    if (src.local || dst.local) {
      throw new ApiError(
        'invalid_request',
        "The Jupyter disk is not on the Dask cluster's workers.",
        'Run on a Dask cluster copies between buckets; copy to or from the Jupyter disk here.'
      );
    }
    await requireDask(this.options.cluster.env, scheduler);
  }

  /** A new job's id and date, and its journal's first line. */
  private begin(
    request: Required<ITransferRequest>,
    zarr?: ZarrVersion
  ): { id: string; created: string } {
    const id = randomUUID();
    const created = new Date().toISOString();
    this.journal?.append(id, {
      t: 'job',
      id,
      op: request.op,
      src: request.src,
      dst: request.dst,
      options: request.options,
      created,
      ...(zarr ? { zarr } : {})
    });
    return { id, created };
  }

  /**
   * A job whose work runs elsewhere (an upload, whose bytes come from the
   * browser): listed, journaled, followed and cancelled like the others. It
   * ends when `ended` settles; its owner sets its state and emits its events.
   */
  adopt(
    start: Pick<IJobStart, 'request' | 'src' | 'dst' | 'plan'>,
    ended: Promise<void>
  ): IJob {
    const { id, created } = this.begin(start.request);
    const job = newJob({ ...start, id, created, done: new Set() }, line =>
      this.journal?.append(id, line)
    );
    this.registry.add(job);
    job.running = ended.then(() => {
      if (!job.suspended) {
        this.registry.noteEnded(id);
      }
    });
    return job;
  }

  private start(start: IJobStart): IJob {
    const job = newJob(start, line => this.journal?.append(start.id, line));
    this.registry.add(job);
    this.run(job, filesLeft(job));
    return job;
  }

  private run(job: IJob, tasks: IFileTask[] | 'replan'): void {
    this.registry.restarted(job.record.id);
    const { op, options } = job.record;
    // Planned again over what is there now, choices as the job made them:
    // a file that appeared meanwhile is replaced, unless told otherwise.
    const replan =
      tasks === 'replan'
        ? () =>
            startPlan(
              op,
              job.src,
              job.dst,
              { ...options, onConflict: options.onConflict ?? 'replace' },
              job.done,
              this.pageSize
            )
        : undefined;
    const cluster = this.options.cluster;
    const running =
      options.via === 'cloud' && cluster
        ? runCloudTransfer(job, cluster)
        : options.via === 'dask' && cluster
          ? runOnCluster(
              job,
              tasks === 'replan' ? [] : tasks,
              this.settings,
              cluster,
              replan
            )
          : runJob(job, tasks === 'replan' ? [] : tasks, this.settings, replan);
    job.running = running.then(() => {
      if (!job.suspended) {
        this.registry.noteEnded(job.record.id);
      }
    });
  }

  list(): ITransferJob[] {
    return this.registry.list();
  }

  /**
   * Bytes per second of this machine's recent copies (the median of the
   * last few done here that moved at least 64 MiB), journaled ones
   * included; undefined before there is any.
   */
  measuredRate(): number | undefined {
    return measuredRate(this.registry.list());
  }

  /** How long `bytes` would take here, at the measured rate. */
  estimate(bytes: number): IEstimate | undefined {
    const rate = this.measuredRate();
    return rate ? { seconds: Math.round(bytes / rate), rate } : undefined;
  }

  get(id: string): ITransferJob {
    return this.registry.get(id);
  }

  /** Listen to a job's events; returns the unsubscribe function. */
  subscribe(
    id: string,
    listener: (name: TransferEventName, data: unknown) => void
  ): () => void {
    const job = this.registry.find(id);
    job.events.on('event', listener);
    return () => job.events.off('event', listener);
  }

  /** The job record once it has ended (or been suspended). */
  async wait(id: string): Promise<ITransferJob> {
    await this.resuming;
    const job = this.registry.find(id);
    await job.running;
    return structuredClone(job.record);
  }

  async cancel(id: string): Promise<ITransferJob> {
    await this.resuming;
    const job = this.registry.find(id);
    if (job.record.state === 'running' || job.record.state === 'queued') {
      job.controller.abort();
      await job.running;
    }
    return structuredClone(job.record);
  }

  /** Run the failed files of an ended job again. */
  retry(id: string): ITransferJob {
    const job = this.registry.find(id);
    if (job.record.op === 'upload') {
      // Its bytes are on the user's computer, not here.
      throw new ApiError(
        'invalid_request',
        'An upload is sent again from the computer it came from.',
        'In the Buckets panel, upload the same files to the same folder.'
      );
    }
    if (job.record.options.via === 'cloud') {
      // The service runs the whole transfer again (what is there already
      // is skipped or replaced as the job says).
      if (job.record.state === 'running' || job.record.state === 'queued') {
        throw new ApiError('invalid_request', `Job ${id} is still running.`);
      }
      job.controller = new AbortController();
      delete job.record.error;
      this.run(job, []);
      return structuredClone(job.record);
    }
    this.run(job, prepareRetry(job));
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
    const loading = loadJournals(journal, this.registry);
    this.loaded = loading.then(
      () => undefined,
      () => undefined
    );
    const resuming = loading.then(interrupted => this.restart(interrupted));
    this.resuming = resuming.then(() => undefined);
    return resuming;
  }

  /** Resolves once the jobs of the last resume() are read from their journals and listed. */
  whenLoaded(): Promise<void> {
    return this.loaded;
  }

  private async restart(entries: IJournalEntry[]): Promise<ITransferJob[]> {
    const resumed: ITransferJob[] = [];
    for (const entry of entries) {
      if (entry.start.op === 'upload') {
        await this.abandonUpload(entry);
        continue;
      }
      try {
        const job = this.start(
          await replan(entry, this.options.resolve, this.pageSize)
        );
        resumed.push(structuredClone(job.record));
      } catch (error) {
        const record = unresumable(entry.start, error);
        this.journal?.append(record.id, { t: 'end', job: record });
        this.registry.failedToResume(record, entry.file);
      }
    }
    return resumed;
  }

  /**
   * An upload cut off by a crash cannot go on: its bytes were in a browser
   * page that talked to the process that died. What it had stored is
   * removed (an open S3 multipart upload is billed and invisible), and it
   * is listed as failed.
   */
  private async abandonUpload(entry: IJournalEntry): Promise<void> {
    const { start } = entry;
    try {
      const dst = this.options.resolve(start.dst);
      const prefix = folderPrefix(dst.path);
      for (const [path, upload] of entry.uploads) {
        const writer = await dst.backend.writer(
          dst.bucket,
          `${prefix}${path}`,
          {
            resumeToken: upload.token,
            partSize: upload.partSize
          }
        );
        await writer.abort();
      }
    } catch {
      // A remote gone or unreachable: what is left expires by the store's
      // own lifecycle rules (GCS sessions after a week).
    }
    const record = unresumable(
      start,
      new ApiError(
        'upload_ended',
        'The Jupyter server stopped during this upload; the parts it had stored were removed.',
        'Upload the files again.'
      )
    );
    this.journal?.append(record.id, { t: 'end', job: record });
    this.registry.failedToResume(record, entry.file);
  }

  /** Resolves once the jobs of the last resume() are running again (or failed). */
  whenResumed(): Promise<void> {
    return this.resuming;
  }

  /** Stop every running job without ending it: they resume at the next resume(). */
  async shutdown(): Promise<void> {
    const running = this.registry.running();
    for (const job of running) {
      job.suspended = true;
      job.controller.abort(SUSPEND);
    }
    await Promise.all(running.map(job => job.running));
  }
}

/** The median rate of the last few large copies done here (jobs oldest first). */
export function measuredRate(jobs: ITransferJob[]): number | undefined {
  const rates = jobs
    .filter(
      job =>
        job.state === 'done' &&
        job.op !== 'delete' &&
        job.op !== 'upload' &&
        (job.options.via ?? 'sidecar') === 'sidecar' &&
        job.progress.bytes >= MEASURED_MIN_BYTES &&
        job.progress.rate > 0
    )
    .slice(-MEASURED_JOBS)
    .map(job => job.progress.rate)
    .sort((a, b) => a - b);
  return rates.length ? rates[Math.floor(rates.length / 2)] : undefined;
}

/** A source that can only be a folder: a bucket, or a path ending in '/'. */
function namedAsFolder(src: IEndpoint): boolean {
  return !src.path || src.path.endsWith('/');
}

/** The Zarr format of a job's source folder, or undefined (a file, not a store, unreadable). */
async function sourceZarrVersion(
  src: IEndpoint
): Promise<ZarrVersion | undefined> {
  if (!src.bucket) {
    return undefined;
  }
  const prefix = folderPrefix(src.path);
  return prefix
    ? zarrVersionOf(src.backend, src.bucket, prefix).catch(() => undefined)
    : undefined;
}
