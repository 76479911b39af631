// Cloud transfers (Storage Transfer Service) through the HTTP API, against
// the local double scripts/servers.py starts: there is no emulator of the
// service, so the double checks every request against the service's own
// discovery document and answers as the service would, copying from
// SeaweedFS (standing in for AWS S3, and for an S3-compatible store read
// by agents) and fake-gcs-server into fake-gcs-server. Not run against the
// live service here.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  PutObjectCommand,
  S3Client
} from '@aws-sdk/client-s3';
import {
  TRANSFER_ROUTES,
  type IErrorBody,
  type ITransferJob
} from '@jupyter-buckets/core';
import { createBackendFactory } from '../backends/index.js';
import { TRANSFER_SERVICE_ENV } from '../cloud-transfer/client.js';
import { remoteStore, type IRemoteStore } from '../remotes/discover.js';
import type { IRemoteConfig } from '../remotes/types.js';
import { createServices } from '../services.js';
import { startApp, type IRunningApp } from '../testing/app.js';
import { removeGcsPrefix, removeS3Bucket } from '../testing/buckets.js';
import { harness } from '../testing/harness.js';
import { assertMatchesSpec } from '../testing/openapi.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';

const { s3Endpoint, s3AccessKey, s3SecretKey, gcsEndpoint } = harness();
const double = process.env.JB_TEST_STS_ENDPOINT!;
const TOKEN = 'cloud-secret-9a41';
const PROJECT = 'jb-test-project';
const RUN = randomBytes(3).toString('hex');
const logged: string[] = [];

let app: IRunningApp;
let root: ITempDir;

const s3 = new S3Client({
  endpoint: s3Endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: s3AccessKey, secretAccessKey: s3SecretKey }
});

/** A service-account key of a project (made here: its token is signed locally). */
function serviceAccountKey(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return JSON.stringify({
    type: 'service_account',
    project_id: PROJECT,
    private_key_id: 'k1',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    client_email: `transfers@${PROJECT}.iam.gserviceaccount.com`,
    client_id: '1'
  });
}

/**
 * The harness' remotes and three of the test's own: `aws` (an S3 remote
 * with no endpoint: AWS itself, which the double reads from SeaweedFS),
 * `osn` (demo-s3's store with an agent pool named) and `gcs-project` (a
 * GCS remote with a project's key).
 */
function remotes(): IRemoteStore {
  const base = remoteStore(process.env);
  const key = serviceAccountKey();
  const own = (name: string): IRemoteConfig | undefined => {
    const demo = base.get('demo-s3')!;
    if (name === 'aws') {
      return {
        name,
        provider: 's3',
        sources: ['aws'],
        anonymous: false,
        hasCredentials: true,
        region: 'us-east-1',
        s3: { accessKeyId: s3AccessKey, secretAccessKey: s3SecretKey }
      };
    }
    if (name === 'osn') {
      return {
        ...demo,
        name,
        transferAgentPool: `projects/${PROJECT}/agentPools/osn-agents`
      };
    }
    if (name === 'gcs-project') {
      return {
        name,
        provider: 'gcs',
        sources: ['rclone'],
        anonymous: false,
        hasCredentials: true,
        endpoint: gcsEndpoint,
        gcs: { credentialsJson: key }
      };
    }
    return undefined;
  };
  return {
    env: base.env,
    discover: () => base.discover(),
    get: name => own(name) ?? base.get(name)
  };
}

async function ended(id: string): Promise<ITransferJob> {
  const until = Date.now() + 120_000;
  for (;;) {
    const job = (await app.call('GET', TRANSFER_ROUTES.transfer(id)))
      .json as ITransferJob;
    if (!['running', 'queued'].includes(job.state) || Date.now() > until) {
      return job;
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

interface IDoubleRecord {
  violations: string[];
  requests: { method: string }[];
}

async function doubleSaw(): Promise<IDoubleRecord> {
  return (
    await fetch(`${double}/__double/violations`)
  ).json() as Promise<IDoubleRecord>;
}

/** Seconds the double waits between steps of an operation (0: none). */
async function doubleDelay(seconds: number): Promise<void> {
  await fetch(`${double}/__double/settings`, {
    method: 'POST',
    body: JSON.stringify({ delay: seconds })
  });
}

async function gcsSizes(prefix: string): Promise<Map<string, number>> {
  const listed = (await (
    await fetch(`${gcsEndpoint}/storage/v1/b/leap-scratch/o?prefix=${prefix}`)
  ).json()) as { items?: { name: string; size: string }[] };
  return new Map(
    (listed.items ?? []).map(item => [
      item.name.slice(prefix.length),
      Number(item.size)
    ])
  );
}

/** A folder of `count` objects in a bucket of the test's own; their sizes. */
async function seedS3(
  bucket: string,
  count: number
): Promise<Map<string, number>> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  made.push(bucket);
  const sizes = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const body = randomBytes(10_000 + i * 100);
    sizes.set(`part-${i}.bin`, body.length);
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `out/part-${i}.bin`,
        Body: body
      })
    );
  }
  return sizes;
}

