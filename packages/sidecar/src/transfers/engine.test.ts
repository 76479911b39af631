// The transfer engine against SeaweedFS, fake-gcs-server and a local root:
// every direction byte for byte, server-side copies, parallel parts,
// UploadPartCopy, sync, filters, dry runs, cancel, a restart, and faults.
// Everything is written under transfers-test/<random>/ and removed afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync
} from 'node:fs';
import { join } from 'node:path';
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { ApiError } from '../api-error.js';
import { createBackendFactory } from '../backends/index.js';
import { deletePrefix } from '../backends/operations.js';
import { S3Backend, s3ClientConfig } from '../backends/s3/backend.js';
import type { IBackend } from '../backends/types.js';
import { remoteStore } from '../remotes/discover.js';
import type { IRemoteConfig } from '../remotes/types.js';
import { harness } from '../testing/harness.js';
import { storeProxy } from '../testing/proxy.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { JobManager, type IJobManagerOptions } from './jobs.js';
import { Resolver, type IEndpoint } from '../locations/resolver.js';

const env = harness();
const MiB = 1024 * 1024;
const RUN = `transfers-test/${randomBytes(4).toString('hex')}`;
const S3 = `demo-s3:scratch/${RUN}`;
const GCS = `demo-gcs:leap-scratch/${RUN}`;
const store = remoteStore(process.env);
const backends = createBackendFactory();
let root: ITempDir;
let stateDir: ITempDir;

function remoteOf(name: string): IRemoteConfig {
  const remote = store.get(name);
  assert.ok(remote, `the harness defines remote ${name}`);
  return remote;
}

function resolver(
  override?: (text: string, endpoint: IEndpoint) => IEndpoint
): (text: string) => IEndpoint {
  return text => {
    const endpoint = new Resolver({
      store,
      backends,
      localRoot: root.path
    }).location(text, { needBucket: true });
    return override ? override(text, endpoint) : endpoint;
  };
}

function manager(options: Partial<IJobManagerOptions> = {}): JobManager {
  return new JobManager({ resolve: resolver(), ...options });
}

const FILES: Record<string, Buffer> = {
  'a.txt': Buffer.from('hello transfers\n'),
  'empty.txt': Buffer.alloc(0),
  'odd/with space.txt': Buffer.from('space'),
  'odd/plus+sign.txt': Buffer.from('plus'),
  'odd/percent%41.txt': Buffer.from('percent'),
  'odd/hash#tag.txt': Buffer.from('hash'),
  'odd/ünïcødé.txt': Buffer.from('unicode ✓'),
  'deep/er/data.bin': randomBytes(9 * MiB + 123)
};

function writeTree(dir: string, files: Record<string, Buffer>): void {
  for (const [path, data] of Object.entries(files)) {
    const file = join(root.path, dir, path);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, data);
  }
}

function assertTree(dir: string, files: Record<string, Buffer>): void {
  for (const [path, data] of Object.entries(files)) {
    const file = join(root.path, dir, path);
    assert.ok(existsSync(file), `${dir}/${path} arrived`);
    assert.ok(
      readFileSync(file).equals(data),
      `${dir}/${path} has the same bytes`
    );
  }
}

function partials(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter(name =>
    name.endsWith('.partial')
  );
}

