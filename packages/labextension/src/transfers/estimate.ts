// How long a copy between buckets would take here, asked of the sidecar as a
// dry run while the transfer dialog is open, and said in one line; when it is
// long, that the copy could be handed to a Dask cluster or the cloud. A dry
// run lists the source: one per destination, the answer kept, an earlier one
// dropped when the destination changes. No DOM: EstimateView.ts renders it.
import {
  LONG_COPY_SECONDS,
  type IEstimate,
  type ITransferPlan,
  type ITransferRequest
} from '@jupyter-buckets/core';

import { formatDuration, formatSize } from '../format.js';

/** What the jobs of one destination would copy, and how long that takes here. */
export interface IPlanSummary {
  files: number;
  bytes: number;
  /** Absent until this machine has been measured (its first large copy). */
  estimate?: IEstimate;
}

export type EstimateState =
  /** Nothing to estimate: no destination, or not between buckets. */
  | { kind: 'none' }
  | { kind: 'asking' }
  | { kind: 'planned'; summary: IPlanSummary }
  | { kind: 'failed'; message: string };

/** A dry run of one request (the sidecar's plan); rejects when aborted. */
export type AskPlan = (
  request: ITransferRequest,
  signal: AbortSignal
) => Promise<ITransferPlan>;

/** The plans of the jobs started together (one per selected entry), as one. */
export function summarizePlans(
  plans: ReadonlyArray<Pick<ITransferPlan, 'totals' | 'estimate'>>
): IPlanSummary {
  const summary: IPlanSummary = {
    files: plans.reduce((sum, plan) => sum + plan.totals.files, 0),
    bytes: plans.reduce((sum, plan) => sum + plan.totals.bytes, 0)
  };
  // Every plan is estimated at the same rate: this machine's.
  const estimates = plans.map(plan => plan.estimate);
  if (estimates.length && estimates.every(e => e !== undefined)) {
    summary.estimate = {
      seconds: estimates.reduce((sum, e) => sum + e!.seconds, 0),
      rate: estimates[0]!.rate
    };
  }
  return summary;
}

/**
 * The dialog's line: "About 2 h 10 min on this machine (1.2 TB in 5,321
 * files at 160 MB/s)", "1.2 TB in 5,321 files" before this machine has a
 * measured rate, "Estimating…" while asked.
 */
export function estimateText(
  state: EstimateState,
  op: 'copy' | 'move' | 'sync'
): string {
  switch (state.kind) {
    case 'none':
      return '';
    case 'asking':
      return 'Estimating…';
    case 'failed':
      return `No estimate: ${state.message}`;
  }
  const { files, bytes, estimate } = state.summary;
  if (files === 0) {
    return `Nothing to ${op}`;
  }
  const what = `${formatSize(bytes)} in ${files.toLocaleString('en')} file${files === 1 ? '' : 's'}`;
  if (!estimate) {
    return what;
  }
  const rate = `${formatSize(estimate.rate)}/s`;
  const duration =
    estimate.seconds < 1
      ? 'Under a second'
      : `About ${formatDuration(estimate.seconds)}`;
  return `${duration} on this machine (${what} at ${rate})`;
}

/** Whether the copy takes long enough here to be worth handing off (as the CLI says). */
export function isLong(state: EstimateState): boolean {
  return (
    state.kind === 'planned' &&
    (state.summary.estimate?.seconds ?? 0) >= LONG_COPY_SECONDS
  );
}

/**
 * Beside the hand-off options, for a long copy: "Long here: run it on your
 * Dask cluster or as a cloud transfer" (naming those offered); '' otherwise.
 */
export function handOffAdvice(
  state: EstimateState,
  offered: { dask: boolean; cloud: boolean }
): string {
  const ways = [
    ...(offered.dask ? ['on your Dask cluster'] : []),
    ...(offered.cloud ? ['as a cloud transfer'] : [])
  ];
  return isLong(state) && ways.length
    ? `Long here: run it ${ways.join(' or ')}`
    : '';
}

export interface IEstimatorOptions {
  plan: AskPlan;
  /** Called with each new state (the view renders it). */
  changed: (state: EstimateState) => void;
  /** Wait this long after the last change before asking (typing a folder name). */
  delayMs?: number;
}

/**
 * Asks the dry runs of the destination shown, one request after another
 * (each lists its source); keeps each destination's answer for the dialog's
 * life, and aborts and ignores the question of a destination left.
 */
export class Estimator {
  constructor(private readonly _options: IEstimatorOptions) {}

  get state(): EstimateState {
    return this._state;
  }

  /**
   * Estimate the jobs `requests` gives for the destination `key` (a
   * location); null: nothing to estimate.
   */
  estimate(key: string | null, requests: () => ITransferRequest[]): void {
    if (key === this._key) {
      return;
    }
    this._abort();
    this._key = key;
    if (key === null) {
      this._set({ kind: 'none' });
      return;
    }
    const known = this._answers.get(key);
    if (known) {
      this._set({ kind: 'planned', summary: known });
      return;
    }
    this._set({ kind: 'asking' });
    const controller = new AbortController();
    this._controller = controller;
    this._timer = setTimeout(() => {
      this._timer = undefined;
      void this._ask(key, requests(), controller.signal);
    }, this._options.delayMs ?? 0);
  }

  /** Stop asking (the dialog closed). */
  dispose(): void {
    this._abort();
    this._key = null;
    this._disposed = true;
  }

  private async _ask(
    key: string,
    requests: ITransferRequest[],
    signal: AbortSignal
  ): Promise<void> {
    try {
      const plans: ITransferPlan[] = [];
      for (const request of requests) {
        plans.push(await this._options.plan(request, signal));
        if (signal.aborted) {
          return;
        }
      }
      const summary = summarizePlans(plans);
      this._answers.set(key, summary);
      this._set({ kind: 'planned', summary });
    } catch (error) {
      if (!signal.aborted) {
        this._set({ kind: 'failed', message: (error as Error).message });
      }
    }
  }

  private _abort(): void {
    if (this._timer !== undefined) {
      clearTimeout(this._timer);
      this._timer = undefined;
    }
    this._controller?.abort();
    this._controller = null;
  }

  private _set(state: EstimateState): void {
    this._state = state;
    if (!this._disposed) {
      this._options.changed(state);
    }
  }

  private _key: string | null = null;
  private _state: EstimateState = { kind: 'none' };
  private readonly _answers = new Map<string, IPlanSummary>();
  private _controller: AbortController | null = null;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _disposed = false;
}
