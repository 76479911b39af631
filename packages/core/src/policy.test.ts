import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mayWriteUnder, writeRefusal } from './policy.js';

const setBy = { writablePrefixes: '/etc/jupyter/jupyter_buckets.json' };

test('no policy, or one without write rules, allows every write', () => {
  assert.equal(writeRefusal(undefined, 'b', 'k'), undefined);
  assert.equal(writeRefusal({ purgeAfterDays: 7, setBy }, 'b', 'k'), undefined);
  assert.equal(mayWriteUnder(undefined, 'b', ''), true);
});

test('a read-only remote refuses every write', () => {
  const policy = { readOnly: true, writablePrefixes: ['b/'], setBy };
  assert.equal(writeRefusal(policy, 'b', 'k'), 'read_only');
  assert.equal(mayWriteUnder(policy, 'b', 'anything/'), false);
});

test('writablePrefixes allow writes under them only, folder by folder', () => {
  const policy = { writablePrefixes: ['persist/alice', 'scratch'], setBy };
  assert.equal(writeRefusal(policy, 'persist', 'alice/run.nc'), undefined);
  assert.equal(writeRefusal(policy, 'persist', 'alice/'), undefined);
  assert.equal(writeRefusal(policy, 'scratch', 'any/thing'), undefined);
  // A prefix is a folder: alice's does not cover alice2's.
  assert.equal(
    writeRefusal(policy, 'persist', 'alice2/run.nc'),
    'outside_writable_prefix'
  );
  assert.equal(
    writeRefusal(policy, 'persist', 'alice'),
    'outside_writable_prefix'
  );
  assert.equal(
    writeRefusal(policy, 'persist-old', 'alice/x'),
    'outside_writable_prefix'
  );
  assert.equal(
    writeRefusal({ writablePrefixes: [], setBy }, 'scratch', 'x'),
    'outside_writable_prefix'
  );
});

test('mayWriteUnder: inside a writable prefix, or above one', () => {
  const policy = { writablePrefixes: ['persist/alice/'], setBy };
  assert.equal(mayWriteUnder(policy, 'persist', ''), true);
  assert.equal(mayWriteUnder(policy, 'persist', 'alice/'), true);
  assert.equal(mayWriteUnder(policy, 'persist', 'alice/deep/'), true);
  assert.equal(mayWriteUnder(policy, 'persist', 'bob/'), false);
  assert.equal(mayWriteUnder(policy, 'persist', 'alice2/'), false);
  assert.equal(mayWriteUnder(policy, 'other', ''), false);
});
