/// <reference types="node" />
// Node's test runner on how a job's row words what it has moved.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { emptyProgress, type ITransferJob } from '@jupyter-buckets/core';

import { amounts } from './amounts.js';

const progress: ITransferJob['progress'] = {
  ...emptyProgress(),
  bytes: 3 * 1024 * 1024,
  files: 12
};

test('known totals read as the whole', () => {
  const words = amounts({
    progress,
    totals: { files: 340, bytes: 40 * 1024 * 1024 }
  });
  assert.equal(words.bytes, '3.0 MB of 40 MB');
  assert.equal(words.files, '12 of 340 files');
  assert.equal(
    amounts({
      progress: { ...progress, files: 1 },
      totals: { files: 1, bytes: 1 }
    }).files,
    '1 of 1 file'
  );
});

test('totals still counted read as a floor, and say so', () => {
  const words = amounts({
    progress,
    totals: { files: 1000, bytes: 40 * 1024 * 1024, counting: true }
  });
  assert.equal(words.bytes, '3.0 MB of 40 MB+ (counting)');
  assert.equal(words.files, '12 of 1,000+ files');
  assert.equal(
    amounts({ progress, totals: { files: 1, bytes: 10, counting: true } })
      .files,
    '12 of 1+ files'
  );
});

test("a Zarr store's files read as its chunks", () => {
  assert.equal(
    amounts({ progress, totals: { files: 340, bytes: 10 }, zarr: 3 }).files,
    '12 of 340 chunks'
  );
});
