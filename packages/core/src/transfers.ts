// Transfers (copy, move, sync, and delete) as jobs: the request the API and the CLI take,
// the job record, the dry-run plan and the Server-Sent Events of a job.
import { API_PREFIX } from './api.js';
import type { ZarrVersion } from './zarr.js';

/**
 * A delete is a job too: a folder (a Zarr store: thousands of chunks) goes
 * in batches, with progress, cancel, retry and resume like a copy. It has a
 * source only (its `dst` is ''). An upload is a job whose bytes come from
 * the user's browser (uploads.ts): it is started at its own route, not here.
 */
export type TransferOp = 'copy' | 'move' | 'sync' | 'delete' | 'upload';

/** The ops POST /transfers takes. */
export const TRANSFER_OPS: readonly TransferOp[] = [
  'copy',
  'move',
  'sync',
  'delete'
];

/** Every op a job may have (a journal's, a listed job's). */
export const JOB_OPS: readonly TransferOp[] = [...TRANSFER_OPS, 'upload'];

/**
 * What happens to a destination file that exists already: `replace` it,
 * `rename` the new copy (`name (1).ext`: keep both), or `skip` it. A sync's
 * changed files are conflicts too: a sync replaces them only when told.
 */
export type ConflictChoice = 'replace' | 'rename' | 'skip';

export const CONFLICT_CHOICES: readonly ConflictChoice[] = [
  'replace',
  'rename',
  'skip'
];

/** One destination file a job would write over, found while planning. */
export interface ITransferConflict {
  /** Path relative to the source (the key of `conflicts` in the options). */
  path: string;
  /** The existing destination, as a location ('remote:bucket/key' or a Jupyter path). */
  dst: string;
  source: { size: number; modified?: string };
  existing: { size: number; modified?: string };
}

export interface ITransferOptions {
  /** Globs on the path relative to the source (picomatch syntax); none = everything. */
  include?: string[];
  exclude?: string[];
  /** Sync: compare checksums (MD5/ETag, CRC32C) instead of size + modification time. */
  checksum?: boolean;
  /** Sync: delete destination files the source does not have. */
  delete?: boolean;
  /** Return the plan, do nothing. */
  dryRun?: boolean;
  /** Files in flight at once (default 16). */
  transfers?: number;
  /**
   * For every destination file that exists already. Without it (and without
   * a choice in `conflicts` for each), a job whose plan finds any is refused
   * with 409 `destination_exists` listing them, before a byte is written.
   * The CLI sends `replace` (as `aws s3 cp` and rclone do) unless told
   * otherwise (--no-clobber, -i).
   */
  onConflict?: ConflictChoice;
  /** Per-file choices by path relative to the source; they win over onConflict. */
  conflicts?: Record<string, ConflictChoice>;
  /**
   * Where the bytes move: 'sidecar' (this machine, the default); 'dask':
   * the plan is split into shards that the workers of a Dask cluster copy;
   * 'cloud': Google's Storage Transfer Service copies a folder into GCS
   * (from GCS, AWS S3, or an S3-compatible store through its agents).
   * Not for deletes.
   */
  via?: TransferEngine;
  /**
   * The Dask scheduler of a 'dask' job (tcp://host:port); default: the
   * cluster the user already has ($DASK_SCHEDULER_ADDRESS, Dask's config).
   */
  scheduler?: string;
}

/** The engines a copy, move or sync can run on. */
export type TransferEngine = 'sidecar' | 'dask' | 'cloud';

export const TRANSFER_ENGINES: readonly TransferEngine[] = [
  'sidecar',
  'dask',
  'cloud'
];

