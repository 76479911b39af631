/// <reference types="node" />
// Node's test runner on the transfer dialog's estimate: how it reads, when a
// long copy suggests handing it off, and that dry runs are asked once per
// destination, the answer of a destination left behind never shown.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { ITransferPlan, ITransferRequest } from '@jupyter-buckets/core';

import {
  estimateText,
  Estimator,
  handOffAdvice,
  summarizePlans,
  type EstimateState
} from './estimate.js';

const MiB = 1024 * 1024;
const TiB = 1024 * 1024 * MiB;

const planned = (
  files: number,
  bytes: number,
  estimate?: { seconds: number; rate: number }
): EstimateState => ({
  kind: 'planned',
  summary: { files, bytes, ...(estimate ? { estimate } : {}) }
});

test('with a measured rate: about how long here, what, and at what rate', () => {
  assert.equal(
    estimateText(
      planned(5321, 1.2 * TiB, {
        seconds: 2 * 3600 + 10 * 60,
        rate: 160 * MiB
      }),
      'copy'
    ),
    'About 2 h 10 min on this machine (1.2 TB in 5,321 files at 160 MB/s)'
  );
  assert.equal(
    estimateText(
      planned(1, 3 * MiB, { seconds: 0.02, rate: 160 * MiB }),
      'move'
    ),
    'Under a second on this machine (3.0 MB in 1 file at 160 MB/s)'
  );
});

test('before this machine has a measured rate: what would be copied', () => {
  assert.equal(
    estimateText(planned(5321, 1.2 * TiB), 'copy'),
    '1.2 TB in 5,321 files'
  );
  assert.equal(estimateText(planned(0, 0), 'sync'), 'Nothing to sync');
});

test('while asked, after a failure, and with nothing to estimate', () => {
  assert.equal(estimateText({ kind: 'asking' }, 'copy'), 'Estimating…');
  assert.equal(
    estimateText({ kind: 'failed', message: 'Bucket not found.' }, 'copy'),
    'No estimate: Bucket not found.'
  );
  assert.equal(estimateText({ kind: 'none' }, 'copy'), '');
});

test('a copy of over ten minutes here names the ways offered to hand it off', () => {
  const long = planned(9, 200 * 1024 * MiB, { seconds: 1280, rate: 160 * MiB });
  assert.equal(
    handOffAdvice(long, { dask: true, cloud: true }),
    'Long here: run it on your Dask cluster or as a cloud transfer'
  );
  assert.equal(
    handOffAdvice(long, { dask: true, cloud: false }),
    'Long here: run it on your Dask cluster'
  );
  assert.equal(
    handOffAdvice(long, { dask: false, cloud: true }),
    'Long here: run it as a cloud transfer'
  );
  // No way to hand it off: nothing to say beyond the estimate.
  assert.equal(handOffAdvice(long, { dask: false, cloud: false }), '');
});

test('a short copy, or one without a measured rate, suggests nothing', () => {
  const both = { dask: true, cloud: true };
  assert.equal(
    handOffAdvice(planned(9, 9 * MiB, { seconds: 599, rate: MiB }), both),
    ''
  );
  assert.equal(
    handOffAdvice(planned(9, 9 * MiB, { seconds: 600, rate: MiB }), both),
    'Long here: run it on your Dask cluster or as a cloud transfer'
  );
  assert.equal(handOffAdvice(planned(5321, 1.2 * TiB), both), '');
  assert.equal(handOffAdvice({ kind: 'asking' }, both), '');
});

const plan = (
  files: number,
  bytes: number,
  estimate?: { seconds: number; rate: number }
): ITransferPlan => ({
  op: 'copy',
  src: 'demo-s3:b/a/',
  dst: 'demo-gcs:c/',
  copy: [],
  delete: [],
  skipped: 0,
  totals: { files, bytes },
  conflicts: [],
  ...(estimate ? { estimate } : {})
});

test('the plans of the jobs started together add up', () => {
  assert.deepEqual(
    summarizePlans([
      plan(3, 30, { seconds: 3, rate: 10 }),
      plan(1, 10, { seconds: 1, rate: 10 })
    ]),
    { files: 4, bytes: 40, estimate: { seconds: 4, rate: 10 } }
  );
  // The rate measured between two answers: no estimate rather than half of one.
  assert.deepEqual(
    summarizePlans([plan(3, 30, { seconds: 3, rate: 10 }), plan(1, 10)]),
    { files: 4, bytes: 40 }
  );
  assert.deepEqual(summarizePlans([]), { files: 0, bytes: 0 });
});

