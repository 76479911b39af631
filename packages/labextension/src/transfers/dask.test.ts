/// <reference types="node" />
// Node's test runner on when a transfer is offered a Dask cluster, how the
// checkbox words the server's answer, and the line a job on it shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { emptyProgress, type ITransferJob } from '@jupyter-buckets/core';

import { daskChoice, daskLine, daskMayRun, onDask } from './dask.js';

test('a copy, move or sync between buckets may run on a cluster', () => {
  for (const op of ['copy', 'move', 'sync'] as const) {
    assert.equal(
      daskMayRun(op, ['demo-s3:climate-data/batch/'], 'demo-gcs:leap-scratch/'),
      true,
      op
    );
  }
  assert.equal(
    daskMayRun('copy', ['s3://climate-data/a.nc'], 'gs://leap-scratch/x/'),
    true
  );
});

test('the Jupyter disk on either side keeps the job here', () => {
  assert.equal(
    daskMayRun('copy', ['demo-s3:climate-data/batch/'], 'results/'),
    false
  );
  assert.equal(daskMayRun('copy', ['demo-s3:climate-data/a'], './'), false);
  assert.equal(
    daskMayRun('copy', ['outputs/'], 'demo-s3:climate-data/'),
    false
  );
  // One local source among bucket ones is enough to keep it here.
  assert.equal(
    daskMayRun(
      'copy',
      ['demo-s3:climate-data/a', 'notes.txt'],
      'demo-gcs:leap-scratch/'
    ),
    false
  );
});

test('a delete, an upload, no destination or no source is never offered', () => {
  assert.equal(daskMayRun('delete', ['demo-s3:climate-data/a/'], null), false);
  assert.equal(
    daskMayRun('upload', ['demo-s3:climate-data/a/'], 'demo-s3:b/'),
    false
  );
  assert.equal(daskMayRun('copy', ['demo-s3:climate-data/a/'], null), false);
  assert.equal(daskMayRun('copy', [], 'demo-s3:climate-data/'), false);
});

test('the checkbox names the scheduler and its workers when a cluster answers', () => {
  assert.deepEqual(
    daskChoice({
      available: true,
      scheduler: 'tcp://127.0.0.1:8786',
      workers: 2
    }).label,
    'Run on Dask cluster (tcp://127.0.0.1:8786, 2 workers)'
  );
  assert.equal(
    daskChoice({ available: true, scheduler: 'tcp://h:1', workers: 1 }).label,
    'Run on Dask cluster (tcp://h:1, 1 worker)'
  );
  // A Dask Gateway is not asked (asking would start a cluster): no count.
  const gateway = daskChoice({ available: true, scheduler: 'Dask Gateway' });
  assert.equal(gateway.label, 'Run on Dask cluster (Dask Gateway)');
  assert.equal(gateway.enabled, true);
});

test('without a cluster the checkbox is disabled and its tooltip says why', () => {
  const reason =
    'No Dask cluster is configured. Set DASK_SCHEDULER_ADDRESS to a running cluster.';
  const choice = daskChoice({ available: false, reason });
  assert.equal(choice.enabled, false);
  assert.equal(choice.title, reason);
  assert.equal(choice.label, 'Run on Dask cluster (none reachable)');
  assert.match(daskChoice({ available: false }).title, /No Dask cluster/);
  // While the server is asked, it cannot be ticked either.
  assert.equal(daskChoice(null).enabled, false);
});

test('a request on the cluster keeps its other options', () => {
  assert.deepEqual(
    onDask({
      op: 'copy',
      src: 'demo-s3:climate-data/a/',
      dst: 'demo-gcs:leap-scratch/',
      options: { onConflict: 'skip' }
    }),
    {
      op: 'copy',
      src: 'demo-s3:climate-data/a/',
      dst: 'demo-gcs:leap-scratch/',
      options: { onConflict: 'skip', via: 'dask' }
    }
  );
  assert.deepEqual(onDask({ op: 'sync', src: 'a:b/', dst: 'c:d/' }).options, {
    via: 'dask'
  });
});

const progress = emptyProgress();

test('a job on a cluster shows its workers and shards as they change', () => {
  const job = (
    state: ITransferJob['state'],
    more: Partial<ITransferJob['progress']> = {}
  ) => ({
    state,
    options: { via: 'dask' as const },
    progress: { ...progress, ...more }
  });
  assert.equal(daskLine(job('queued')), 'On Dask cluster');
  assert.equal(
    daskLine(
      job('running', {
        workers: { busy: 2, total: 2 },
        shards: { done: 3, total: 12 }
      })
    ),
    'On Dask cluster · 2 of 2 workers busy · shards 3/12'
  );
  // Ended: the workers it had, none busy any more.
  assert.equal(
    daskLine(
      job('done', {
        workers: { busy: 0, total: 2 },
        shards: { done: 12, total: 12 }
      })
    ),
    'On Dask cluster · 2 workers · shards 12/12'
  );
});

test('a job run here has no cluster line', () => {
  assert.equal(daskLine({ state: 'running', options: {}, progress }), '');
  assert.equal(
    daskLine({ state: 'running', options: { via: 'sidecar' }, progress }),
    ''
  );
});
