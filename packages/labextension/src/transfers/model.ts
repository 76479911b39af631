// All state of the transfer jobs; views only render it and call these methods.
// The job list comes from GET /transfers (so jobs survive a reload, and jobs
// started from a terminal appear when the list is loaded again); running jobs
// are followed live through their event streams, a few at a time, and a list
// poll covers the others while they run. Nothing polls while nothing runs.
import {
  REQUEST_HEADER,
  TRANSFER_ROUTES,
  type IEngines,
  type ITransferJob,
  type ITransferList,
  type ITransferPlan,
  type ITransferRequest
} from '@jupyter-buckets/core';
import { Poll } from '@lumino/polling';
import { Signal, type ISignal } from '@lumino/signaling';

import { BucketsError, requestAPI } from '../api';
import type {
  ITransfersModel,
  ITransfersSummary,
  TransfersChange
} from '../tokens';
import { followJob, type IJobEvent } from './events';
import { readJSON, writeJSON } from './storage';

/**
 * Event streams open at once. Each holds one of the browser's six HTTP/1.1
 * connections to the Jupyter server; the rest of JupyterLab needs the others.
 */
const MAX_STREAMS = 2;
/** List poll while some running job has no stream of its own. */
const POLL_INTERVAL_MS = 2000;
/** Reconnect delays of a dropped event stream. */
const RECONNECT_MS = [500, 1000, 2000, 5000, 10000];

const CLEARED_KEY = 'jupyter-buckets:cleared-transfers';
const HAD_JOBS_KEY = 'jupyter-buckets:had-transfers';

export function isActive(job: ITransferJob): boolean {
  return job.state === 'running' || job.state === 'queued';
}

/** Whether this browser has seen transfer jobs (then a reload loads them at start). */
export function hadJobs(): boolean {
  return readJSON<boolean>(HAD_JOBS_KEY, false);
}

type Request = <T>(path: string, init?: RequestInit) => Promise<T>;

export interface ITransfersModelOptions {
  /** Replaces requestAPI (tests). */
  request?: Request;
  /** Replaces followJob (tests). */
  follow?: typeof followJob;
}

export class TransfersModel implements ITransfersModel {
  constructor(options: ITransfersModelOptions = {}) {
    this._request = options.request ?? ((path, init) => requestAPI(path, init));
    this._follow = options.follow ?? followJob;
    this._poll = new Poll({
      auto: false,
      factory: () => this._load(),
      frequency: { interval: POLL_INTERVAL_MS, backoff: true, max: 60000 },
      // Nobody watches a hidden tab: no requests until it is shown again.
      standby: 'when-hidden',
      name: '@jupyter-buckets/labextension:transfers'
    });
  }

  get changed(): ISignal<ITransfersModel, TransfersChange> {
    return this._changed;
  }
  get jobEnded(): ISignal<ITransfersModel, ITransferJob> {
    return this._jobEnded;
  }
  get jobs(): ReadonlyArray<ITransferJob> {
    return this._visible;
  }
  get error(): BucketsError | null {
    return this._error;
  }
  get loaded(): boolean {
    return this._loaded;
  }

  get summary(): ITransfersSummary {
    const summary: ITransfersSummary = {
      running: 0,
      bytes: 0,
      totalBytes: 0,
      files: 0,
      totalFiles: 0
    };
    for (const job of this._jobs.values()) {
      if (isActive(job)) {
        summary.running += 1;
        summary.bytes += job.progress.bytes;
        summary.totalBytes += job.totals.bytes;
        summary.files += job.progress.files;
        summary.totalFiles += job.totals.files;
      }
    }
    return summary;
  }

  async refresh(): Promise<void> {
    try {
      await this._load();
    } catch {
      // `error` says why; the panel shows it with a Retry button.
    }
  }

  async start(request: ITransferRequest): Promise<ITransferJob> {
    const job = await this._request<ITransferJob>(TRANSFER_ROUTES.transfers(), {
      method: 'POST',
      body: JSON.stringify(request)
    });
    writeJSON(HAD_JOBS_KEY, true);
    this._update(job);
    if (!isActive(job) && !this._ended.has(job.id)) {
      // Nothing to copy: it ended before its first event.
      this._ended.add(job.id);
      this._jobEnded.emit(job);
    }
    return job;
  }

  adopt(job: ITransferJob): void {
    writeJSON(HAD_JOBS_KEY, true);
    this._update(job);
  }

  isSending(id: string): boolean {
    return this._sending.has(id);
  }

  setSending(id: string, sending: boolean): void {
    if (sending) {
      this._sending.add(id);
    } else {
      this._sending.delete(id);
    }
    this._emitJobs();
  }

  async cancel(id: string): Promise<ITransferJob> {
    // No body (the proxy refuses one on DELETE): the custom header is what
    // the sidecar asks of changes that are not JSON.
    const job = await this._request<ITransferJob>(
      TRANSFER_ROUTES.transfer(id),
      { method: 'DELETE', headers: { [REQUEST_HEADER]: '1' } }
    );
    this._update(job);
    return job;
  }

  async retry(id: string): Promise<ITransferJob> {
    const job = await this._request<ITransferJob>(TRANSFER_ROUTES.retry(id), {
      method: 'POST',
      body: '{}'
    });
    this._ended.delete(id);
    this._update(job);
    return job;
  }

  engines(): Promise<IEngines> {
    return this._request<IEngines>(TRANSFER_ROUTES.engines());
  }

  plan(
    request: ITransferRequest,
    signal?: AbortSignal
  ): Promise<ITransferPlan> {
    return this._request<ITransferPlan>(TRANSFER_ROUTES.transfers(), {
      method: 'POST',
      body: JSON.stringify({
        ...request,
        options: { ...request.options, dryRun: true }
      }),
      signal
    });
  }

