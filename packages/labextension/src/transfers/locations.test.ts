/// <reference types="node" />
// Node's test runner on how the UI writes locations for the transfer API.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseLocation } from '@jupyter-buckets/core';

import {
  copiesIntoItsOwnFolder,
  describeLocation,
  lastSegment,
  localLocation,
  remoteLocation
} from './locations.js';

test('local paths stay local paths, even with a colon in a name', () => {
  assert.equal(localLocation(''), './');
  assert.equal(localLocation('/', true), './');
  assert.equal(localLocation('out/run1', true), 'out/run1/');
  assert.equal(localLocation('a.txt'), 'a.txt');
  assert.equal(localLocation('notes:2024.txt'), './notes:2024.txt');
  assert.deepEqual(parseLocation(localLocation('notes:2024.txt')), {
    kind: 'local',
    path: './notes:2024.txt'
  });
});

test('remote locations read like rclone', () => {
  assert.equal(remoteLocation('demo-s3', 'b', ''), 'demo-s3:b/');
  assert.equal(remoteLocation('demo-s3', 'b', 'x/y/'), 'demo-s3:b/x/y/');
  assert.deepEqual(parseLocation(remoteLocation('demo', 'b', 'k v.txt')), {
    kind: 'remote',
    remote: 'demo',
    bucket: 'b',
    path: 'k v.txt'
  });
});

test('the panel shows local paths from the Jupyter root', () => {
  assert.equal(describeLocation('./'), '/');
  assert.equal(describeLocation('out/a.txt'), '/out/a.txt');
  assert.equal(describeLocation('./notes:2024.txt'), '/notes:2024.txt');
  assert.equal(describeLocation('demo-s3:b/k'), 'demo-s3:b/k');
  assert.equal(lastSegment('a/b/'), 'b');
  assert.equal(lastSegment('a.txt'), 'a.txt');
});

test('a paste into the folder the entries come from is recognised', () => {
  // An object into its own folder, and a folder onto itself.
  assert.equal(copiesIntoItsOwnFolder('s3:b/run/a.txt', 's3:b/run/'), true);
  assert.equal(copiesIntoItsOwnFolder('s3:b/a.txt', 's3:b/'), true);
  assert.equal(copiesIntoItsOwnFolder('s3:b/run/sub/', 's3:b/run/sub/'), true);
  // Anywhere else: another folder, bucket or remote.
  assert.equal(copiesIntoItsOwnFolder('s3:b/run/a.txt', 's3:b/other/'), false);
  assert.equal(copiesIntoItsOwnFolder('s3:b/run/a.txt', 's3:c/run/'), false);
  assert.equal(copiesIntoItsOwnFolder('s3:b/run/a.txt', 'gcs:b/run/'), false);
  assert.equal(
    copiesIntoItsOwnFolder('s3:b/run/sub/', 's3:b/other/sub/'),
    false
  );
  // A folder into its parent is a copy into itself, not a paste beside it.
  assert.equal(copiesIntoItsOwnFolder('s3:b/run/sub/', 's3:b/run/'), false);
});
