// An upload whose sidecar stops: its bytes were in a browser page talking to
// that process, so it cannot go on. A clean stop and a crash both end with
// the job listed as failed and nothing left in the store (an open S3
// multipart upload is invisible and billed until someone aborts it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { createBackendFactory } from '../backends/index.js';
import { s3ClientConfig } from '../backends/s3/backend.js';
import { Resolver } from '../locations/resolver.js';
import { remoteStore } from '../remotes/discover.js';
import { harness } from '../testing/harness.js';
import { tempDir } from '../testing/tempdir.js';
import { JobManager } from '../transfers/jobs.js';
import { UploadManager } from './manager.js';

harness();
const MiB = 1024 * 1024;
const RUN = `uploads-restart/${randomBytes(4).toString('hex')}`;
const store = remoteStore(process.env);
const backends = createBackendFactory();

function managers(journalDir: string, root: string) {
  const resolver = new Resolver({ store, backends, localRoot: root });
  const resolve = (text: string) =>
    resolver.location(text, { needBucket: true });
  const jobs = new JobManager({ resolve, journalDir });
  return {
    jobs,
    uploads: new UploadManager({ resolve, jobs, partSize: 5 * MiB })
  };
}

async function openUploads(prefix: string): Promise<number> {
  const client = new S3Client(s3ClientConfig(store.get('demo-s3')!));
  const open = await client.send(
    new ListMultipartUploadsCommand({ Bucket: 'scratch', Prefix: prefix })
  );
  return open.Uploads?.length ?? 0;
}

async function startWithOnePart(uploads: UploadManager, folder: string) {
  const part = randomBytes(5 * MiB);
  const session = await uploads.create({
    dst: `demo-s3:scratch/${folder}`,
    files: [{ path: 'big.bin', size: 11 * MiB, lastModified: 1 }]
  });
  await uploads.part(session.job.id, 0, 1, Readable.from([part]), part.length);
  assert.equal(
    await openUploads(`${folder}/`),
    1,
    'a multipart upload is open'
  );
  return session.job.id;
}

test('a crash: at the next start the upload is listed as failed and its parts are removed', async () => {
  const dir = tempDir();
  const folder = `${RUN}/crash`;
  const first = managers(dir.path, dir.path);
  const id = await startWithOnePart(first.uploads, folder);
  // No shutdown: the process is gone, its journal has no end.
  const next = managers(dir.path, dir.path);
  await next.jobs.resume();
  await next.jobs.whenResumed();
  const record = next.jobs.get(id);
  assert.equal(record.op, 'upload');
  assert.equal(record.state, 'failed');
  assert.equal(record.error?.code, 'upload_ended');
  assert.match(record.error?.message ?? '', /stopped during this upload/);
  assert.equal(
    await openUploads(`${folder}/`),
    0,
    'the multipart upload was aborted'
  );
  dir.remove();
});

test('a clean stop ends the upload as failed and removes its parts at once', async () => {
  const dir = tempDir();
  const folder = `${RUN}/stop`;
  const { jobs, uploads } = managers(dir.path, dir.path);
  const id = await startWithOnePart(uploads, folder);
  await jobs.shutdown();
  assert.equal(jobs.get(id).state, 'failed');
  assert.equal(await openUploads(`${folder}/`), 0);
  // Listed the same after the next start (its end is journaled).
  const next = managers(dir.path, dir.path);
  await next.jobs.resume();
  await next.jobs.whenLoaded();
  assert.equal(next.jobs.get(id).state, 'failed');
  dir.remove();
});
