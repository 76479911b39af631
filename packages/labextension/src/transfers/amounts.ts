// What a job has moved, in words, as its row shows it. While the sidecar is
// still listing the source (a big folder's copy starts before its listing
// ends), the totals only grow: they read as a floor ("40.0 MiB+"), not as
// the whole.
import { fileUnit, type ITransferJob } from '@jupyter-buckets/core';
import { formatSize } from '../format.js';

export interface IAmounts {
  bytes: string;
  files: string;
}

export function amounts(
  job: Pick<ITransferJob, 'progress' | 'totals' | 'zarr'> &
    Partial<Pick<ITransferJob, 'op'>>
): IAmounts {
  const { progress, totals } = job;
  const unit = fileUnit(job);
  const more = totals.counting ? '+' : '';
  const files = totals.files.toLocaleString('en');
  return {
    bytes:
      `${formatSize(progress.bytes)} of ${formatSize(totals.bytes)}${more}` +
      (totals.counting ? ' (counting)' : ''),
    files: `${progress.files.toLocaleString('en')} of ${files}${more} ${unit}${totals.files === 1 && !more ? '' : 's'}`
  };
}
