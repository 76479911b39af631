/// <reference types="node" />
// The Python snippets name the profile and endpoint, never a secret.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { objectUri } from '@jupyter-buckets/core';
import { pythonSnippet } from './snippets.js';

const s3 = {
  name: 'demo-s3',
  provider: 's3' as const,
  endpoint: 'http://127.0.0.1:9000',
  anonymous: false
};

test('an S3 CSV opens with pandas, the profile and the custom endpoint', () => {
  const code = pythonSnippet(s3, 'climate-data', 'cmip6/pr/pr_day_2020.csv');
  assert.match(
    code,
    /pd\.read_csv\("s3:\/\/climate-data\/cmip6\/pr\/pr_day_2020\.csv"/
  );
  assert.match(code, /'profile': "demo-s3"/);
  assert.match(code, /'endpoint_url': "http:\/\/127\.0\.0\.1:9000"/);
});

test('a GCS object uses gcsfs with the key file, or anonymous access', () => {
  const keyed = pythonSnippet(
    {
      name: 'leap',
      provider: 'gcs',
      anonymous: false,
      keyFile: '/home/u/key.json'
    },
    'leap-persistent',
    'a.nc'
  );
  assert.match(keyed, /'token': "\/home\/u\/key\.json"/);
  assert.match(keyed, /xr\.open_dataset/);
  const anon = pythonSnippet(
    { name: 'pub', provider: 'gcs', anonymous: true },
    'b',
    'dir/'
  );
  assert.match(anon, /'token': 'anon'/);
  assert.match(anon, /fs\.ls\("b\/dir\/"\)/);
});

test('odd keys become valid Python string literals', () => {
  const code = pythonSnippet(s3, 'b', 'odd/quote"and\\slash.bin');
  assert.ok(code.includes('"s3://b/odd/quote\\"and\\\\slash.bin"'));
});

test('URIs name the provider scheme', () => {
  assert.equal(
    objectUri('s3', 'climate-data', 'README.md'),
    's3://climate-data/README.md'
  );
  assert.equal(objectUri('gcs', 'leap', 'a b#.txt'), 'gs://leap/a b#.txt');
});
