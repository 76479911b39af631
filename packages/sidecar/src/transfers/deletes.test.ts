// Delete jobs against SeaweedFS, fake-gcs-server and a local root: a folder
// goes in batches while it is still listed, a Zarr store's objects count as
// chunks, nothing outside the folder goes, filters apply, a dry run deletes
// nothing, cancel stops and retry finishes, a batch that fails is tried key
// by key (only the key at fault is reported), and requests that make no
// sense are refused before any job exists.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ITransferJob } from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { createBackendFactory } from '../backends/index.js';
import { deletePrefix } from '../backends/operations.js';
import type { IBackend } from '../backends/types.js';
import { remoteStore } from '../remotes/discover.js';
import { harness } from '../testing/harness.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { JobManager } from './jobs.js';
import { Resolver, type IEndpoint } from '../locations/resolver.js';

harness();
const RUN = `deletes-test/${randomBytes(4).toString('hex')}/`;
const store = remoteStore(process.env);
const backends = createBackendFactory();
const PAGE = 2;
const NAMES = Array.from(
  { length: 9 },
  (_, i) => `f-${String(i).padStart(2, '0')}.txt`
);
let root: ITempDir;

const REMOTES = [
  ['demo-s3', 'scratch'],
  ['demo-gcs', 'leap-scratch']
] as const;

function backendOf(remote: string): IBackend {
  return backends(store.get(remote)!);
}

interface ICalls {
  /** Keys of each deleteMany call, in order. */
  batches: string[][];
}

/**
 * A manager whose endpoints' deleteMany is watched: calls are recorded,
 * `delay` slows each, and a call with a key `refuse` says fails.
 */
function manager(
  calls: ICalls = { batches: [] },
  options: {
    delay?: number;
    refuse?: (key: string) => boolean;
    /** Added to every page the store lists, as a lying store would. */
    intruder?: string;
  } = {}
): JobManager {
  const resolve = (text: string): IEndpoint => {
    const endpoint = new Resolver({
      store,
      backends,
      localRoot: root.path
    }).location(text, { needBucket: true });
    const backend = endpoint.backend;
    const watched: IBackend = Object.create(backend);
    if (options.intruder) {
      const key = options.intruder;
      watched.list = async (bucket, listOptions) => {
        const page = await backend.list(bucket, listOptions);
        return {
          ...page,
          objects: [...page.objects, { key, size: 1, modified: new Date() }]
        };
      };
    }
    watched.deleteMany = async (bucket, keys) => {
      calls.batches.push(keys);
      if (options.delay) {
        await new Promise(resolve => setTimeout(resolve, options.delay));
      }
      if (options.refuse && keys.some(options.refuse)) {
        throw new ApiError('access_denied', 'Access denied (test).');
      }
      return backend.deleteMany(bucket, keys);
    };
    return { ...endpoint, backend: watched };
  };
  return new JobManager({ resolve, listPageSize: PAGE });
}

async function keysUnder(remote: string, bucket: string, prefix: string) {
  const page = await backendOf(remote).list(bucket, {
    prefix,
    recursive: true,
    limit: 1000
  });
  return page.objects.map(object => object.key.slice(prefix.length)).sort();
}

async function seed(remote: string, bucket: string, prefix: string) {
  const backend = backendOf(remote);
  await Promise.all(
    NAMES.map(name =>
      backend.put(bucket, `${prefix}${name}`, Buffer.from(name), {})
    )
  );
}

async function finished(jobs: JobManager, job: ITransferJob) {
  return jobs.wait(job.id);
}

before(() => {
  root = tempDir();
});

after(async () => {
  for (const [remote, bucket] of REMOTES) {
    await deletePrefix(backendOf(remote), bucket, RUN);
  }
  root.remove();
});

