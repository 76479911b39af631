// The one resolver: the same rules for the HTTP API (confined to the Jupyter
// root) and the CLI (any path of the user's), one backend per remote.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_BUCKET } from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { createBackendFactory } from '../backends/index.js';
import { remoteStore } from '../remotes/discover.js';
import { thrown } from '../testing/refusal.js';
import { tempDir } from '../testing/tempdir.js';
import { Resolver } from './resolver.js';

const dir = tempDir();
after(() => dir.remove());
const none = join(dir.path, 'none');
const rclone = dir.write(
  'rclone.conf',
  [
    '[osn]',
    'type = s3',
    'endpoint = https://127.0.0.1:9',
    '',
    '[osn-copy]',
    'type = s3',
    'endpoint = https://127.0.0.1:9',
    '',
    '[pubs]',
    'type = google cloud storage',
    'anonymous = true',
    ''
  ].join('\n')
);
const store = remoteStore({
  AWS_SHARED_CREDENTIALS_FILE: none,
  AWS_CONFIG_FILE: none,
  RCLONE_CONFIG: rclone
});
const root = join(dir.path, 'jupyter-root');
mkdirSync(root);
const backends = createBackendFactory();
const api = new Resolver({ store, backends, localRoot: root });
const cli = new Resolver({
  store,
  backends,
  localRoot: root,
  anyLocalPath: true
});

function refusal(work: () => unknown): ApiError {
  return thrown(work, ApiError);
}

test('the API keeps local paths inside the root; absolute ones are refused', () => {
  const endpoint = api.location('./results//run 1/');
  assert.equal(endpoint.bucket, LOCAL_BUCKET);
  assert.equal(endpoint.path, 'results/run 1/');
  assert.equal(endpoint.local, true);
  assert.equal(
    refusal(() => api.location('/etc/passwd')).code,
    'path_outside_root'
  );
});

test('the CLI takes any path of the user, as an absolute key', () => {
  const endpoint = cli.location('/etc/hosts');
  assert.equal(endpoint.path, 'etc/hosts');
  assert.equal(cli.location('/').path, '');
});

test('local: is the Jupyter disk under the root, with one bucket', () => {
  const endpoint = api.location(`local:${LOCAL_BUCKET}/./a//b/`);
  assert.equal(endpoint.path, 'a/b/');
  assert.equal(endpoint.backend, api.backend('local'));
  assert.equal(
    refusal(() => api.location('local:other/x')).code,
    'bucket_not_found'
  );
  assert.equal(
    refusal(() => api.location('local:', { needBucket: true })).code,
    'bucket_not_found'
  );
});

test('remotes resolve to one shared backend; same endpoint and keys = same identity', () => {
  const a = api.location('osn:bucket/key');
  assert.equal(a.backend, api.backend('osn'));
  assert.equal(a.backend, cli.location('osn:bucket/other').backend);
  assert.equal(a.identity, api.location('osn-copy:bucket/key').identity);
  assert.notEqual(a.identity, api.location('pubs:bucket/key').identity);
  assert.equal(a.local, false);
});

test('s3:// and gs:// open with the only remote of that provider, or the one named', () => {
  assert.equal(api.location('gs://bucket/x').backend, api.backend('pubs'));
  assert.equal(api.location('gcs://bucket/x').backend, api.backend('pubs'));
  const two = refusal(() => api.location('s3://bucket/x'));
  assert.equal(two.code, 'invalid_request');
  assert.match(two.message, /There are 2 s3 remotes/);
  assert.equal(
    api.location('s3://bucket/x', { remote: 'osn-copy' }).backend,
    api.backend('osn-copy')
  );
});

test('unknown remotes and missing buckets say what to write', () => {
  assert.equal(
    refusal(() => api.location('nope:bucket')).code,
    'remote_not_found'
  );
  assert.equal(refusal(() => api.backend('nope')).code, 'remote_not_found');
  const noBucket = refusal(() => api.location('osn:', { needBucket: true }));
  assert.equal(noBucket.code, 'invalid_request');
  assert.match(noBucket.hint ?? '', /osn:BUCKET\/path/);
});
