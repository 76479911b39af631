// Jobs on a Dask cluster through the HTTP API, against the LocalCluster that
// scripts/servers.py starts ($DASK_SCHEDULER_ADDRESS, two worker processes):
// GET /engines, a copy S3 -> GCS followed as one job, a cancel that leaves
// no open multipart upload, and the refusals made before any job exists.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand
} from '@aws-sdk/client-s3';
import {
  TRANSFER_ROUTES,
  type IEngines,
  type IErrorBody,
  type ITransferJob
} from '@jupyter-buckets/core';
import { createBackendFactory } from '../backends/index.js';
import { remoteStore, type IRemoteStore } from '../remotes/discover.js';
import { createServices } from '../services.js';
import { startApp, type IRunningApp } from '../testing/app.js';
import { removeGcsPrefix, removeS3Bucket } from '../testing/buckets.js';
import { harness } from '../testing/harness.js';
import { assertMatchesSpec } from '../testing/openapi.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';

const { s3Endpoint, s3AccessKey, s3SecretKey, gcsEndpoint, deadEndpoint } =
  harness();
const TOKEN = 'cluster-secret-51c2';
const MiB = 1024 * 1024;
const RUN = randomBytes(3).toString('hex');

let app: IRunningApp;
let root: ITempDir;

const s3 = new S3Client({
  endpoint: s3Endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: s3AccessKey, secretAccessKey: s3SecretKey }
});

/** The harness' remotes, and other-s3: demo-s3's store with other settings, so copies between them stream. */
function remotes(): IRemoteStore {
  const base = remoteStore(process.env);
  const other = () => {
    const demo = base.get('demo-s3')!;
    return {
      ...demo,
      name: 'other-s3',
      s3: { ...demo.s3, forcePathStyle: true }
    };
  };
  return {
    env: base.env,
    discover: () => {
      const found = base.discover();
      return { ...found, remotes: [...found.remotes, other()] };
    },
    get: name => (name === 'other-s3' ? other() : base.get(name))
  };
}

