// The bundled CLI (the single file the Python package ships) on the demo remotes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { IRemoteList } from '@jupyter-buckets/core';
import { harness } from '../testing/harness.js';

const env = harness();
const BUNDLE = fileURLToPath(
  new URL(
    '../../../../jupyter_buckets/sidecar/jupyter-buckets.cjs',
    import.meta.url
  )
);

function run(...args: string[]) {
  assert.ok(
    existsSync(BUNDLE),
    `${BUNDLE} is missing: run npm run bundle --workspace=@jupyter-buckets/sidecar`
  );
  return spawnSync(process.execPath, [BUNDLE, ...args], {
    encoding: 'utf8',
    timeout: 20_000
  });
}

test('--version prints the package version', () => {
  const result = run('--version');
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), '0.1.0');
});

test('remotes list --json prints the API shape, without secrets', () => {
  const result = run('remotes', 'list', '--json');
  assert.equal(result.status, 0, result.stderr);
  const list = JSON.parse(result.stdout) as IRemoteList;
  assert.deepEqual(list.remotes.map(r => r.name).sort(), [
    'demo-gcs',
    'demo-s3',
    'unreachable'
  ]);
  assert.deepEqual(list.remotes.find(r => r.name === 'demo-s3')?.sources, [
    'aws',
    'rclone'
  ]);
  assert.ok(!result.stdout.includes(env.s3SecretKey));
});

test('remotes list prints a table for people', () => {
  const result = run('remotes', 'list');
  assert.equal(result.status, 0, result.stderr);
  const [header, ...rows] = result.stdout.trim().split('\n');
  assert.match(header, /^NAME\s+PROVIDER\s+SOURCES\s+ENDPOINT$/);
  assert.ok(
    rows.some(row =>
      /^demo-s3\s+s3\s+aws\+rclone\s+http:\/\/127\.0\.0\.1:\d+$/.test(row)
    ),
    result.stdout
  );
  assert.ok(!result.stdout.includes(env.s3SecretKey));
});

test('a bad command fails with a readable message and a non-zero exit code', () => {
  const result = run('serve');
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /--socket PATH or --port N/);
});

test('fsspec prints how fsspec opens a location, without a secret', () => {
  const result = run('fsspec', 'demo-s3:climate-data/README.md');
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), {
    remote: 'demo-s3',
    protocol: 's3',
    storage_options: {
      profile: 'demo-s3',
      endpoint_url: env.s3Endpoint,
      client_kwargs: { region_name: 'us-east-1' },
      config_kwargs: { s3: { addressing_style: 'path' } }
    },
    path: 'climate-data/README.md',
    url: 's3://climate-data/README.md'
  });
  const gcs = JSON.parse(
    run('fsspec', 'gs://leap-persistent/a', '--remote', 'demo-gcs').stdout
  ) as { protocol: string; path: string };
  assert.deepEqual([gcs.protocol, gcs.path], ['gs', 'leap-persistent/a']);
  assert.ok(!result.stdout.includes(env.s3SecretKey));
});

test('with JUPYTER_BUCKETS_ERRORS=json a failure is the API error body on stderr', () => {
  const result = spawnSync(
    process.execPath,
    [BUNDLE, 'fsspec', 'nosuchremote:bucket'],
    {
      encoding: 'utf8',
      timeout: 20_000,
      env: { ...process.env, JUPYTER_BUCKETS_ERRORS: 'json' }
    }
  );
  assert.equal(result.status, 1);
  assert.deepEqual(JSON.parse(result.stderr).error.code, 'remote_not_found');
});

test('remotes take-home prints temporary-key snippets; --saved needs --yes', () => {
  const result = run(
    'remotes',
    'take-home',
    'demo-s3',
    '--path',
    'climate-data',
    '--read-only',
    '--hours',
    '0.25'
  );
  assert.equal(result.status, 0, result.stderr);
  assert.match(
    result.stdout,
    /^# Temporary credentials for climate-data only, read-only, valid until /
  );
  assert.match(
    result.stdout,
    /aws configure set aws_session_token \S+ --profile demo-s3/
  );
  assert.match(result.stdout, /rclone config create demo-s3 s3 /);
  assert.match(result.stdout, /fsspec\.filesystem\(/);
  assert.ok(!result.stdout.includes(env.s3SecretKey));

  const unconfirmed = run('remotes', 'take-home', 'demo-s3', '--saved');
  assert.equal(unconfirmed.status, 1);
  assert.match(unconfirmed.stderr, /--yes/);
  assert.ok(!unconfirmed.stdout.includes(env.s3SecretKey));
  assert.ok(!unconfirmed.stderr.includes(env.s3SecretKey));
});
