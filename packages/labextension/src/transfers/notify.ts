// A notification when a job ends: done, failed (with how many files), or
// cancelled, with a button that shows the Transfers panel.
import {
  fileUnit,
  type ITransferJob,
  type TransferOp
} from '@jupyter-buckets/core';
import { Notification } from '@jupyterlab/apputils';

import { formatSize } from '../format';
import type { ITransfersModel } from '../tokens';
import { describeLocation } from './locations';

// A delete has no destination: deleteEndMessage words it.
type CopyOp = Exclude<TransferOp, 'delete'>;
const DONE: Record<CopyOp, string> = {
  copy: 'Copied',
  move: 'Moved',
  sync: 'Synced',
  upload: 'Uploaded'
};
const NOUN: Record<CopyOp, string> = {
  copy: 'Copy',
  move: 'Move',
  sync: 'Sync',
  upload: 'Upload'
};

function files(count: number): string {
  return `${count.toLocaleString('en')} file${count === 1 ? '' : 's'}`;
}

/** What the notification says about a job that ended. */
export function endMessage(job: ITransferJob): string {
  if (job.op === 'delete') {
    return deleteEndMessage(job);
  }
  const dst = describeLocation(job.dst);
  const { progress, totals } = job;
  switch (job.state) {
    case 'done':
      return `${DONE[job.op]} ${files(progress.files)} (${formatSize(progress.bytes)}) to ${dst}`;
    case 'cancelled':
      return `${NOUN[job.op]} to ${dst} cancelled after ${progress.files.toLocaleString('en')} of ${files(totals.files)}`;
    default:
      return job.error
        ? `${NOUN[job.op]} to ${dst} failed: ${job.error.message}`
        : `${NOUN[job.op]} to ${dst} failed: ${files(progress.failed)} of ${totals.files.toLocaleString('en')} did not arrive`;
  }
}

/** A delete names what it deleted, in objects (chunks for a Zarr store). */
function deleteEndMessage(job: ITransferJob): string {
  const src = describeLocation(job.src);
  const { progress, totals } = job;
  const count = (n: number) =>
    `${n.toLocaleString('en')} ${fileUnit(job)}${n === 1 ? '' : 's'}`;
  switch (job.state) {
    case 'done':
      return `Deleted ${src}: ${count(progress.files)} (${formatSize(progress.bytes)})`;
    case 'cancelled':
      return `Delete of ${src} cancelled after ${progress.files.toLocaleString('en')} of ${count(totals.files)}`;
    default:
      return job.error
        ? `Delete of ${src} failed: ${job.error.message}`
        : `Delete of ${src} failed: ${count(progress.failed)} of ${totals.files.toLocaleString('en')} could not be deleted`;
  }
}

export function notifyJobEnds(
  transfers: ITransfersModel,
  showPanel: () => void
): void {
  transfers.jobEnded.connect((_, job) => {
    const options = {
      autoClose: job.state === 'failed' ? (false as const) : 6000,
      actions: [
        {
          label: 'Show Transfers',
          callback: showPanel,
          displayType: 'link' as const
        }
      ]
    };
    const message = endMessage(job);
    if (job.state === 'done') {
      Notification.success(message, options);
    } else if (job.state === 'cancelled') {
      Notification.warning(message, options);
    } else {
      Notification.error(message, options);
    }
  });
}