/** POST /api/v1/transfers. Locations as the CLI takes them: 'remote:bucket/path' or a path relative to the Jupyter root. */
export interface ITransferRequest {
  op: TransferOp;
  src: string;
  /** Not for a delete (its record has ''). */
  dst: string;
  options?: ITransferOptions;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface ITransferFileError {
  /** Path relative to the source. */
  path: string;
  code: string;
  message: string;
  hint?: string;
}

export interface ITransferProgress {
  bytes: number;
  files: number;
  failed: number;
  skipped: number;
  deleted: number;
  /** Bytes per second since the job (re)started. */
  rate: number;
  /** Seconds left, when a rate is known. */
  eta?: number;
  /** Paths (relative to the source) being copied now. */
  current: string[];
  /** Bytes that went through the sidecar (0 for server-side copies). */
  streamedBytes: number;
  /** Files copied by the provider itself (same endpoint and credentials). */
  serverSideFiles: number;
  /** A job on a Dask cluster: its workers, and how many run a shard of it now. */
  workers?: { busy: number; total: number };
  /** A job on a Dask cluster: its shards, and how many are done. */
  shards?: { done: number; total: number };
  /** A cloud transfer: its Storage Transfer Service operation (transferOperations/...). */
  operation?: string;
}

/** A job's progress before anything has moved. */
export function emptyProgress(): ITransferProgress {
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

export interface ITransferJob {
  id: string;
  op: TransferOp;
  src: string;
  dst: string;
  options: ITransferOptions;
  state: JobState;
  /** The source is a Zarr store of this format: its files are its chunks (and metadata). */
  zarr?: ZarrVersion;
  /** ISO 8601. */
  created: string;
  finished?: string;
  /**
   * What the job copies. While its source is still listed (copies start
   * before the listing ends) they grow, and `counting` is true.
   */
  totals: { files: number; bytes: number; counting?: boolean };
  progress: ITransferProgress;
  errors: ITransferFileError[];
  /** Why the whole job failed (planning, a refused destination). */
  error?: { code: string; message: string; hint?: string };
}

/**
 * What a job's files are, in the user's words (singular): a Zarr store's
 * chunks, a delete's objects, else files.
 */
export function fileUnit(
  job: Pick<ITransferJob, 'zarr'> & Partial<Pick<ITransferJob, 'op'>>
): 'chunk' | 'object' | 'file' {
  return job.zarr ? 'chunk' : job.op === 'delete' ? 'object' : 'file';
}

export interface ITransferPlanFile {
  /** Path relative to the source (the file itself for a single object). */
  path: string;
  size: number;
}

/** The answer to a dry run. */
export interface ITransferPlan {
  op: TransferOp;
  src: string;
  dst: string;
  copy: ITransferPlanFile[];
  /** Destination paths (relative to the destination) a sync with delete would remove. */
  delete: string[];
  /** Files already identical at the destination. */
  skipped: number;
  totals: { files: number; bytes: number };
  /** Destination files that exist and differ (before any choice is applied). */
  conflicts: ITransferConflict[];
  /**
   * How long it would take on this machine, at the rate its recent copies
   * were measured at (none yet: no estimate).
   */
  estimate?: IEstimate;
}

export interface IEstimate {
  seconds: number;
  /** Bytes per second: the median of this machine's recent large copies. */
  rate: number;
}

/** Over this, a copy between buckets is worth handing to a cluster or the cloud. */
export const LONG_COPY_SECONDS = 10 * 60;

export interface ITransferList {
  jobs: ITransferJob[];
}

/** Event names on GET /transfers/{id}/events; data is JSON. */
export type TransferEventName =
  /** ITransferJob, at most a few per second. */
  | 'progress'
  /** { path, size } */
  | 'file-done'
  /** ITransferFileError */
  | 'file-failed'
  /** ITransferJob in its final state; the stream ends after it. */
  | 'end';

export const TRANSFER_ROUTES = {
  transfers: () => `${API_PREFIX}/transfers`,
  transfer: (id: string) => `${API_PREFIX}/transfers/${encodeURIComponent(id)}`,
  events: (id: string) =>
    `${API_PREFIX}/transfers/${encodeURIComponent(id)}/events`,
  retry: (id: string) =>
    `${API_PREFIX}/transfers/${encodeURIComponent(id)}/retry`,
  engines: () => `${API_PREFIX}/engines`
};

/**
 * GET /api/v1/engines: whether a job may run beyond this machine. The
 * scheduler's address is shown without any credential in it.
 */
export interface IEngines {
  /** This machine: the rate its recent large copies ran at, when known. */
  sidecar: { rate?: number };
  dask: {
    available: boolean;
    /** tcp://host:port of the scheduler a 'dask' job would use. */
    scheduler?: string;
    /** Workers connected now. */
    workers?: number;
    /** Why it is not available, and what to do. */
    reason?: string;
  };
}