/** A dry run answered when the test says, recording what was asked. */
function fakePlans() {
  const asked: { request: ITransferRequest; signal: AbortSignal }[] = [];
  const pending: ((plan: ITransferPlan) => void)[] = [];
  return {
    asked,
    answer: (index: number, answer: ITransferPlan) => pending[index](answer),
    plan: (request: ITransferRequest, signal: AbortSignal) => {
      asked.push({ request, signal });
      return new Promise<ITransferPlan>((resolve, reject) => {
        pending.push(resolve);
        signal.addEventListener('abort', () => reject(new Error('aborted')));
      });
    }
  };
}

const tick = () => new Promise(resolve => setTimeout(resolve, 0));

const requestsTo = (dst: string) => (): ITransferRequest[] => [
  { op: 'copy', src: 'demo-s3:b/a/', dst: `${dst}a/` },
  { op: 'copy', src: 'demo-s3:b/x.nc', dst }
];

test('one dry run per job, one after another, summed once all have answered', async () => {
  const plans = fakePlans();
  const states: EstimateState[] = [];
  const estimator = new Estimator({
    plan: plans.plan,
    changed: state => states.push(state)
  });
  estimator.estimate('demo-gcs:c/', requestsTo('demo-gcs:c/'));
  assert.deepEqual(states, [{ kind: 'asking' }]);
  await tick();
  // The second job's source is listed only after the first's.
  assert.equal(plans.asked.length, 1);
  plans.answer(0, plan(3, 30));
  await tick();
  assert.deepEqual(
    plans.asked.map(a => a.request.src),
    ['demo-s3:b/a/', 'demo-s3:b/x.nc']
  );
  plans.answer(1, plan(1, 10));
  await tick();
  assert.deepEqual(estimator.state, planned(4, 40));
  assert.equal(states.length, 2);
});

test('a destination left is aborted and its answer never shown; one come back to is not asked again', async () => {
  const plans = fakePlans();
  const estimator = new Estimator({ plan: plans.plan, changed: () => {} });
  estimator.estimate('demo-gcs:c/', requestsTo('demo-gcs:c/'));
  await tick();
  estimator.estimate('demo-gcs:d/', requestsTo('demo-gcs:d/'));
  assert.equal(plans.asked[0].signal.aborted, true);
  assert.deepEqual(estimator.state, { kind: 'asking' });
  await tick();
  plans.answer(1, plan(1, 1));
  await tick();
  plans.answer(2, plan(1, 1));
  await tick();
  assert.deepEqual(estimator.state, planned(2, 2));
  // The answer of the first destination, arriving late, changes nothing.
  plans.answer(0, plan(99, 99));
  await tick();
  assert.deepEqual(estimator.state, planned(2, 2));

  // Away (the Jupyter disk: nothing to estimate) and back: the answer kept.
  estimator.estimate(null, () => []);
  assert.deepEqual(estimator.state, { kind: 'none' });
  estimator.estimate('demo-gcs:d/', requestsTo('demo-gcs:d/'));
  assert.deepEqual(estimator.state, planned(2, 2));
  await tick();
  assert.equal(plans.asked.length, 3);
});

test('typing waits for a pause: a destination passed through is never asked', async () => {
  const plans = fakePlans();
  const estimator = new Estimator({
    plan: plans.plan,
    changed: () => {},
    delayMs: 20
  });
  estimator.estimate('demo-gcs:l/', requestsTo('demo-gcs:l/'));
  estimator.estimate('demo-gcs:le/', requestsTo('demo-gcs:le/'));
  estimator.estimate('demo-gcs:leap/', requestsTo('demo-gcs:leap/'));
  await new Promise(resolve => setTimeout(resolve, 50));
  assert.deepEqual(
    plans.asked.map(a => a.request.dst),
    ['demo-gcs:leap/a/']
  );
  estimator.dispose();
  assert.equal(plans.asked[0].signal.aborted, true);
});

test('a refused dry run says why; the dialog closing stops any', async () => {
  const estimator = new Estimator({
    plan: () => Promise.reject(new Error('The bucket nope does not exist.')),
    changed: () => {}
  });
  estimator.estimate('demo-gcs:nope/', requestsTo('demo-gcs:nope/'));
  await tick();
  await tick();
  assert.deepEqual(estimator.state, {
    kind: 'failed',
    message: 'The bucket nope does not exist.'
  });

  const plans = fakePlans();
  const changed: EstimateState[] = [];
  const closed = new Estimator({
    plan: plans.plan,
    changed: state => changed.push(state)
  });
  closed.estimate('demo-gcs:c/', requestsTo('demo-gcs:c/'));
  await tick();
  closed.dispose();
  assert.equal(plans.asked[0].signal.aborted, true);
  await tick();
  assert.deepEqual(changed, [{ kind: 'asking' }]);
});
