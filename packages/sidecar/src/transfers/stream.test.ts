// Streamed plans against SeaweedFS and a local root, with listing pages of
// two objects: copies start while the source is still listed, totals grow
// and say so, a sync deletes only once the whole source is known, and a job
// cancelled or failed mid-listing is retried over every file left. What
// happened when is seen through the backends' own calls, recorded in order.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
const RUN = `stream-test/${randomBytes(4).toString('hex')}`;
const S3 = `demo-s3:scratch/${RUN}`;
const store = remoteStore(process.env);
const backends = createBackendFactory();
const PAGE = 2;
/** Twelve files: six pages of two. */
const NAMES = Array.from(
  { length: 12 },
  (_, i) => `f-${String(i).padStart(2, '0')}.txt`
);
const LAST = NAMES[NAMES.length - 1];
let root: ITempDir;

/** Calls to a backend, in the order they happened, with everyone else's. */
type Log = string[];

/**
 * The backend, its list(), put() and delete() logged as they start and end;
 * `failList` may make a list call fail (after `calls` calls).
 */
function recorded(
  backend: IBackend,
  side: string,
  log: Log,
  failList?: { after: number; error: Error }
): IBackend {
  let lists = 0;
  return new Proxy(backend, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') {
        return value;
      }
      if (name === 'list') {
        return async (...args: Parameters<IBackend['list']>) => {
          log.push(`${side} list ${args[1].token ?? 'first'}`);
          lists += 1;
          if (failList && lists > failList.after) {
            throw failList.error;
          }
          const page = await target.list(...args);
          log.push(`${side} listed ${page.nextToken ? 'more' : 'end'}`);
          return page;
        };
      }
      if (name === 'put' || name === 'delete') {
        return async (...args: [string, string, ...unknown[]]) => {
          const result = await (value as (...a: unknown[]) => unknown).apply(
            target,
            args
          );
          log.push(`${side} ${String(name)} ${args[1]}`);
          return result;
        };
      }
      return value.bind(target);
    }
  });
}

function manager(
  log: Log,
  options: {
    failList?: { after: number; error: Error };
    transfers?: number;
  } = {}
): JobManager {
  return new JobManager({
    listPageSize: PAGE,
    retry: { attempts: 2, baseMs: 1, maxMs: 5 },
    resolve: text => {
      const endpoint: IEndpoint = new Resolver({
        store,
        backends,
        localRoot: root.path
      }).location(text, { needBucket: true });
      const side = endpoint.local ? 'disk' : 's3';
      return {
        ...endpoint,
        backend: recorded(
          endpoint.backend,
          side,
          log,
          side === 's3' ? options.failList : undefined
        )
      };
    }
  });
}

function lastIndex(log: Log, match: (line: string) => boolean): number {
  for (let i = log.length - 1; i >= 0; i--) {
    if (match(log[i])) {
      return i;
    }
  }
  return -1;
}

before(async () => {
  root = tempDir();
  const s3 = backends(store.get('demo-s3')!);
  for (const name of NAMES) {
    await s3.put(
      'scratch',
      `${RUN}/src/${name}`,
      Buffer.from(`s3 ${name}`),
      {}
    );
  }
});

after(async () => {
  await deletePrefix(backends(store.get('demo-s3')!), 'scratch', `${RUN}/`);
  root.remove();
});

