import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policyAllowsWrites, sessionPolicy } from './session-policy.js';

interface IStatement {
  Action: string[];
  Resource: string[];
}

function statements(json: string): IStatement[] {
  return (JSON.parse(json) as { Statement: IStatement[] }).Statement;
}

test('one bucket: reading and writing that bucket only', () => {
  const [read, write] = statements(
    sessionPolicy({ bucket: 'leap', readOnly: false })
  );
  assert.deepEqual(read.Resource, ['arn:aws:s3:::leap', 'arn:aws:s3:::leap/*']);
  assert.ok(!read.Action.includes('s3:ListAllMyBuckets'));
  assert.deepEqual(write.Resource, [
    'arn:aws:s3:::leap/*',
    'arn:aws:s3:::leap'
  ]);
  assert.ok(write.Action.includes('s3:PutObject'));
  // Never the bucket itself: no deleting it, no changing its policy.
  for (const action of ['s3:*', 's3:DeleteBucket', 's3:PutBucketPolicy']) {
    assert.ok(![...read.Action, ...write.Action].includes(action), action);
  }
});

test('read-only, by request or by the admin, has no write statement', () => {
  for (const input of [
    { readOnly: true },
    { readOnly: false, hub: { readOnly: true, setBy: {} } }
  ]) {
    const list = statements(sessionPolicy(input));
    assert.equal(list.length, 1);
    assert.ok(list[0].Action.includes('s3:ListAllMyBuckets'));
    assert.equal(policyAllowsWrites(input), false);
  }
});

test("the admin's writable prefixes become the only writable objects", () => {
  const hub = { writablePrefixes: ['scratch/alice', 'other/x/'], setBy: {} };
  const [, write] = statements(sessionPolicy({ readOnly: false, hub }));
  assert.deepEqual(write.Resource, [
    'arn:aws:s3:::scratch/alice/*',
    'arn:aws:s3:::other/x/*',
    'arn:aws:s3:::scratch',
    'arn:aws:s3:::other'
  ]);
  // Narrowed to a bucket with no writable prefix: nothing may be written.
  const input = { bucket: 'climate', readOnly: false, hub };
  assert.equal(statements(sessionPolicy(input)).length, 1);
  assert.equal(policyAllowsWrites(input), false);
});