/** `backend`, with the key of every stat it is asked for written down in `asked`. */
function statsInto(backend: IBackend, asked: string[]): IBackend {
  return new Proxy(backend, {
    get(target, name) {
      const value: unknown = Reflect.get(target, name, target);
      if (name === 'stat') {
        return (bucket: string, key: string, ...rest: unknown[]) => {
          asked.push(key);
          return (target.stat as (...args: unknown[]) => unknown)(
            bucket,
            key,
            ...rest
          );
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    }
  });
}

async function run(
  jobs: JobManager,
  op: 'copy' | 'move' | 'sync',
  src: string,
  dst: string,
  options = {}
) {
  const job = await jobs.create({ op, src, dst, options });
  const done = await jobs.wait(job.id);
  assert.deepEqual(done.errors, [], `${op} ${src} -> ${dst} had no errors`);
  assert.equal(done.state, 'done');
  return done;
}

before(() => {
  root = tempDir();
  stateDir = tempDir();
  writeTree('src', FILES);
});

after(async () => {
  const s3 = backends(remoteOf('demo-s3'));
  const gcs = backends(remoteOf('demo-gcs'));
  await deletePrefix(s3, 'scratch', `${RUN}/`);
  await deletePrefix(gcs, 'leap-scratch', `${RUN}/`);
  root.remove();
  stateDir.remove();
});

describe('transfers engine', () => {
  test('round trips in every direction keep every byte (odd keys, empty files)', async () => {
    const jobs = manager();
    const n = Object.keys(FILES).length;
    const up = await run(jobs, 'copy', 'src/', `${S3}/a/`);
    assert.equal(up.progress.files, n);
    assert.equal(up.totals.bytes, up.progress.bytes);
    await run(jobs, 'copy', `${S3}/a/`, `${GCS}/b/`); // S3 -> GCS
    await run(jobs, 'copy', `${GCS}/b/`, `${GCS}/c/`); // GCS -> GCS (rewrite)
    await run(jobs, 'copy', `${GCS}/c/`, `${S3}/d/`); // GCS -> S3
    const same = await run(jobs, 'copy', `${S3}/d/`, `${S3}/e/`); // server-side
    assert.equal(
      same.progress.serverSideFiles,
      n,
      'every file copied by S3 itself'
    );
    assert.equal(
      same.progress.streamedBytes,
      0,
      'no byte went through the sidecar'
    );
    await run(jobs, 'copy', `${S3}/e/`, 'back-s3'); // S3 -> local
    assertTree('back-s3', FILES);
    await run(jobs, 'copy', 'src', `${GCS}/g`); // local -> GCS (no slashes: same meaning)
    await run(jobs, 'copy', `${GCS}/g/`, 'back-gcs/'); // GCS -> local
    assertTree('back-gcs', FILES);
    assert.deepEqual(partials(root.path), [], 'no temporary file left');
  });

  test('one object copies to a name or into a folder', async () => {
    const jobs = manager();
    await run(jobs, 'copy', 'src/a.txt', `${S3}/one/renamed.txt`);
    await run(jobs, 'copy', `${S3}/one/renamed.txt`, 'single/');
    assert.equal(
      readFileSync(join(root.path, 'single/renamed.txt'), 'utf8'),
      'hello transfers\n'
    );
  });

  test('only a folder is asked whether it is a Zarr store, named with its slash or not', async () => {
    writeTree('zarr-src/store.zarr', {
      'zarr.json': Buffer.from('{"zarr_format":3,"node_type":"group"}'),
      't/c/0': Buffer.from('chunk 0')
    });
    const asked: string[] = [];
    const jobs = manager({
      resolve: resolver((_text, endpoint) =>
        endpoint.bucket
          ? { ...endpoint, backend: statsInto(endpoint.backend, asked) }
          : endpoint
      )
    });
    await run(jobs, 'copy', 'zarr-src/store.zarr/', `${S3}/zarr/store.zarr/`);
    // One object: its copy asks for nothing under its name.
    asked.length = 0;
    const one = await run(
      jobs,
      'copy',
      `${S3}/zarr/store.zarr/zarr.json`,
      'zarr-one/'
    );
    assert.equal(one.zarr, undefined);
    const under = `${RUN}/zarr/store.zarr/zarr.json/`;
    assert.deepEqual(
      asked.filter(key => key.startsWith(under)),
      []
    );
    // A store named without its slash is found once the plan sees a folder.
    asked.length = 0;
    const store = await run(
      jobs,
      'copy',
      `${S3}/zarr/store.zarr`,
      'zarr-copy/'
    );
    assert.equal(store.zarr, 3);
    assert.ok(asked.includes(`${RUN}/zarr/store.zarr/zarr.json`), asked.join());
    assertTree('zarr-copy', {
      'zarr.json': Buffer.from('{"zarr_format":3,"node_type":"group"}'),
      't/c/0': Buffer.from('chunk 0')
    });
  });

  test('a 20 MiB file goes in parallel parts, verified, with bounded memory', async () => {
    const data = randomBytes(20 * MiB);
    writeTree('big', { 'big.bin': data });
    const jobs = manager({ partSize: 5 * MiB, partsInFlight: 4 });
    let started = Date.now();
    const up = await run(jobs, 'copy', 'big/big.bin', `${S3}/big/`);
    const upRate = (20 / ((Date.now() - started) / 1000)).toFixed(0);
    assert.equal(up.progress.streamedBytes, 20 * MiB);
    started = Date.now();
    await run(jobs, 'copy', `${S3}/big/big.bin`, `${GCS}/big/`);
    const crossRate = (20 / ((Date.now() - started) / 1000)).toFixed(0);
    await run(jobs, 'copy', `${GCS}/big/big.bin`, 'big-back/');
    const back = readFileSync(join(root.path, 'big-back/big.bin'));
    assert.equal(
      createHash('sha256').update(back).digest('hex'),
      createHash('sha256').update(data).digest('hex')
    );
    // A budget smaller than the parts in flight: parts wait, never deadlock
    // (also into a GCS session, which takes parts in order), never exceed it.
    const tight = manager({
      partSize: 5 * MiB,
      partsInFlight: 4,
      memoryBudget: 10 * MiB
    });
    await run(tight, 'copy', 'big/big.bin', `${GCS}/tight/`);
    await run(tight, 'copy', `${GCS}/tight/big.bin`, `${S3}/tight/`);
    assert.ok(tight.budget.peak <= 10 * MiB, `peak ${tight.budget.peak}`);
    assert.equal(
      (
        await backends(remoteOf('demo-s3')).stat(
          'scratch',
          `${RUN}/tight/big.bin`
        )
      ).size,
      20 * MiB
    );
    console.log(
      `# throughput: local->S3 ${upRate} MiB/s, S3->GCS ${crossRate} MiB/s (20 MiB, 5 MiB parts)`
    );
  });

  test('above the copy cutoff, a server-side copy is UploadPartCopy', async () => {
    const s3 = remoteOf('demo-s3');
    const lowered = new S3Backend(s3, new S3Client(s3ClientConfig(s3)), {
      copyCutoff: 1 * MiB,
      copyPartSize: 5 * MiB
    });
    const jobs = manager({
      resolve: resolver((text, endpoint) =>
        text.startsWith('demo-s3:')
          ? { ...endpoint, backend: lowered }
          : endpoint
      )
    });
    const done = await run(
      jobs,
      'copy',
      `${S3}/big/big.bin`,
      `${S3}/upc/big.bin`
    );
    assert.equal(done.progress.serverSideFiles, 1);
    assert.equal(done.progress.streamedBytes, 0);
    const info = await lowered.stat('scratch', `${RUN}/upc/big.bin`);
    assert.equal(info.size, 20 * MiB);
    assert.match(
      info.etag ?? '',
      /-4$/,
      'a multipart object of 4 copied parts'
    );
  });

  test('sync: the second run copies nothing; filters, dry run, delete of extras', async () => {
    const jobs = manager();
    const first = await run(jobs, 'sync', 'src/', `${S3}/sync/`);
    assert.equal(first.progress.files, Object.keys(FILES).length);
    const second = await run(jobs, 'sync', 'src/', `${S3}/sync/`);
    assert.equal(second.totals.files, 0, 'nothing to copy');
    assert.equal(second.progress.skipped, Object.keys(FILES).length);
    const checksums = await jobs.plan({
      op: 'sync',
      src: `${S3}/sync/`,
      dst: `${GCS}/sync/`,
      options: { checksum: true }
    });
    assert.equal(checksums.totals.files, Object.keys(FILES).length);

    const filtered = await run(jobs, 'sync', 'src/', `${GCS}/filtered/`, {
      include: ['**/*.txt'],
      exclude: ['odd/h*']
    });
    assert.equal(filtered.progress.files, Object.keys(FILES).length - 2);
    const listed = await backends(remoteOf('demo-gcs')).list('leap-scratch', {
      prefix: `${RUN}/filtered/`,
      limit: 100,
      recursive: true
    });
    const names = listed.objects
      .map(o => o.key.slice(`${RUN}/filtered/`.length))
      .sort();
    assert.ok(
      !names.includes('deep/er/data.bin') && !names.includes('odd/hash#tag.txt')
    );

    writeTree('src-extra', { 'keep.txt': Buffer.from('k') });
    const s3 = backends(remoteOf('demo-s3'));
    await s3.put!('scratch', `${RUN}/mirror/extra.txt`, Buffer.from('x'), {});
    const plan = await jobs.plan({
      op: 'sync',
      src: 'src-extra/',
      dst: `${S3}/mirror/`,
      options: { delete: true, dryRun: true }
    });
    assert.deepEqual(plan.copy, [{ path: 'keep.txt', size: 1 }]);
    assert.deepEqual(plan.delete, ['extra.txt']);
    await s3.stat('scratch', `${RUN}/mirror/extra.txt`); // the dry run did nothing
    const synced = await run(jobs, 'sync', 'src-extra/', `${S3}/mirror/`, {
      delete: true
    });
    assert.equal(synced.progress.deleted, 1);
    await assert.rejects(s3.stat('scratch', `${RUN}/mirror/extra.txt`), {
      code: 'not_found'
    });
  });

  test('move deletes the source only after the copy', async () => {
    writeTree('to-move', {
      'x.txt': Buffer.from('x'),
      'y/z.txt': Buffer.from('z')
    });
    const jobs = manager();
    await run(jobs, 'move', 'to-move/', `${GCS}/moved/`);
    assert.ok(!existsSync(join(root.path, 'to-move/x.txt')));
    assert.ok(
      !existsSync(join(root.path, 'to-move/y')),
      'emptied folders go too'
    );
    const gcs = backends(remoteOf('demo-gcs'));
    assert.equal(
      (await gcs.stat('leap-scratch', `${RUN}/moved/y/z.txt`)).size,
      1
    );
  });

  test('bad input is refused up front', async () => {
    const jobs = manager();
    await assert.rejects(
      jobs.create({ op: 'copy', src: `${S3}/a/`, dst: `${S3}/a/` }),
      /onto itself/
    );
    await assert.rejects(
      jobs.create({ op: 'copy', src: `${S3}/a/`, dst: `${S3}/a/sub/` }),
      /into itself/
    );
    await assert.rejects(
      jobs.create({ op: 'copy', src: 'src/', dst: 'src/inner' }),
      /into itself/
    );
    await assert.rejects(
      jobs.create({
        op: 'copy',
        src: 'src/',
        dst: 'demo-s3:no-such-bucket-jb/x/'
      }),
      (error: unknown) =>
        error instanceof ApiError && error.code === 'bucket_not_found'
    );
    await assert.rejects(
      jobs.create({ op: 'copy', src: '../etc/', dst: `${S3}/x/` }),
      { code: 'path_outside_root' }
    );
    await assert.rejects(
      jobs.create({ op: 'copy', src: `${S3}/nothing-here`, dst: 'x/' }),
      { code: 'not_found' }
    );
  });

  test('cancel mid-job leaves no partial object and no temporary file', async () => {
    writeTree('cancel', { 'huge.bin': randomBytes(40 * MiB) });
    const jobs = manager({ partSize: 5 * MiB, partsInFlight: 1 });
    const job = await jobs.create({
      op: 'copy',
      src: 'cancel/huge.bin',
      dst: `${S3}/cancel/`
    });
    while (jobs.get(job.id).progress.bytes === 0) {
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    const cancelled = await jobs.cancel(job.id);
    assert.equal(cancelled.state, 'cancelled');
    const s3 = backends(remoteOf('demo-s3'));
    await assert.rejects(s3.stat('scratch', `${RUN}/cancel/huge.bin`), {
      code: 'not_found'
    });
    const client = new S3Client(s3ClientConfig(remoteOf('demo-s3')));
    const uploads = await client.send(
      new ListMultipartUploadsCommand({
        Bucket: 'scratch',
        Prefix: `${RUN}/cancel/`
      })
    );
    assert.equal(
      uploads.Uploads?.length ?? 0,
      0,
      'the multipart upload was aborted'
    );

    // And the other way: S3 -> local, cancelled, no .partial file left.
    await run(manager(), 'copy', 'cancel/huge.bin', `${S3}/cancel2/`);
    const down = await jobs.create({
      op: 'copy',
      src: `${S3}/cancel2/huge.bin`,
      dst: 'down/'
    });
    while (jobs.get(down.id).progress.bytes === 0) {
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    await jobs.cancel(down.id);
    assert.ok(!existsSync(join(root.path, 'down/huge.bin')));
    assert.deepEqual(partials(join(root.path, 'down')), []);
  });

  test('after a restart, a job resumes without copying finished files again', async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 24; i++) {
      files[`f${String(i).padStart(2, '0')}.txt`] = randomBytes(1000 + i);
    }
    writeTree('resume', files);
    const journalDir = join(stateDir.path, 'jobs');
    const first = manager({ journalDir });
    const job = await first.create({
      op: 'copy',
      src: 'resume/',
      dst: `${S3}/resume/`,
      options: { transfers: 1 }
    });
    let doneBefore = 0;
    await new Promise<void>(resolve => {
      const stop = first.subscribe(job.id, name => {
        if (name === 'file-done' && ++doneBefore === 5) {
          stop();
          resolve();
        }
      });
    });
    await first.shutdown(); // as if the sidecar stopped
    doneBefore = first.get(job.id).progress.files;
    assert.ok(
      doneBefore >= 5 && doneBefore < 24,
      `stopped midway (${doneBefore} done)`
    );

    const second = manager({ journalDir });
    const resuming = second.resume();
    // Journals are read without blocking; planning starts only after.
    await second.whenLoaded();
    assert.equal(
      second.get(job.id).state,
      'queued',
      'listed at once, while it is planned again'
    );
    const resumed = await resuming;
    assert.deepEqual(
      resumed.map(j => j.id),
      [job.id]
    );
    let copiedAgain = 0;
    second.subscribe(job.id, name => {
      copiedAgain += name === 'file-done' ? 1 : 0;
    });
    const end = await second.wait(job.id);
    assert.equal(end.state, 'done');
    assert.equal(
      copiedAgain,
      24 - doneBefore,
      'finished files were not copied again'
    );
    assert.equal(end.progress.files, 24);
    await run(second, 'copy', `${S3}/resume/`, 'resume-back/');
    assertTree('resume-back', files);
    // A third start lists it as ended and resumes nothing.
    const third = manager({ journalDir });
    assert.deepEqual(await third.resume(), []);
    assert.equal(third.get(job.id).state, 'done');
  });

  test('after a restart, a large upload continues from its stored parts', async () => {
    const data = randomBytes(40 * MiB);
    writeTree('parts', { 'large.bin': data });
    const journalDir = join(stateDir.path, 'jobs-parts');
    const options = { journalDir, partSize: 5 * MiB, partsInFlight: 1 };
    const first = manager(options);
    const job = await first.create({
      op: 'copy',
      src: 'parts/large.bin',
      dst: `${S3}/parts/`
    });
    while (first.get(job.id).progress.bytes < 15 * MiB) {
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    await first.shutdown(); // as if the sidecar stopped mid-upload
    const s3 = backends(remoteOf('demo-s3'));
    await assert.rejects(s3.stat('scratch', `${RUN}/parts/large.bin`), {
      code: 'not_found'
    });
    const client = new S3Client(s3ClientConfig(remoteOf('demo-s3')));
    const pending = async () =>
      (
        await client.send(
          new ListMultipartUploadsCommand({
            Bucket: 'scratch',
            Prefix: `${RUN}/parts/`
          })
        )
      ).Uploads ?? [];
    assert.equal((await pending()).length, 1, 'the upload was kept');

    const second = manager(options);
    assert.deepEqual(
      (await second.resume()).map(j => j.id),
      [job.id]
    );
    const end = await second.wait(job.id);
    assert.equal(end.state, 'done');
    assert.equal(end.progress.bytes, data.length);
    assert.ok(
      end.progress.streamedBytes <= data.length - 15 * MiB,
      `stored parts were not sent again (${end.progress.streamedBytes} bytes streamed)`
    );
    const back = await s3.read!('scratch', `${RUN}/parts/large.bin`);
    const chunks: Buffer[] = [];
    for await (const chunk of back) {
      chunks.push(chunk as Buffer);
    }
    assert.ok(Buffer.concat(chunks).equals(data), 'the same bytes arrived');
    assert.equal((await pending()).length, 0, 'no upload is left open');
  });

  test('throttling (503 SlowDown) and dropped connections are retried to correct bytes', async () => {
    let count = 0;
    let faults = 0;
    const proxy = await storeProxy(env.s3Endpoint, {
      intercept: (req, res) => {
        count += 1;
        if (count % 3 === 0) {
          faults += 1;
          req.resume();
          res.writeHead(503, { 'content-type': 'application/xml' });
          res.end(
            '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>'
          );
          return true;
        }
        if (count % 7 === 0) {
          faults += 1;
          req.socket.destroy();
          return true;
        }
        return false;
      }
    });
    try {
      const remote = {
        ...remoteOf('demo-s3'),
        name: 'faulty',
        endpoint: proxy.url
      };
      const faulty: IBackend = new S3Backend(
        remote,
        new S3Client(s3ClientConfig(remote))
      );
      const jobs = manager({
        partSize: 5 * MiB,
        retry: { attempts: 8, baseMs: 20, maxMs: 200 },
        resolve: resolver((text, endpoint) =>
          text.startsWith('demo-s3:')
            ? { ...endpoint, backend: faulty, identity: 'faulty' }
            : endpoint
        )
      });
      const files = { ...FILES, 'big.bin': randomBytes(12 * MiB) };
      writeTree('faults', files);
      await run(jobs, 'copy', 'faults/', `${S3}/faults/`);
      await run(jobs, 'copy', `${S3}/faults/`, 'faults-back/');
      assertTree('faults-back', files);
      assert.ok(faults >= 3, `faults were injected (${faults})`);
    } finally {
      await proxy.close();
    }
  });
});