for (const [remote, bucket] of REMOTES) {
  describe(`delete jobs on ${remote}`, () => {
    test('a folder goes in batches while it is listed; its neighbours stay', async () => {
      const folder = `${RUN}${remote}/data/`;
      await seed(remote, bucket, folder);
      // 'data-old/' shares the prefix 'data' but is not inside 'data/'.
      await backendOf(remote).put(
        bucket,
        `${RUN}${remote}/data-old/keep.txt`,
        Buffer.from('keep'),
        {}
      );
      const calls: ICalls = { batches: [] };
      const jobs = manager(calls);
      // Without the trailing '/': a folder all the same (no such object).
      const job = await jobs.create({
        op: 'delete',
        src: `${remote}:${bucket}/${folder.slice(0, -1)}`,
        dst: ''
      });
      assert.equal(job.dst, '');
      assert.equal(job.totals.counting, true, 'the listing goes on');
      const end = await finished(jobs, job);
      assert.equal(end.state, 'done', JSON.stringify(end.error ?? end.errors));
      assert.equal(end.progress.files, NAMES.length);
      assert.equal(end.totals.files, NAMES.length);
      assert.equal(
        end.progress.bytes,
        NAMES.reduce((sum, name) => sum + name.length, 0)
      );
      assert.ok(
        calls.batches.length >= NAMES.length / PAGE,
        'deleted a page at a time, not collected first'
      );
      // Workers asking at once get whole batches, not a key each; a store
      // without batch deletes (GCS) gets one key a request.
      const sizes = calls.batches.map(batch => batch.length);
      if (backendOf(remote).capabilities.batchDelete) {
        assert.ok(
          sizes.filter(size => size < PAGE).length <= 1,
          JSON.stringify(sizes)
        );
      } else {
        assert.ok(
          sizes.every(size => size === 1),
          JSON.stringify(sizes)
        );
      }
      assert.deepEqual(
        calls.batches.flat().sort(),
        NAMES.map(name => `${folder}${name}`)
      );
      assert.deepEqual(await keysUnder(remote, bucket, folder), []);
      assert.deepEqual(
        await keysUnder(remote, bucket, `${RUN}${remote}/data-old/`),
        ['keep.txt']
      );
    });

    test('a Zarr store is one job counting chunks; filters leave the rest', async () => {
      const storeKey = `${RUN}${remote}/run.zarr/`;
      const backend = backendOf(remote);
      await backend.put(
        bucket,
        `${storeKey}zarr.json`,
        Buffer.from('{"zarr_format":3,"node_type":"group"}'),
        {}
      );
      for (const chunk of ['0.0', '0.1', '1.0', '1.1']) {
        await backend.put(
          bucket,
          `${storeKey}t/c/${chunk}`,
          Buffer.from(chunk),
          {}
        );
      }
      const jobs = manager();
      const plan = await jobs.plan({
        op: 'delete',
        src: `${remote}:${bucket}/${storeKey}`,
        dst: '',
        options: { exclude: ['zarr.json'], dryRun: true }
      });
      assert.deepEqual(plan.delete.sort(), [
        't/c/0.0',
        't/c/0.1',
        't/c/1.0',
        't/c/1.1'
      ]);
      assert.equal(plan.totals.files, 4);
      assert.equal(
        (await keysUnder(remote, bucket, storeKey)).length,
        5,
        'a dry run deletes nothing'
      );
      const job = await jobs.create({
        op: 'delete',
        src: `${remote}:${bucket}/${storeKey}`,
        dst: '',
        options: { include: ['t/**'] }
      });
      assert.equal(job.zarr, 3, 'the job knows its source is a store');
      const end = await finished(jobs, job);
      assert.equal(end.state, 'done');
      assert.equal(end.progress.files, 4);
      assert.deepEqual(await keysUnder(remote, bucket, storeKey), [
        'zarr.json'
      ]);
    });
  });
}

