import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ITransferJob } from '@jupyter-buckets/core';
import { measuredRate } from './jobs.js';

const MiB = 1024 * 1024;

function job(
  rate: number,
  changes: Partial<ITransferJob> = {},
  bytes = 512 * MiB
): ITransferJob {
  return {
    op: 'copy',
    state: 'done',
    options: {},
    progress: { bytes, rate },
    ...changes
  } as unknown as ITransferJob;
}

describe("this machine's measured rate", () => {
  it('is the median of the last five large copies done here', () => {
    const jobs = [1, 2, 3, 4, 5, 6, 7].map(n => job(n * MiB));
    assert.equal(measuredRate(jobs), 5 * MiB);
  });

  it('leaves out small, failed, deleting and off-machine jobs', () => {
    assert.equal(
      measuredRate([
        job(9 * MiB, {}, MiB),
        job(9 * MiB, { state: 'failed' }),
        job(9 * MiB, { op: 'delete' }),
        job(9 * MiB, { options: { via: 'dask' } }),
        job(9 * MiB, { options: { via: 'cloud' } })
      ]),
      undefined
    );
    assert.equal(
      measuredRate([job(3 * MiB), job(9 * MiB, { state: 'cancelled' })]),
      3 * MiB
    );
  });
});