before(async () => {
  assert.ok(
    double,
    'scripts/servers.py starts the Storage Transfer Service double'
  );
  process.env[TRANSFER_SERVICE_ENV] = double;
  root = tempDir();
  app = await startApp({
    token: TOKEN,
    logger: {
      info: line => logged.push(line),
      error: line => logged.push(String(line))
    },
    services: createServices({
      remotes: remotes(),
      backends: createBackendFactory(),
      localRoot: root.path
    })
  });
});

beforeEach(async () => {
  await fetch(`${double}/__double/violations`, { method: 'DELETE' });
  await doubleDelay(0);
});

/** Buckets this file made; its GCS folders are all named *-RUN/. */
const made: string[] = [];

after(async () => {
  await app.close();
  root.remove();
  for (const bucket of made) {
    await removeS3Bucket(s3, bucket);
  }
  for (const folder of [
    'sts-aws',
    'sts-osn',
    'sts-copy',
    'sts-cancel',
    'sts-restart'
  ]) {
    await removeGcsPrefix(gcsEndpoint, 'leap-scratch', `${folder}-${RUN}/`);
  }
});

describe('cloud transfers (Storage Transfer Service, a local double)', () => {
  test('the double refuses a request its discovery document does not allow', async () => {
    const response = await fetch(`${double}/v1/transferJobs`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer x',
        'content-type': 'application/json'
      },
      body: JSON.stringify({
        projectId: PROJECT,
        transferSpec: {
          gcsDataSink: { bucketName: 'b' },
          awsS3DataSource: { bucket: 'x' }
        },
        status: 'RUNNING'
      })
    });
    assert.equal(response.status, 400);
    const { violations } = await doubleSaw();
    assert.ok(
      violations.some(v => v.includes('awsS3DataSource.bucket: not a field')),
      violations.join('\n')
    );
    assert.ok(
      violations.some(v => v.includes("'RUNNING' is not one of")),
      violations.join('\n')
    );
  });

  test('a folder from AWS S3 into GCS: job made, run, followed to its end, disabled', async () => {
    const bucket = `sts-aws-${RUN}`;
    const sizes = await seedS3(bucket, 6);
    const created = await app.call('POST', TRANSFER_ROUTES.transfers(), {
      op: 'copy',
      src: `aws:${bucket}/out/`,
      dst: `gcs-project:leap-scratch/sts-aws-${RUN}/`,
      options: { via: 'cloud', onConflict: 'replace' }
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const job = await ended((created.json as ITransferJob).id);
    assertMatchesSpec('/api/v1/transfers/{id}', 200, job);
    assert.equal(job.state, 'done', JSON.stringify(job.error));
    const total = [...sizes.values()].reduce((a, b) => a + b);
    assert.equal(job.progress.files, 6);
    assert.equal(job.progress.bytes, total);
    assert.deepEqual(job.totals, { files: 6, bytes: total });
    assert.match(job.progress.operation ?? '', /^transferOperations\//);
    assert.deepEqual(await gcsSizes(`sts-aws-${RUN}/`), sizes);
    const saw = await doubleSaw();
    assert.deepEqual(saw.violations, []);
    const methods = saw.requests.map(r => r.method);
    assert.equal(methods[0], 'transferJobs.create');
    assert.equal(methods[1], 'transferJobs.run');
    assert.ok(methods.includes('transferOperations.get'));
    assert.equal(methods.at(-1), 'transferJobs.patch');
    // The source's key went to the service, never into the sidecar's log.
    assert.ok(!logged.join('\n').includes(s3SecretKey));
  });

  test('GCS to GCS, and an S3-compatible store through its agent pool', async () => {
    const bucket = `sts-osn-${RUN}`;
    const sizes = await seedS3(bucket, 3);
    const viaAgents = await app.call('POST', TRANSFER_ROUTES.transfers(), {
      op: 'copy',
      src: `osn:${bucket}/out/`,
      dst: `gcs-project:leap-scratch/sts-osn-${RUN}/`,
      options: { via: 'cloud', onConflict: 'skip' }
    });
    assert.equal(viaAgents.status, 201, JSON.stringify(viaAgents.json));
    assert.equal(
      (await ended((viaAgents.json as ITransferJob).id)).state,
      'done'
    );
    assert.deepEqual(await gcsSizes(`sts-osn-${RUN}/`), sizes);
    const gcsToGcs = await app.call('POST', TRANSFER_ROUTES.transfers(), {
      op: 'sync',
      src: `gcs-project:leap-scratch/sts-osn-${RUN}/`,
      dst: `gcs-project:leap-scratch/sts-copy-${RUN}/`,
      options: { via: 'cloud' }
    });
    assert.equal(gcsToGcs.status, 201, JSON.stringify(gcsToGcs.json));
    assert.equal(
      (await ended((gcsToGcs.json as ITransferJob).id)).state,
      'done'
    );
    assert.deepEqual(await gcsSizes(`sts-copy-${RUN}/`), sizes);
    assert.deepEqual((await doubleSaw()).violations, []);
  });

  test('a cancel cancels the operation, and the job ends cancelled', async () => {
    const bucket = `sts-cancel-${RUN}`;
    await seedS3(bucket, 20);
    await doubleDelay(0.5);
    const created = await app.call('POST', TRANSFER_ROUTES.transfers(), {
      op: 'copy',
      src: `aws:${bucket}/out/`,
      dst: `gcs-project:leap-scratch/sts-cancel-${RUN}/`,
      options: { via: 'cloud', onConflict: 'replace' }
    });
    const { id } = created.json as ITransferJob;
    const until = Date.now() + 30_000;
    while (
      !(
        (await app.call('GET', TRANSFER_ROUTES.transfer(id)))
          .json as ITransferJob
      ).progress.files &&
      Date.now() < until
    ) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    const cancelled = (await app.call('DELETE', TRANSFER_ROUTES.transfer(id)))
      .json as ITransferJob;
    assert.equal(cancelled.state, 'cancelled');
    assert.ok(
      cancelled.progress.files < 20,
      `${cancelled.progress.files} copied`
    );
    const saw = await doubleSaw();
    assert.ok(saw.requests.some(r => r.method === 'transferOperations.cancel'));
    assert.deepEqual(saw.violations, []);
  });

  test('after a restart, the job follows the operation it started instead of starting the transfer again', async () => {
    const bucket = `sts-restart-${RUN}`;
    await seedS3(bucket, 12);
    await doubleDelay(0.3);
    const journals = tempDir();
    // Two lives of the sidecar's job manager, with one journal folder.
    const life = () =>
      createServices({
        remotes: remotes(),
        backends: createBackendFactory(),
        localRoot: root.path,
        journalDir: journals.path
      }).transfers;
    try {
      const first = life();
      const job = await first.create({
        op: 'copy',
        src: `aws:${bucket}/out/`,
        dst: `gcs-project:leap-scratch/sts-restart-${RUN}/`,
        options: { via: 'cloud', onConflict: 'replace' }
      });
      const until = Date.now() + 30_000;
      while (!first.get(job.id).progress.files && Date.now() < until) {
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      const operation = first.get(job.id).progress.operation;
      assert.match(operation ?? '', /^transferOperations\//);
      await first.shutdown();

      const second = life();
      await second.resume();
      const ended = await second.wait(job.id);
      assert.equal(ended.state, 'done', JSON.stringify(ended.error));
      assert.equal(ended.progress.operation, operation);
      assert.equal(ended.progress.files, 12);
      const methods = (await doubleSaw()).requests.map(r => r.method);
      assert.equal(methods.filter(m => m === 'transferJobs.create').length, 1);
      assert.equal(methods.filter(m => m === 'transferJobs.run').length, 1);
      assert.ok(!methods.includes('transferOperations.cancel'));
      assert.equal(methods.at(-1), 'transferJobs.patch');
      assert.deepEqual((await doubleSaw()).violations, []);
    } finally {
      journals.remove();
    }
  });

  test('what the service cannot do is refused before any job exists', async () => {
    const refusals: [string, unknown, RegExp][] = [
      [
        'demo-s3:climate-data/',
        'gcs-project:leap-scratch/x/',
        /transfer agents you run/
      ],
      ['aws:b/f/', 'demo-s3:climate-data/x/', /into Google Cloud Storage only/],
      ['notebooks/', 'gcs-project:leap-scratch/x/', /from a bucket/]
    ];
    for (const [src, dst, message] of refusals) {
      const answer = await app.call('POST', TRANSFER_ROUTES.transfers(), {
        op: 'copy',
        src,
        dst,
        options: { via: 'cloud', onConflict: 'replace' }
      });
      assert.equal(
        answer.status,
        400,
        `${src}: ${JSON.stringify(answer.json)}`
      );
      assert.match((answer.json as IErrorBody).error.message, message);
    }
    const keepBoth = await app.call('POST', TRANSFER_ROUTES.transfers(), {
      op: 'copy',
      src: 'aws:b/f/',
      dst: 'gcs-project:leap-scratch/x/',
      options: { via: 'cloud', onConflict: 'rename' }
    });
    assert.equal(keepBoth.status, 400);
    assert.deepEqual((await doubleSaw()).requests, []);
  });
});
