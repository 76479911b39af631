/// <reference types="node" />
// Node's test runner on when a transfer is offered Google's Storage Transfer
// Service, the request it sends, and the line such a job shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { emptyProgress, type ITransferJob } from '@jupyter-buckets/core';

import { cloudLine, cloudMayRun, onCloud } from './cloud.js';

const remotes = [
  { name: 'demo-s3', provider: 's3' as const },
  { name: 'demo-gcs', provider: 'gcs' as const },
  { name: 'leap', provider: 'gcs' as const }
];

test('a copy, move or sync from buckets into a GCS bucket may run in the cloud', () => {
  for (const op of ['copy', 'move', 'sync'] as const) {
    assert.equal(
      cloudMayRun(
        op,
        ['demo-s3:climate-data/batch/'],
        'demo-gcs:leap-scratch/',
        remotes
      ),
      true,
      op
    );
  }
  // GCS to GCS, and several sources at once.
  assert.equal(
    cloudMayRun(
      'copy',
      ['demo-gcs:leap-scratch/a.nc', 'demo-gcs:leap-scratch/b/'],
      'leap:persistent/run/',
      remotes
    ),
    true
  );
  assert.equal(
    cloudMayRun('copy', ['s3://climate-data/a/'], 'gs://bucket/x/', remotes),
    true
  );
});

test('into anything but GCS, or from the Jupyter disk, the cloud is not offered', () => {
  // The service writes into Google Cloud Storage only.
  assert.equal(
    cloudMayRun(
      'copy',
      ['demo-gcs:leap-scratch/a/'],
      'demo-s3:climate-data/',
      remotes
    ),
    false
  );
  assert.equal(
    cloudMayRun('copy', ['demo-s3:climate-data/a/'], 'results/', remotes),
    false
  );
  assert.equal(
    cloudMayRun('copy', ['outputs/'], 'demo-gcs:leap-scratch/', remotes),
    false
  );
  // A remote no longer listed, no destination yet, a delete.
  assert.equal(
    cloudMayRun('copy', ['demo-s3:climate-data/a/'], 'gone:bucket/', remotes),
    false
  );
  assert.equal(
    cloudMayRun('copy', ['demo-s3:climate-data/a/'], null, remotes),
    false
  );
  assert.equal(
    cloudMayRun(
      'delete',
      ['demo-s3:climate-data/a/'],
      'demo-gcs:leap-scratch/',
      remotes
    ),
    false
  );
});

test('a cloud copy or move says what happens to existing files; a sync does not', () => {
  assert.deepEqual(
    onCloud(
      {
        op: 'copy',
        src: 'demo-s3:climate-data/a/',
        dst: 'demo-gcs:leap-scratch/a/'
      },
      'skip'
    ),
    {
      op: 'copy',
      src: 'demo-s3:climate-data/a/',
      dst: 'demo-gcs:leap-scratch/a/',
      options: { via: 'cloud', onConflict: 'skip' }
    }
  );
  assert.deepEqual(
    onCloud({ op: 'move', src: 'a:b/', dst: 'c:d/' }, 'replace').options,
    { via: 'cloud', onConflict: 'replace' }
  );
  assert.deepEqual(
    onCloud({ op: 'sync', src: 'a:b/', dst: 'c:d/' }, 'skip').options,
    { via: 'cloud' }
  );
});

const progress = emptyProgress();

test('a cloud transfer shows its operation, and that the service still lists the source', () => {
  const job = (
    state: ITransferJob['state'],
    totals: ITransferJob['totals'],
    operation?: string
  ) => ({
    state,
    options: { via: 'cloud' as const },
    totals,
    progress: { ...progress, ...(operation ? { operation } : {}) }
  });
  assert.equal(
    cloudLine(job('queued', { files: 0, bytes: 0 })),
    'Cloud transfer (Storage Transfer Service)'
  );
  assert.equal(
    cloudLine(
      job(
        'running',
        { files: 40, bytes: 4096, counting: true },
        'transferOperations/transferJobs-1-2'
      )
    ),
    'Cloud transfer (Storage Transfer Service) · transferOperations/transferJobs-1-2 · the service is still listing the source'
  );
  assert.equal(
    cloudLine(
      job(
        'done',
        { files: 40, bytes: 4096 },
        'transferOperations/transferJobs-1-2'
      )
    ),
    'Cloud transfer (Storage Transfer Service) · transferOperations/transferJobs-1-2'
  );
});

test('a job run here or on Dask has no cloud line', () => {
  const totals = { files: 1, bytes: 1 };
  assert.equal(
    cloudLine({ state: 'running', options: {}, totals, progress }),
    ''
  );
  assert.equal(
    cloudLine({
      state: 'running',
      options: { via: 'dask' },
      totals,
      progress
    }),
    ''
  );
});
