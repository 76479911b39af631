// Cloud transfers in words: when a transfer dialog offers Google's Storage
// Transfer Service, what its checkbox and its question about existing files
// say, the request it sends, and the line such a job shows in the Transfers
// panel. No DOM: CloudOption.ts and JobView.ts render these.
import {
  parseLocation,
  providerOfScheme,
  type ConflictChoice,
  type IRemote,
  type ITransferJob,
  type ITransferRequest,
  type TransferOp
} from '@jupyter-buckets/core';

import { daskMayRun } from './dask.js';

export const RUN_IN_CLOUD =
  'Run as a cloud transfer (Google Storage Transfer Service)';

export const CLOUD_TITLE =
  "Google's Storage Transfer Service copies the files into the Google Cloud Storage bucket, " +
  "not this server, in the destination remote's Google Cloud project; " +
  'the job shows in the Transfers panel like any other, and can be cancelled and retried.';

/**
 * What the service does with files that exist at the destination: it cannot
 * ask, so a copy or a move says it up front. Keep both is not among them.
 */
export type CloudConflictChoice = Extract<ConflictChoice, 'replace' | 'skip'>;

/** Skip first: nothing at the destination is lost unless the user says so. */
export const CLOUD_CONFLICT_CHOICES: ReadonlyArray<{
  choice: CloudConflictChoice;
  label: string;
}> = [
  { choice: 'skip', label: 'Skip' },
  { choice: 'replace', label: 'Replace' }
];

export const CLOUD_CONFLICT_QUESTION = 'Files that exist there:';

/** What a cloud sync does instead of asking, said under its checkbox. */
export const CLOUD_SYNC_NOTE =
  'Files that differ there are replaced: the service cannot ask first.';

/**
 * Whether the service may run a transfer from `sources` to `destination`
 * (null: none chosen yet): it reads buckets only, and writes into GCS only.
 * The rest (an agent pool for an S3-compatible source, a project) only the
 * server knows: it refuses with what to do.
 */
export function cloudMayRun(
  op: TransferOp,
  sources: ReadonlyArray<string>,
  destination: string | null,
  remotes: ReadonlyArray<Pick<IRemote, 'name' | 'provider'>>
): boolean {
  if (!daskMayRun(op, sources, destination)) {
    return false;
  }
  const location = parseLocation(destination!);
  const provider =
    location.kind === 'remote'
      ? remotes.find(r => r.name === location.remote)?.provider
      : location.kind === 'url'
        ? providerOfScheme(location.scheme)
        : undefined;
  return provider === 'gcs';
}

/**
 * The request, run by the service. A copy or a move carries what happens to
 * files that exist (the server refuses one without); a sync replaces those
 * that differ, and needs none.
 */
export function onCloud(
  request: ITransferRequest,
  onConflict: CloudConflictChoice
): ITransferRequest {
  return {
    ...request,
    options: {
      ...request.options,
      via: 'cloud',
      ...(request.op === 'sync' ? {} : { onConflict })
    }
  };
}

/**
 * What a cloud transfer says beside its bytes and files: "Cloud transfer
 * (Storage Transfer Service) · transferOperations/…", and while the service
 * still lists the source (its totals only grow), that it does; '' for a job
 * run anywhere else.
 */
export function cloudLine(
  job: Pick<ITransferJob, 'options' | 'progress' | 'state' | 'totals'>
): string {
  if (job.options?.via !== 'cloud') {
    return '';
  }
  const parts = ['Cloud transfer (Storage Transfer Service)'];
  if (job.progress.operation) {
    parts.push(job.progress.operation);
  }
  const active = job.state === 'running' || job.state === 'queued';
  if (active && job.totals.counting) {
    parts.push('the service is still listing the source');
  }
  return parts.join(' · ');
}
