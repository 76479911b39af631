import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  baseName,
  formatLocation,
  parentPrefix,
  parseLocation
} from './location.js';

test('rclone form remote:bucket/path', () => {
  assert.deepEqual(parseLocation('osn:leap-pangeo/funky-user/data.zarr'), {
    kind: 'remote',
    remote: 'osn',
    bucket: 'leap-pangeo',
    path: 'funky-user/data.zarr'
  });
  assert.deepEqual(parseLocation('my remote:bucket'), {
    kind: 'remote',
    remote: 'my remote',
    bucket: 'bucket',
    path: ''
  });
});

test('s3:// and gs:// URLs; gcs:// means gs://', () => {
  assert.deepEqual(parseLocation('s3://b/k/with spaces+%#.txt'), {
    kind: 'url',
    scheme: 's3',
    bucket: 'b',
    path: 'k/with spaces+%#.txt'
  });
  assert.deepEqual(parseLocation('gcs://leap-scratch/u/'), {
    kind: 'url',
    scheme: 'gs',
    bucket: 'leap-scratch',
    path: 'u/'
  });
  assert.throws(() => parseLocation('s3://'), /No bucket/);
});

test('local paths, including ones with colons further on', () => {
  assert.deepEqual(parseLocation('/home/jovyan/out.nc'), {
    kind: 'local',
    path: '/home/jovyan/out.nc'
  });
  assert.deepEqual(parseLocation('./a:b'), { kind: 'local', path: './a:b' });
  assert.deepEqual(parseLocation('C:\\data'), {
    kind: 'local',
    path: 'C:\\data'
  });
  assert.throws(() => parseLocation(''), /empty location/);
});

test('format is the inverse of parse', () => {
  for (const text of [
    'osn:b/k',
    'osn:b',
    's3://b/p/q',
    'gs://b',
    'out/x.csv'
  ]) {
    assert.equal(formatLocation(parseLocation(text)), text);
  }
});

test('baseName and parentPrefix', () => {
  assert.equal(baseName('a/b/c.txt'), 'c.txt');
  assert.equal(baseName('a/b/'), 'b');
  assert.equal(parentPrefix('a/b/c.txt'), 'a/b/');
  assert.equal(parentPrefix('a/b/'), 'a/');
  assert.equal(parentPrefix('a'), '');
});