describe('streamed plans', () => {
  test('the first file is written before the last listing page is asked for; totals count up', async () => {
    const log: Log = [];
    const jobs = manager(log);
    const job = await jobs.create({
      op: 'copy',
      src: `${S3}/src/`,
      dst: 'first/',
      // One file at a time: the listing can only run ahead by its read-ahead.
      options: { transfers: 1 }
    });
    assert.equal(job.totals.counting, true, 'still counting at the start');
    assert.ok(job.totals.files < NAMES.length, 'only the first pages known');
    const done = await jobs.wait(job.id);
    assert.equal(done.state, 'done');
    assert.deepEqual(done.totals, {
      files: NAMES.length,
      bytes: NAMES.reduce((sum, name) => sum + `s3 ${name}`.length, 0)
    });
    assert.equal(done.progress.files, NAMES.length);
    for (const name of NAMES) {
      assert.equal(
        readFileSync(join(root.path, 'first', name), 'utf8'),
        `s3 ${name}`
      );
    }
    const firstWrite = log.findIndex(line => line.startsWith('disk put '));
    const lastList = lastIndex(log, line => line.startsWith('s3 list '));
    assert.ok(firstWrite >= 0 && lastList >= 0, log.join('\n'));
    assert.ok(
      firstWrite < lastList,
      `a file was written before the last page was asked for:\n${log.join('\n')}`
    );
    assert.equal(
      log.filter(line => line.startsWith('s3 list ')).length,
      NAMES.length / PAGE,
      'each page listed once'
    );
  });

  test('a sync with delete deletes only once the whole source is listed, and keeps what its last page has', async () => {
    const log: Log = [];
    const dir = join(root.path, 'mirror');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'extra.txt'), 'not in the source');
    writeFileSync(join(dir, LAST), 'an older copy');
    const jobs = manager(log);
    const job = await jobs.create({
      op: 'sync',
      src: `${S3}/src/`,
      dst: 'mirror/',
      options: { delete: true, onConflict: 'replace', transfers: 2 }
    });
    assert.equal(job.totals.counting, true);
    const done = await jobs.wait(job.id);
    assert.equal(done.state, 'done', JSON.stringify(done.errors));
    assert.equal(done.progress.deleted, 1);
    assert.ok(!existsSync(join(dir, 'extra.txt')), 'the extra file is gone');
    assert.equal(readFileSync(join(dir, LAST), 'utf8'), `s3 ${LAST}`);
    const firstDelete = log.findIndex(line => line.startsWith('disk delete '));
    const lastListed = lastIndex(log, line => line === 's3 listed end');
    const lastWrite = lastIndex(log, line => line.startsWith('disk put '));
    assert.deepEqual(
      log.filter(line => line.startsWith('disk delete ')),
      [`disk delete ${'mirror/extra.txt'}`]
    );
    assert.ok(
      firstDelete > lastListed && firstDelete > lastWrite,
      `deletes after the whole listing and every copy:\n${log.join('\n')}`
    );
  });

  test('a sync whose destination already has every file skips them all while counting', async () => {
    const log: Log = [];
    const jobs = manager(log);
    const first = await jobs.create({
      op: 'sync',
      src: `${S3}/src/`,
      dst: 'again/',
      options: { onConflict: 'replace' }
    });
    assert.equal((await jobs.wait(first.id)).state, 'done');
    const second = await jobs.wait(
      (
        await jobs.create({
          op: 'sync',
          src: `${S3}/src/`,
          dst: 'again/',
          options: { onConflict: 'replace' }
        })
      ).id
    );
    assert.equal(second.state, 'done');
    assert.deepEqual(second.totals, { files: 0, bytes: 0 });
    assert.equal(second.progress.skipped, NAMES.length);
  });

  test('a job cancelled while its source is listed is retried over every file left, each written once', async () => {
    const log: Log = [];
    const jobs = manager(log);
    const job = await jobs.create({
      op: 'copy',
      src: `${S3}/src/`,
      dst: 'cancelled/',
      options: { transfers: 1 }
    });
    await new Promise<void>(resolve => {
      const stop = jobs.subscribe(job.id, name => {
        if (name === 'file-done') {
          stop();
          resolve();
        }
      });
    });
    const cancelled = await jobs.cancel(job.id);
    assert.equal(cancelled.state, 'cancelled');
    assert.ok(cancelled.progress.files < NAMES.length);
    jobs.retry(job.id);
    const done = await jobs.wait(job.id);
    assert.equal(done.state, 'done', JSON.stringify(done.errors));
    assert.equal(done.totals.files, NAMES.length);
    assert.equal(done.progress.files, NAMES.length);
    assert.equal(done.totals.counting, undefined);
    for (const name of NAMES) {
      assert.ok(existsSync(join(root.path, 'cancelled', name)), name);
      assert.equal(
        log.filter(line => line === `disk put cancelled/${name}`).length,
        1,
        `${name} written once`
      );
    }
  });

  test('a listing that fails mid-job fails the job with its error, deletes nothing, and a retry finishes it', async () => {
    const log: Log = [];
    const dir = join(root.path, 'broken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'extra.txt'), 'kept: the listing never ended');
    // Calls 1-3: the destination bucket's check... the source's first pages.
    const error = new ApiError('access_denied', 'Listing refused (test).');
    const failList = { after: 3, error };
    const jobs = manager(log, { failList, transfers: 1 });
    const job = await jobs.create({
      op: 'sync',
      src: `${S3}/src/`,
      dst: 'broken/',
      options: { delete: true, onConflict: 'replace' }
    });
    const failed = await jobs.wait(job.id);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error?.code, 'access_denied');
    assert.ok(existsSync(join(dir, 'extra.txt')), 'nothing deleted');
    failList.after = Infinity;
    jobs.retry(job.id);
    const done = await jobs.wait(job.id);
    assert.equal(done.state, 'done', JSON.stringify(done.errors));
    assert.equal(done.error, undefined);
    // A sync planned again finds the files of the first run identical.
    assert.equal(done.progress.files + done.progress.skipped, NAMES.length);
    assert.ok(done.progress.skipped > 0);
    assert.ok(!existsSync(join(dir, 'extra.txt')), 'deleted once all is known');
  });
});
