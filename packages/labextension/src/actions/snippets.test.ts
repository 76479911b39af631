/// <reference types="node" />
// The Python snippets carry the sidecar's storage options (a profile name,
// an endpoint), never a secret, and stay valid Python whatever the key.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { objectUri, type IFsspecOpen } from '@jupyter-buckets/core';
import { pythonSnippet, pythonValue } from './snippets.js';

const s3: IFsspecOpen = {
  protocol: 's3',
  storage_options: {
    profile: 'demo-s3',
    endpoint_url: 'http://127.0.0.1:9000',
    config_kwargs: { s3: { addressing_style: 'path' } }
  }
};
const at = (bucket: string, key: string, zarr?: 2 | 3) => ({
  remote: 'demo-s3',
  provider: 's3' as const,
  bucket,
  key,
  zarr
});

test('an S3 CSV opens with pandas, the profile, the endpoint and path style', () => {
  const code = pythonSnippet(
    s3,
    at('climate-data', 'cmip6/pr/pr_day_2020.csv')
  );
  assert.match(
    code,
    /pd\.read_csv\("s3:\/\/climate-data\/cmip6\/pr\/pr_day_2020\.csv"/
  );
  assert.match(code, /"profile": "demo-s3"/);
  assert.match(code, /"endpoint_url": "http:\/\/127\.0\.0\.1:9000"/);
  assert.match(
    code,
    /"config_kwargs": \{"s3": \{"addressing_style": "path"\}\}/
  );
});

test('a Zarr store opens with xarray, found by the probe or by its name', () => {
  const probed = pythonSnippet(s3, at('b', 'runs/sst/', 3));
  assert.match(
    probed,
    /xr\.open_zarr\("s3:\/\/b\/runs\/sst", storage_options=storage_options\)/
  );
  assert.match(pythonSnippet(s3, at('b', 'x.zarr/')), /xr\.open_zarr/);
  assert.match(pythonSnippet(s3, at('b', 'dir/')), /fs\.ls\("b\/dir\/"\)/);
});

test('GCS options become Python values: strings, booleans, None', () => {
  assert.equal(
    pythonValue({ token: 'anon', anon: true, x: null, n: [1, 2] }),
    '{"token": "anon", "anon": True, "x": None, "n": [1, 2]}'
  );
  const code = pythonSnippet(
    { protocol: 'gs', storage_options: { token: '/home/u/key.json' } },
    { remote: 'leap', provider: 'gcs', bucket: 'leap-persistent', key: 'a.nc' }
  );
  assert.match(code, /"token": "\/home\/u\/key\.json"/);
  assert.match(
    code,
    /xr\.open_dataset\(fsspec\.open\("gs:\/\/leap-persistent\/a\.nc"/
  );
});

test('a secret fsspec cannot find: the code opens through jupyter_buckets, the note stays a comment', () => {
  const code = pythonSnippet(
    {
      protocol: 's3',
      storage_options: { endpoint_url: 'https://osn' },
      missingSecret: 'keys in rclone.conf only\nimport os; os.system("x")'
    },
    at('pubs', 'run.zarr/', 2)
  );
  const lines = code.split('\n');
  assert.ok(lines[0].startsWith('# keys in rclone.conf only import os'));
  assert.ok(lines.slice(1).every(l => !l.includes('os.system')));
  assert.match(
    code,
    /xr\.open_zarr\(jupyter_buckets\.mapper\("demo-s3:pubs\/run\.zarr\/"\)\)/
  );
});

test('odd keys become valid Python string literals', () => {
  const code = pythonSnippet(s3, at('b', 'odd/quote"and\\slash.bin'));
  assert.ok(code.includes('"s3://b/odd/quote\\"and\\\\slash.bin"'));
});

test('URIs name the provider scheme', () => {
  assert.equal(
    objectUri('s3', 'climate-data', 'README.md'),
    's3://climate-data/README.md'
  );
  assert.equal(objectUri('gcs', 'leap', 'a b#.txt'), 'gs://leap/a b#.txt');
});
