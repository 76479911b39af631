// One conflict policy for every write (issue 8): a destination file that
// exists is found while planning; without a choice the API answers 409
// destination_exists with the list and writes nothing; replace, keep both
// and skip do what they say, for all files or file by file. Tried local ->
// S3, S3 -> local, S3 -> GCS and within a bucket, and on the copy route.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  TOKEN_HEADER,
  type IErrorBody,
  type IObjectStat,
  type ITransferJob,
  type ITransferPlan,
  type ITransferRequest
} from '@jupyter-buckets/core';
import { createBackendFactory } from '../backends/index.js';
import { deletePrefix } from '../backends/operations.js';
import type { IBackend } from '../backends/types.js';
import { remoteStore } from '../remotes/discover.js';
import { startApp, type IRunningApp } from '../testing/app.js';
import { harness } from '../testing/harness.js';
import { call, type IAnswer } from '../testing/http.js';
import { assertMatchesSpec } from '../testing/openapi.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { createServices } from '../services.js';

harness();
const TOKEN = 'conflicts-secret-3d7a';
const RUN = `conflicts-test/${randomBytes(4).toString('hex')}`;
const JOBS = '/api/v1/transfers';
const COPY = '/api/v1/remotes/{remote}/buckets/{bucket}/copy';
const store = remoteStore(process.env);
const backends = createBackendFactory();
const s3 = (): IBackend => backends(store.get('demo-s3')!);
const gcs = (): IBackend => backends(store.get('demo-gcs')!);
let app: IRunningApp;
let port: number;
let root: ITempDir;
let state: ITempDir;

before(async () => {
  root = tempDir();
  state = tempDir();
  app = await startApp({
    token: TOKEN,
    logger: { info: () => undefined, error: () => undefined },
    services: createServices({
      remotes: store,
      backends,
      localRoot: root.path,
      journalDir: state.path
    })
  });
  port = app.port;
});

after(async () => {
  await app.close();
  await deletePrefix(s3(), 'scratch', `${RUN}/`);
  await deletePrefix(gcs(), 'leap-scratch', `${RUN}/`);
  root.remove();
  state.remove();
});

function api(method: string, path: string, body?: unknown): Promise<IAnswer> {
  return call({ port }, path, {
    method,
    headers: {
      [TOKEN_HEADER]: TOKEN,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {})
    },
    body: body !== undefined ? JSON.stringify(body) : undefined
  });
}