async function waitFor(
  id: string,
  done: (job: ITransferJob) => boolean,
  seconds = 300
): Promise<ITransferJob> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const { json } = await app.call('GET', TRANSFER_ROUTES.transfer(id));
    const job = json as ITransferJob;
    if (done(job) || Date.now() > until) {
      return job;
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

before(async () => {
  assert.ok(
    process.env.DASK_SCHEDULER_ADDRESS,
    'scripts/servers.py starts a Dask LocalCluster and sets DASK_SCHEDULER_ADDRESS'
  );
  root = tempDir();
  app = await startApp({
    token: TOKEN,
    logger: { info: () => undefined, error: () => undefined },
    services: createServices({
      remotes: remotes(),
      backends: createBackendFactory(),
      localRoot: root.path
    })
  });
});

/** Buckets and GCS folders this file made, removed at its end. */
const made: string[] = [];

after(async () => {
  await app.close();
  root.remove();
  for (const bucket of made) {
    await removeS3Bucket(s3, bucket);
  }
  await removeGcsPrefix(gcsEndpoint, 'leap-scratch', `cluster-${RUN}/`);
});

describe('jobs on a Dask cluster', () => {
  test('GET /engines says which cluster answers, and how many workers it has', async () => {
    const { status, json } = await app.call('GET', TRANSFER_ROUTES.engines());
    assert.equal(status, 200);
    assertMatchesSpec('/api/v1/engines', 200, json);
    const { dask } = json as IEngines;
    assert.equal(dask.available, true, dask.reason);
    assert.equal(dask.scheduler, process.env.DASK_SCHEDULER_ADDRESS);
    assert.equal(dask.workers, 2);
  });

  test('a folder S3 -> GCS runs on the workers as one job, every file at the destination', async () => {
    const bucket = `cluster-api-${RUN}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    made.push(bucket);
    const sizes = new Map<string, number>();
    for (let i = 0; i < 10; i++) {
      const body = randomBytes(MiB + i * 1000);
      sizes.set(`f-${i}.bin`, body.length);
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `in/f-${i}.bin`,
          Body: body
        })
      );
    }
    const created = await app.call('POST', TRANSFER_ROUTES.transfers(), {
      op: 'copy',
      src: `demo-s3:${bucket}/in/`,
      dst: `demo-gcs:leap-scratch/cluster-${RUN}/`,
      options: { via: 'dask' }
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const job = await waitFor(
      (created.json as ITransferJob).id,
      j => j.state !== 'running' && j.state !== 'queued'
    );
    assertMatchesSpec('/api/v1/transfers/{id}', 200, job);
    assert.equal(job.state, 'done', JSON.stringify(job.errors ?? job.error));
    assert.equal(job.options.via, 'dask');
    assert.equal(job.progress.files, 10);
    assert.equal(
      job.progress.bytes,
      [...sizes.values()].reduce((a, b) => a + b)
    );
    assert.deepEqual(job.progress.shards, { done: 1, total: 1 });
    assert.equal(job.progress.workers?.total, 2);
    const listed = await fetch(
      `${gcsEndpoint}/storage/v1/b/leap-scratch/o?prefix=cluster-${RUN}/`
    ).then(
      r => r.json() as Promise<{ items: { name: string; size: string }[] }>
    );
    assert.deepEqual(
      new Map(
        listed.items.map(item => [
          item.name.slice(`cluster-${RUN}/`.length),
          Number(item.size)
        ])
      ),
      sizes
    );
  });

  test('a cancel stops the workers and leaves no open multipart upload', async () => {
    const bucket = `cluster-cancel-${RUN}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    made.push(bucket);
    // 640 MiB in one object (its parts repeat: only the size matters here).
    const part = randomBytes(32 * MiB);
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'in/big.bin' })
    );
    const parts = [];
    for (let n = 1; n <= 20; n++) {
      const { ETag } = await s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: 'in/big.bin',
          UploadId,
          PartNumber: n,
          Body: part
        })
      );
      parts.push({ PartNumber: n, ETag });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'in/big.bin',
        UploadId,
        MultipartUpload: { Parts: parts }
      })
    );
    const created = await app.call('POST', TRANSFER_ROUTES.transfers(), {
      op: 'copy',
      src: `demo-s3:${bucket}/in/big.bin`,
      dst: `other-s3:${bucket}/out/`,
      options: { via: 'dask' }
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const { id } = created.json as ITransferJob;
    const moving = await waitFor(
      id,
      j => j.progress.bytes > 0 || j.state !== 'running'
    );
    assert.equal(moving.state, 'running');
    assert.equal(moving.progress.shards?.total, 3); // 640 MiB in 256 MiB ranges
    const cancelled = await app.call('DELETE', TRANSFER_ROUTES.transfer(id));
    assert.equal(
      (cancelled.json as ITransferJob).state,
      'cancelled',
      JSON.stringify(cancelled.json)
    );
    const open = await s3.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'out/' })
    );
    assert.deepEqual(open.Uploads ?? [], []);
  });

  test('without a cluster that answers, the request is refused before any job exists', async () => {
    const before = (
      (await app.call('GET', TRANSFER_ROUTES.transfers())).json as {
        jobs: ITransferJob[];
      }
    ).jobs.length;
    const refused = await app.call('POST', TRANSFER_ROUTES.transfers(), {
      op: 'copy',
      src: 'demo-s3:climate-data/',
      dst: 'demo-gcs:leap-scratch/never/',
      options: { via: 'dask', scheduler: deadEndpoint.replace('http', 'tcp') }
    });
    assert.equal(refused.status, 409);
    assertMatchesSpec('/api/v1/transfers', 409, refused.json, 'post');
    const { error } = refused.json as IErrorBody;
    assert.equal(error.code, 'cluster_unavailable');
    assert.match(error.message, /did not answer/);
    const jobs = (
      (await app.call('GET', TRANSFER_ROUTES.transfers())).json as {
        jobs: ITransferJob[];
      }
    ).jobs;
    assert.equal(jobs.length, before);
  });

  for (const [name, request] of [
    ['an engine it does not know', { via: 'spark' }],
    ['a scheduler without via dask', { scheduler: 'tcp://127.0.0.1:1' }],
    [
      'a scheduler that is not an address',
      { via: 'dask', scheduler: 'tcp://a\nb' }
    ]
  ] as const) {
    test(`${name} is a 400`, async () => {
      const refused = await app.call('POST', TRANSFER_ROUTES.transfers(), {
        op: 'copy',
        src: 'demo-s3:climate-data/',
        dst: 'demo-gcs:leap-scratch/never/',
        options: request
      });
      assert.equal(refused.status, 400, JSON.stringify(refused.json));
      assert.equal((refused.json as IErrorBody).error.code, 'invalid_request');
    });
  }

  test('a delete and the Jupyter disk stay here', async () => {
    const deleting = await app.call('POST', TRANSFER_ROUTES.transfers(), {
      op: 'delete',
      src: 'demo-s3:climate-data/nothing/',
      options: { via: 'dask' }
    });
    assert.equal(deleting.status, 400);
    const local = await app.call('POST', TRANSFER_ROUTES.transfers(), {
      op: 'copy',
      src: 'notebooks/',
      dst: 'demo-s3:climate-data/x/',
      options: { via: 'dask' }
    });
    assert.equal(local.status, 400);
    assert.match(
      (local.json as IErrorBody).error.message,
      /not on the Dask cluster/
    );
  });
});
