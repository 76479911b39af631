/// <reference types="node" />
// Deleting a select-all of 100,000 objects: every key once, in requests the
// sidecar and S3 accept, a few at a time, and no more after a refusal.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DELETE_BATCH, deleteInBatches } from './deletion.js';

const keys = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `big/obj-${String(i).padStart(5, '0')}`);

test('100,000 keys go in 100 requests of 1000, each key once, 4 at most at once', async () => {
  const all = keys(100_000);
  const sent: string[][] = [];
  let running = 0;
  let most = 0;
  const progress: number[] = [];
  await deleteInBatches(
    all,
    async batch => {
      running += 1;
      most = Math.max(most, running);
      await new Promise(resolve => setTimeout(resolve, 1));
      sent.push(batch);
      running -= 1;
    },
    { progress: done => progress.push(done) }
  );
  assert.equal(DELETE_BATCH, 1000);
  assert.equal(sent.length, 100);
  assert.ok(sent.every(batch => batch.length === 1000));
  assert.deepEqual(sent.flat().sort(), all);
  assert.equal(most, 4);
  assert.equal(progress.at(-1), 100_000);
  // The sidecar's JSON body limit is 1 MB.
  assert.ok(JSON.stringify({ keys: sent[0] }).length < 100_000);
});

test('a last, partial batch and a single key are sent too', async () => {
  const sent: string[][] = [];
  await deleteInBatches(keys(2_345), async batch => void sent.push(batch));
  assert.deepEqual(
    sent.map(batch => batch.length),
    [1000, 1000, 345]
  );
  const one: string[][] = [];
  await deleteInBatches(['a.txt'], async batch => void one.push(batch));
  assert.deepEqual(one, [['a.txt']]);
  await deleteInBatches([], async () => assert.fail('nothing to send'));
});

test('the first refusal rejects and stops the batches not yet sent', async () => {
  let calls = 0;
  await assert.rejects(
    deleteInBatches(keys(50_000), async () => {
      calls += 1;
      if (calls === 3) {
        throw new Error('access denied');
      }
    }),
    /access denied/
  );
  // The requests already under way end; no new one starts.
  assert.ok(calls <= 3 + 3, `${calls} requests were sent`);
});