  clearFinished(): void {
    for (const job of this._jobs.values()) {
      if (!isActive(job)) {
        this._cleared.add(job.id);
      }
    }
    writeJSON(CLEARED_KEY, [...this._cleared]);
    this._emitJobs();
  }

  dispose(): void {
    this._poll.dispose();
    for (const controller of this._streams.values()) {
      controller.abort();
    }
    this._streams.clear();
    Signal.clearData(this);
  }

  /** Load the list (also the poll's factory), then follow what runs. */
  private async _load(): Promise<void> {
    let list: ITransferList;
    try {
      list = await this._request<ITransferList>(TRANSFER_ROUTES.transfers());
    } catch (error) {
      this._error =
        error instanceof BucketsError
          ? error
          : new BucketsError('internal', String(error));
      this._changed.emit('error');
      throw error; // the poll, if on, backs off
    }
    if (this._error) {
      this._error = null;
      this._changed.emit('error');
    }
    this._loaded = true;
    const ids = new Set(list.jobs.map(job => job.id));
    if (list.jobs.length) {
      writeJSON(HAD_JOBS_KEY, true);
    }
    // Forget cleared ids the server no longer lists (storage stays small).
    const cleared = [...this._cleared].filter(id => ids.has(id));
    if (cleared.length !== this._cleared.size) {
      this._cleared = new Set(cleared);
      writeJSON(CLEARED_KEY, cleared);
    }
    for (const job of list.jobs) {
      // A streamed job's record is fresher than the list's, unless it ended.
      if (!this._streams.has(job.id) || !isActive(job)) {
        this._update(job, false);
      }
    }
    this._emitJobs();
  }

  /**
   * Store a newer record of a job. A job this page saw running is announced
   * once when it ends; one first seen ended (before a reload) is not.
   */
  private _update(job: ITransferJob, emit = true): void {
    const previous = this._jobs.get(job.id);
    this._jobs.set(job.id, job);
    if (isActive(job)) {
      this._cleared.delete(job.id);
    } else if (previous && isActive(previous) && !this._ended.has(job.id)) {
      this._ended.add(job.id);
      this._jobEnded.emit(job);
    }
    this._followRunning();
    if (emit) {
      this._emitJobs();
    }
  }

  private _emitJobs(): void {
    this._visible = [...this._jobs.values()]
      .filter(job => !this._cleared.has(job.id))
      .sort((a, b) => b.created.localeCompare(a.created));
    this._changed.emit('jobs');
  }

  /** Give the newest running jobs a stream each (up to MAX_STREAMS). */
  private _followRunning(): void {
    const running = [...this._jobs.values()]
      .filter(isActive)
      .sort((a, b) => b.created.localeCompare(a.created));
    for (const job of running) {
      if (this._streams.size >= MAX_STREAMS) {
        break;
      }
      if (!this._streams.has(job.id)) {
        void this._stream(job.id);
      }
    }
    const busy = running.some(job => !this._streams.has(job.id));
    const { phase } = this._poll.state;
    const polling = phase !== 'constructed' && phase !== 'stopped';
    if (busy && !polling) {
      void this._poll.start();
    } else if (!busy && polling) {
      void this._poll.stop();
    }
  }

  /** Follow one job until it ends, reconnecting when the stream drops. */
  private async _stream(id: string): Promise<void> {
    const controller = new AbortController();
    this._streams.set(id, controller);
    let attempt = 0;
    try {
      while (!controller.signal.aborted) {
        const current = this._jobs.get(id);
        if (!current || !isActive(current)) {
          return;
        }
        const opened = Date.now();
        try {
          const end = await this._follow(
            id,
            (event: IJobEvent) => this._onEvent(event),
            controller.signal
          );
          if (end) {
            return;
          }
        } catch (error) {
          if (controller.signal.aborted) {
            return;
          }
          if (error instanceof BucketsError && error.code === 'not_found') {
            // The sidecar restarted and no longer knows it: the list tells.
            void this.refresh();
            return;
          }
        }
        // Dropped (a proxy timeout, a network blip): wait, then reconnect.
        attempt = Date.now() - opened > 30000 ? 0 : attempt + 1;
        if (attempt > RECONNECT_MS.length) {
          return; // the list poll keeps it up to date
        }
        await sleep(RECONNECT_MS[Math.max(0, attempt - 1)]);
      }
    } finally {
      this._streams.delete(id);
      if (!controller.signal.aborted) {
        this._followRunning();
      }
    }
  }

  private _onEvent(event: IJobEvent): void {
    // 'progress' and 'end' carry the whole job (errors included); the
    // per-file events add nothing the next progress event will not bring.
    if (event.name === 'progress' || event.name === 'end') {
      this._update(event.data as ITransferJob);
    }
  }

  private readonly _request: Request;
  private readonly _follow: typeof followJob;
  private readonly _changed = new Signal<ITransfersModel, TransfersChange>(
    this
  );
  private readonly _jobEnded = new Signal<ITransfersModel, ITransferJob>(this);
  private readonly _jobs = new Map<string, ITransferJob>();
  private _visible: ITransferJob[] = [];
  private _cleared = new Set<string>(readJSON<string[]>(CLEARED_KEY, []));
  /** Jobs already announced as ended. */
  private readonly _ended = new Set<string>();
  private readonly _streams = new Map<string, AbortController>();
  /** Upload jobs whose bytes this page sends. */
  private readonly _sending = new Set<string>();
  private readonly _poll: Poll;
  private _error: BucketsError | null = null;
  private _loaded = false;
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
