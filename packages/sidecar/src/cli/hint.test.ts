import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ITransferJob, ITransferRequest } from '@jupyter-buckets/core';
import { handOffHint } from './transfers.js';

function job(eta: number | undefined): ITransferJob {
  return { progress: { eta } } as unknown as ITransferJob;
}

const between: ITransferRequest = {
  op: 'copy',
  src: 'osn:cmip6/tas/',
  dst: 'gs://leap-scratch/me/tas/'
};

describe('the hint to run a long copy elsewhere', () => {
  it('is given for a copy between buckets that will take over ten minutes here', () => {
    const hint = handOffHint(between, job(3 * 3600 + 20 * 60));
    assert.match(hint ?? '', /about 3h20m on this machine/);
    assert.match(hint ?? '', /--via dask/);
    assert.match(hint ?? '', /--via cloud/);
  });

  it('is not given for a short copy, before a rate is known, off the disk, or already elsewhere', () => {
    assert.equal(handOffHint(between, job(120)), undefined);
    assert.equal(handOffHint(between, job(undefined)), undefined);
    assert.equal(
      handOffHint({ ...between, src: 'results/' }, job(7200)),
      undefined
    );
    assert.equal(
      handOffHint({ ...between, src: 'local:jupyter/results/' }, job(7200)),
      undefined
    );
    assert.equal(
      handOffHint({ ...between, options: { via: 'dask' } }, job(7200)),
      undefined
    );
  });
});