async function finished(job: ITransferJob): Promise<ITransferJob> {
  for (let i = 0; i < 300; i++) {
    const answer = await api('GET', `${JOBS}/${job.id}`);
    const now = answer.body as ITransferJob;
    if (now.state !== 'running' && now.state !== 'queued') {
      return now;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(`job ${job.id} did not end`);
}

async function run(request: ITransferRequest): Promise<ITransferJob> {
  const answer = await api('POST', JOBS, request);
  assert.equal(answer.status, 201, answer.text);
  const job = await finished(answer.body as ITransferJob);
  assert.equal(job.state, 'done', JSON.stringify(job.errors));
  return job;
}

async function text(backend: IBackend, bucket: string, key: string) {
  const chunks: Buffer[] = [];
  for await (const chunk of await backend.read!(bucket, key)) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function put(
  backend: IBackend,
  bucket: string,
  key: string,
  body: string
) {
  await backend.put!(bucket, key, Buffer.from(body), {});
}

async function keys(backend: IBackend, bucket: string, prefix: string) {
  const page = await backend.list(bucket, {
    prefix,
    recursive: true,
    limit: 1000
  });
  return page.objects.map(object => object.key.slice(prefix.length)).sort();
}

function refusal(answer: IAnswer): IErrorBody['error'] {
  assert.equal(answer.status, 409, answer.text);
  assertMatchesSpec(JOBS, 409, answer.body, 'post');
  const error = (answer.body as IErrorBody).error;
  assert.equal(error.code, 'destination_exists');
  return error;
}

describe('local -> S3', () => {
  const dst = `${RUN}/up/`;
  before(async () => {
    root.write('up/a.txt', 'new a');
    root.write('up/b.txt', 'new b');
    root.write('up/c.txt', 'new c');
  });

  test('without a choice: 409 with the conflicts, nothing written', async () => {
    await put(s3(), 'scratch', `${dst}a.txt`, 'old a');
    await put(s3(), 'scratch', `${dst}b.txt`, 'old bb');
    const request = {
      op: 'copy',
      src: 'up/',
      dst: `demo-s3:scratch/${dst}`
    } as const;
    const error = refusal(await api('POST', JOBS, request));
    assert.equal(error.conflictCount, 2);
    assert.deepEqual(
      error.conflicts?.map(c => [
        c.path,
        c.dst,
        c.source.size,
        c.existing.size
      ]),
      [
        ['a.txt', `demo-s3:scratch/${dst}a.txt`, 5, 5],
        ['b.txt', `demo-s3:scratch/${dst}b.txt`, 5, 6]
      ]
    );
    assert.ok(
      error.conflicts?.every(c => c.existing.modified && c.source.modified)
    );
    // Nothing was written: not the conflicts, not the others, and no job.
    assert.equal(await text(s3(), 'scratch', `${dst}a.txt`), 'old a');
    assert.deepEqual(await keys(s3(), 'scratch', dst), ['a.txt', 'b.txt']);
    const list = await api('GET', JOBS);
    assert.equal((list.body as { jobs: unknown[] }).jobs.length, 0);
    // A dry run lists them and refuses nothing.
    const plan = await api('POST', JOBS, {
      ...request,
      options: { dryRun: true }
    });
    assert.equal(plan.status, 200, plan.text);
    assertMatchesSpec(JOBS, 200, plan.body, 'post');
    assert.deepEqual(
      (plan.body as ITransferPlan).conflicts.map(c => c.path),
      ['a.txt', 'b.txt']
    );
  });

  test('skip keeps what is there and copies the rest', async () => {
    const job = await run({
      op: 'copy',
      src: 'up/',
      dst: `demo-s3:scratch/${dst}`,
      options: { onConflict: 'skip' }
    });
    assert.equal(job.progress.files, 1);
    assert.equal(job.progress.skipped, 2);
    assert.equal(await text(s3(), 'scratch', `${dst}a.txt`), 'old a');
    assert.equal(await text(s3(), 'scratch', `${dst}b.txt`), 'old bb');
    assert.equal(await text(s3(), 'scratch', `${dst}c.txt`), 'new c');
  });

  test('file by file: one replaced, one kept beside the new copy, the rest by onConflict', async () => {
    root.write('up/d.txt', 'new d');
    await put(s3(), 'scratch', `${dst}d.txt`, 'old d');
    await run({
      op: 'copy',
      src: 'up/',
      dst: `demo-s3:scratch/${dst}`,
      options: {
        onConflict: 'skip',
        conflicts: { 'a.txt': 'replace', 'b.txt': 'rename' }
      }
    });
    assert.equal(await text(s3(), 'scratch', `${dst}a.txt`), 'new a');
    assert.equal(await text(s3(), 'scratch', `${dst}b.txt`), 'old bb');
    assert.equal(await text(s3(), 'scratch', `${dst}b (1).txt`), 'new b');
    assert.equal(await text(s3(), 'scratch', `${dst}d.txt`), 'old d');
    // c.txt was identical in content but still existed: skipped, not doubled.
    assert.deepEqual(await keys(s3(), 'scratch', dst), [
      'a.txt',
      'b (1).txt',
      'b.txt',
      'c.txt',
      'd.txt'
    ]);
  });

  test('keep both again finds the next free name', async () => {
    await run({
      op: 'copy',
      src: 'up/b.txt',
      dst: `demo-s3:scratch/${dst}`,
      options: { onConflict: 'rename' }
    });
    assert.equal(await text(s3(), 'scratch', `${dst}b (2).txt`), 'new b');
  });
});

describe('S3 -> local', () => {
  test('a locally edited file is not replaced without a choice', async () => {
    await put(s3(), 'scratch', `${RUN}/down/notes.md`, 'from the bucket');
    root.write('down/notes.md', 'edited locally');
    const request = {
      op: 'copy',
      src: `demo-s3:scratch/${RUN}/down/notes.md`,
      dst: 'down/'
    } as const;
    const error = refusal(await api('POST', JOBS, request));
    assert.deepEqual(
      error.conflicts?.map(c => c.dst),
      ['down/notes.md']
    );
    assert.equal(
      readFileSync(join(root.path, 'down/notes.md'), 'utf8'),
      'edited locally'
    );
    await run({ ...request, options: { onConflict: 'rename' } });
    assert.equal(
      readFileSync(join(root.path, 'down/notes.md'), 'utf8'),
      'edited locally'
    );
    assert.equal(
      readFileSync(join(root.path, 'down/notes (1).md'), 'utf8'),
      'from the bucket'
    );
    await run({ ...request, options: { onConflict: 'replace' } });
    assert.equal(
      readFileSync(join(root.path, 'down/notes.md'), 'utf8'),
      'from the bucket'
    );
    assert.deepEqual(readdirSync(join(root.path, 'down')).sort(), [
      'notes (1).md',
      'notes.md'
    ]);
  });
});

describe('S3 -> GCS', () => {
  test('a folder copy asks, then keeps both', async () => {
    await put(s3(), 'scratch', `${RUN}/x/r.csv`, 's3 r');
    await put(s3(), 'scratch', `${RUN}/x/s.csv`, 's3 s');
    await put(gcs(), 'leap-scratch', `${RUN}/x/r.csv`, 'gcs r');
    const request = {
      op: 'copy',
      src: `demo-s3:scratch/${RUN}/x/`,
      dst: `demo-gcs:leap-scratch/${RUN}/x/`
    } as const;
    const error = refusal(await api('POST', JOBS, request));
    assert.deepEqual(
      error.conflicts?.map(c => c.path),
      ['r.csv']
    );
    await run({ ...request, options: { onConflict: 'rename' } });
    assert.deepEqual(await keys(gcs(), 'leap-scratch', `${RUN}/x/`), [
      'r (1).csv',
      'r.csv',
      's.csv'
    ]);
    assert.equal(await text(gcs(), 'leap-scratch', `${RUN}/x/r.csv`), 'gcs r');
    assert.equal(
      await text(gcs(), 'leap-scratch', `${RUN}/x/r (1).csv`),
      's3 r'
    );
  });

  test('a sync asks before it replaces a changed file, and skips identical ones silently', async () => {
    const request = {
      op: 'sync',
      src: `demo-s3:scratch/${RUN}/x/`,
      dst: `demo-gcs:leap-scratch/${RUN}/x/`,
      options: { checksum: true }
    } as const;
    // s.csv is identical now; r.csv differs.
    const error = refusal(await api('POST', JOBS, request));
    assert.deepEqual(
      error.conflicts?.map(c => c.path),
      ['r.csv']
    );
    await run({
      ...request,
      options: { checksum: true, onConflict: 'replace' }
    });
    assert.equal(await text(gcs(), 'leap-scratch', `${RUN}/x/r.csv`), 's3 r');
    // Now nothing differs: no question.
    const again = await run(request);
    assert.equal(again.progress.files, 0);
  });
});

describe('within one bucket', () => {
  test('paste into the same folder makes a renamed copy (a file, and a folder)', async () => {
    await put(s3(), 'scratch', `${RUN}/same/f.txt`, 'f');
    const onto = await api('POST', JOBS, {
      op: 'copy',
      src: `demo-s3:scratch/${RUN}/same/f.txt`,
      dst: `demo-s3:scratch/${RUN}/same/`
    });
    assert.equal(
      onto.status,
      400,
      'without a choice a copy onto itself is refused'
    );
    await run({
      op: 'copy',
      src: `demo-s3:scratch/${RUN}/same/f.txt`,
      dst: `demo-s3:scratch/${RUN}/same/`,
      options: { onConflict: 'rename' }
    });
    await run({
      op: 'copy',
      src: `demo-s3:scratch/${RUN}/same/`,
      dst: `demo-s3:scratch/${RUN}/same/`,
      options: { onConflict: 'rename' }
    });
    const all = await keys(s3(), 'scratch', `${RUN}/`);
    assert.deepEqual(
      all.filter(key => key.startsWith('same')),
      ['same (1)/f (1).txt', 'same (1)/f.txt', 'same/f (1).txt', 'same/f.txt']
    );
  });

  test('the copy route (rename, duplicate) asks too', async () => {
    await put(s3(), 'scratch', `${RUN}/route/a.txt`, 'a');
    await put(s3(), 'scratch', `${RUN}/route/b.txt`, 'b');
    const at = `/api/v1/remotes/demo-s3/buckets/scratch/copy`;
    const move = {
      fromKey: `${RUN}/route/a.txt`,
      toKey: `${RUN}/route/b.txt`,
      move: true
    };
    const answer = await api('POST', at, move);
    assert.equal(answer.status, 409, answer.text);
    assertMatchesSpec(COPY, 409, answer.body, 'post');
    assert.equal(await text(s3(), 'scratch', `${RUN}/route/b.txt`), 'b');
    assert.equal(await text(s3(), 'scratch', `${RUN}/route/a.txt`), 'a');
    const skip = await api('POST', at, { ...move, onConflict: 'skip' });
    assert.equal(skip.status, 200, skip.text);
    assert.equal(await text(s3(), 'scratch', `${RUN}/route/a.txt`), 'a');
    const kept = await api('POST', at, {
      ...move,
      move: false,
      onConflict: 'rename'
    });
    assert.equal(kept.status, 200, kept.text);
    assert.equal((kept.body as IObjectStat).key, `${RUN}/route/b (1).txt`);
    const replaced = await api('POST', at, { ...move, onConflict: 'replace' });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(await text(s3(), 'scratch', `${RUN}/route/b.txt`), 'a');
    assert.deepEqual(await keys(s3(), 'scratch', `${RUN}/route/`), [
      'b (1).txt',
      'b.txt'
    ]);
    const bad = await api('POST', at, { ...move, onConflict: 'overwrite' });
    assert.equal(bad.status, 400);
  });

  test('a bad choice is a 400', async () => {
    for (const options of [
      { onConflict: 'overwrite' },
      { conflicts: { 'a.txt': 'yes' } },
      { conflicts: ['a.txt'] }
    ]) {
      const answer = await api('POST', JOBS, {
        op: 'copy',
        src: 'up/',
        dst: `demo-s3:scratch/${RUN}/up/`,
        options
      });
      assert.equal(
        answer.status,
        400,
        `${JSON.stringify(options)}: ${answer.text}`
      );
    }
  });
});