describe('delete jobs: cancel, retry, failures, refusals', () => {
  const S3 = (path: string) => `demo-s3:scratch/${RUN}${path}`;

  test('cancel stops between batches; retry deletes the rest', async () => {
    const folder = `${RUN}cancel/`;
    await seed('demo-s3', 'scratch', folder);
    const calls: ICalls = { batches: [] };
    const jobs = manager(calls, { delay: 150 });
    // One batch at a time (transfers: 1), each slowed: the cancel lands midway.
    const job = await jobs.create({
      op: 'delete',
      src: S3('cancel/'),
      dst: '',
      options: { transfers: 1 }
    });
    await new Promise(resolve => setTimeout(resolve, 200));
    const cancelled = await jobs.cancel(job.id);
    assert.equal(cancelled.state, 'cancelled');
    const left = await keysUnder('demo-s3', 'scratch', folder);
    assert.ok(
      left.length > 0 && left.length < NAMES.length,
      `some went, some stayed: ${left.length} left`
    );
    jobs.retry(job.id);
    const end = await jobs.wait(job.id);
    assert.equal(end.state, 'done', JSON.stringify(end.errors));
    assert.deepEqual(await keysUnder('demo-s3', 'scratch', folder), []);
  });

  test('a batch that fails is tried key by key: only the key at fault is reported', async () => {
    const folder = `${RUN}fault/`;
    await seed('demo-s3', 'scratch', folder);
    const bad = `${folder}${NAMES[3]}`;
    const jobs = manager(undefined, { refuse: key => key === bad });
    const job = await jobs.create({ op: 'delete', src: S3('fault/'), dst: '' });
    const end = await jobs.wait(job.id);
    assert.equal(end.state, 'failed');
    assert.deepEqual(
      end.errors.map(error => [error.path, error.code]),
      [[NAMES[3], 'access_denied']]
    );
    assert.equal(end.progress.files, NAMES.length - 1);
    assert.deepEqual(await keysUnder('demo-s3', 'scratch', folder), [NAMES[3]]);
  });

  test('a key the store lists outside the folder is not deleted', async () => {
    const folder = `${RUN}lying/`;
    await seed('demo-s3', 'scratch', folder);
    const outside = `${RUN}precious.txt`;
    await backendOf('demo-s3').put('scratch', outside, Buffer.from('keep'), {});
    const calls: ICalls = { batches: [] };
    const jobs = manager(calls, { intruder: outside });
    const plan = await jobs.plan({
      op: 'delete',
      src: S3('lying/'),
      dst: '',
      options: { dryRun: true }
    });
    assert.ok(!plan.delete.some(path => path.includes('precious')));
    const end = await jobs.wait(
      (await jobs.create({ op: 'delete', src: S3('lying/'), dst: '' })).id
    );
    assert.equal(end.state, 'done');
    assert.equal(end.progress.files, NAMES.length);
    assert.ok(!calls.batches.flat().includes(outside));
    assert.deepEqual(await keysUnder('demo-s3', 'scratch', outside), ['']);
  });

  test('one object by its key; a local folder goes with its emptied folders', async () => {
    const backend = backendOf('demo-s3');
    await backend.put('scratch', `${RUN}one/a.txt`, Buffer.from('a'), {});
    await backend.put('scratch', `${RUN}one/a.txt.bak`, Buffer.from('b'), {});
    const jobs = manager();
    const end = await jobs.wait(
      (await jobs.create({ op: 'delete', src: S3('one/a.txt'), dst: '' })).id
    );
    assert.equal(end.state, 'done');
    assert.equal(end.progress.files, 1);
    assert.deepEqual(await keysUnder('demo-s3', 'scratch', `${RUN}one/`), [
      'a.txt.bak'
    ]);

    const file = join(root.path, 'outputs/run/deep/x.nc');
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, 'x');
    writeFileSync(join(root.path, 'outputs/keep.txt'), 'keep');
    const local = await jobs.wait(
      (await jobs.create({ op: 'delete', src: 'outputs/run/', dst: '' })).id
    );
    assert.equal(local.state, 'done');
    assert.ok(!existsSync(join(root.path, 'outputs/run')));
    assert.ok(existsSync(join(root.path, 'outputs/keep.txt')));
  });

  test('a bucket, nothing, a destination or copy options: refused before any job', async () => {
    const jobs = manager();
    const refusals: [unknown, number, RegExp][] = [
      [{ op: 'delete', src: 'demo-s3:scratch' }, 400, /whole bucket/],
      [{ op: 'delete', src: 'demo-s3:scratch/' }, 400, /whole bucket/],
      [{ op: 'delete', src: S3('nothing-here/') }, 404, /Nothing at/],
      [{ op: 'delete', src: S3('x/'), dst: S3('y/') }, 400, /no destination/],
      [
        { op: 'delete', src: S3('x/'), options: { onConflict: 'replace' } },
        400,
        /only include, exclude/
      ],
      [{ op: 'erase', src: S3('x/'), dst: '' }, 400, /'delete'/]
    ];
    for (const [request, status, message] of refusals) {
      await assert.rejects(
        jobs.create(request as never),
        (error: unknown) =>
          error instanceof ApiError &&
          error.status === status &&
          message.test(error.message),
        JSON.stringify(request)
      );
    }
    assert.equal(jobs.list().length, 0);
  });
});
