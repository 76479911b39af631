// Jobs on a Dask cluster, in words: when a transfer dialog offers the
// cluster, what its checkbox says, and the line such a job shows in the
// Transfers panel. No DOM: DaskOption.ts and JobView.ts render these.
import {
  parseLocation,
  type IEngines,
  type ITransferJob,
  type ITransferRequest,
  type TransferOp
} from '@jupyter-buckets/core';

export const RUN_ON_DASK = 'Run on Dask cluster';

/** The cluster as the server sees it: GET /engines's `dask`. */
export type DaskEngine = IEngines['dask'];

/**
 * Whether the op and its sources could run on a cluster, whatever the
 * destination: the workers read buckets only (the Jupyter disk is this
 * server's, not theirs), and a delete always runs here.
 */
export function daskMayRunFrom(
  op: TransferOp,
  sources: ReadonlyArray<string>
): boolean {
  return (
    (op === 'copy' || op === 'move' || op === 'sync') &&
    sources.length > 0 &&
    sources.every(isBucketLocation)
  );
}

/** Whether a transfer from `sources` to `destination` (null: none chosen yet) may run on a cluster. */
export function daskMayRun(
  op: TransferOp,
  sources: ReadonlyArray<string>,
  destination: string | null
): boolean {
  return (
    destination !== null &&
    isBucketLocation(destination) &&
    daskMayRunFrom(op, sources)
  );
}

function isBucketLocation(location: string): boolean {
  try {
    return parseLocation(location).kind !== 'local';
  } catch {
    return false;
  }
}

export interface IDaskChoice {
  /** Whether the box may be ticked. */
  enabled: boolean;
  label: string;
  /** Its tooltip: what a tick does, or why there is no cluster and how to get one. */
  title: string;
}

/** The checkbox for the server's answer; null while it is asked. */
export function daskChoice(dask: DaskEngine | null): IDaskChoice {
  if (dask === null) {
    return {
      enabled: false,
      label: `${RUN_ON_DASK} (looking for one…)`,
      title: 'Asking the server whether a Dask cluster can be reached.'
    };
  }
  if (!dask.available) {
    return {
      enabled: false,
      label: `${RUN_ON_DASK} (none reachable)`,
      // The probe's reason ends with what to do (DASK_SCHEDULER_ADDRESS, Gateway).
      title: dask.reason ?? 'No Dask cluster can be reached from this server.'
    };
  }
  const where = [
    ...(dask.scheduler ? [dask.scheduler] : []),
    ...(dask.workers !== undefined ? [plural(dask.workers, 'worker')] : [])
  ];
  return {
    enabled: true,
    label: where.length ? `${RUN_ON_DASK} (${where.join(', ')})` : RUN_ON_DASK,
    title:
      "The cluster's workers copy the files from bucket to bucket, not this server; " +
      'the job shows in the Transfers panel like any other, and can be cancelled and retried.'
  };
}

/** The request, run on the cluster the server found. */
export function onDask(request: ITransferRequest): ITransferRequest {
  return { ...request, options: { ...request.options, via: 'dask' } };
}

/**
 * What a job on a cluster says beside its bytes and files: "On Dask cluster
 * · 2 of 2 workers busy · shards 3/12" while it runs, the workers it had
 * once it ended; '' for a job run here.
 */
export function daskLine(
  job: Pick<ITransferJob, 'options' | 'progress' | 'state'>
): string {
  if (job.options?.via !== 'dask') {
    return '';
  }
  const parts = ['On Dask cluster'];
  const { workers, shards } = job.progress;
  if (workers) {
    const active = job.state === 'running' || job.state === 'queued';
    parts.push(
      active
        ? `${workers.busy.toLocaleString('en')} of ${plural(workers.total, 'worker')} busy`
        : plural(workers.total, 'worker')
    );
  }
  if (shards) {
    parts.push(
      `shards ${shards.done.toLocaleString('en')}/${shards.total.toLocaleString('en')}`
    );
  }
  return parts.join(' · ');
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
}
