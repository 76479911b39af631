// "Use on my computer" (POST /remotes/{name}/take-home) against SeaweedFS's
// real STS: temporary keys that reach the chosen bucket and nothing else,
// that only read when asked, that carry the hub admin's writable folders;
// GCS tokens from the pod's identity (a local stand-in for the metadata
// server) and from a service-account key (signed locally); the saved secret
// only on a confirmed request and never for an admin's remote.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client
} from '@aws-sdk/client-s3';
import {
  takeHomeRoutes,
  TOKEN_HEADER,
  type IErrorBody,
  type ITakeHome
} from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { createBackendFactory } from '../backends/index.js';
import { remoteStore } from '../remotes/discover.js';
import type { IRemoteConfig } from '../remotes/types.js';
import { createServices } from '../services.js';
import { takeHome } from '../take-home/index.js';
import { startApp, type IRunningApp } from '../testing/app.js';
import { harness } from '../testing/harness.js';
import { assertMatchesSpec } from '../testing/openapi.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';

const { s3Endpoint, s3AccessKey, s3SecretKey, gcsEndpoint } = harness();
const TOKEN = 'take-home-secret-7f3a';
const ROUTE = '/api/v1/remotes/{remote}/take-home';
const POD_TOKEN = `ya29.stand-in-${randomBytes(8).toString('hex')}`;

let app: IRunningApp;
let root: ITempDir;
const logged: string[] = [];
let metadata: Server;
/** The metadata server's token requests, with their query. */
const tokenAsks: URL[] = [];

const demoS3 = (): IRemoteConfig => {
  const remote = remoteStore(process.env).get('demo-s3');
  assert.ok(remote, 'demo-s3 comes from scripts/servers.py');
  return remote;
};

function clientFor(answer: ITakeHome): S3Client {
  const aws = answer.snippets.find(s => s.tool === 'aws-cli')!.text;
  const value = (key: string): string | undefined =>
    new RegExp(`aws configure set ${key} (\\S+) --profile`).exec(aws)?.[1];
  const accessKeyId = value('aws_access_key_id');
  const secretAccessKey = value('aws_secret_access_key');
  assert.ok(accessKeyId && secretAccessKey, aws);
  return new S3Client({
    endpoint: s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: {
      accessKeyId,
      secretAccessKey,
      sessionToken: value('aws_session_token')
    }
  });
}

/** The credentials expire within `seconds` from now, and not long before. */
function assertExpiresIn(answer: ITakeHome, seconds: number): void {
  const left = Date.parse(answer.credentials.expires!) - Date.now();
  assert.ok(
    left > (seconds - 120) * 1000 && left <= seconds * 1000,
    answer.credentials.expires
  );
}

/** A client with the hub's own keys (the harness's). */
function hubClient(): S3Client {
  return new S3Client({
    endpoint: s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: s3AccessKey, secretAccessKey: s3SecretKey }
  });
}

/** Remove a bucket of the test's own, whatever it holds. */
async function emptyAndDelete(client: S3Client, bucket: string): Promise<void> {
  const listed = await client.send(
    new ListObjectsV2Command({ Bucket: bucket })
  );
  for (const object of listed.Contents ?? []) {
    await client.send(
      new DeleteObjectCommand({ Bucket: bucket, Key: object.Key! })
    );
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

async function denied(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, 'AccessDenied', String(error));
    return true;
  });
}

async function post(
  remote: string,
  body: unknown
): Promise<{ status: number; json: unknown; cache: string | null }> {
  const response = await fetch(
    `http://127.0.0.1:${app.port}${takeHomeRoutes.takeHome(remote)}`,
    {
      method: 'POST',
      headers: { [TOKEN_HEADER]: TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify(body)
    }
  );
  return {
    status: response.status,
    json: await response.json(),
    cache: response.headers.get('cache-control')
  };
}

before(async () => {
  root = tempDir();
  app = await startApp({
    token: TOKEN,
    logger: {
      info: line => logged.push(line),
      error: line => logged.push(String(line))
    },
    services: createServices({
      remotes: remoteStore(process.env),
      backends: createBackendFactory(),
      localRoot: root.path
    })
  });

  metadata = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://metadata');
    const flavor = { 'metadata-flavor': 'Google' };
    if (req.headers['metadata-flavor'] !== 'Google') {
      res.writeHead(403).end();
    } else if (url.pathname === '/computeMetadata/v1/instance') {
      res.writeHead(200, flavor).end('{}');
    } else if (
      url.pathname ===
      '/computeMetadata/v1/instance/service-accounts/default/token'
    ) {
      tokenAsks.push(url);
      res.writeHead(200, { ...flavor, 'content-type': 'application/json' }).end(
        JSON.stringify({
          access_token: POD_TOKEN,
          expires_in: 3599,
          token_type: 'Bearer'
        })
      );
    } else if (url.pathname === '/computeMetadata/v1/project/project-id') {
      res.writeHead(200, flavor).end('stand-in-project');
    } else {
      res.writeHead(404, flavor).end();
    }
  });
  await new Promise<void>(resolve =>
    metadata.listen(0, '127.0.0.1', () => resolve())
  );
  // This test file is its own process: the pod's identity is the only one.
  process.env.GCE_METADATA_HOST = `127.0.0.1:${(metadata.address() as AddressInfo).port}`;
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  process.env.CLOUDSDK_CONFIG = root.path;
});

after(async () => {
  await app.close();
  await new Promise(resolve => metadata.close(resolve));
  root.remove();
});

describe('temporary S3 keys from the store (SeaweedFS STS)', () => {
  test('keys for one bucket read and write it, and reach no other bucket', async () => {
    // A bucket of the test's own: SeaweedFS keeps the folders of deleted
    // objects, and the other suites list the demo buckets' roots.
    const bucket = `take-home-${randomBytes(4).toString('hex')}`;
    const hub = hubClient();
    await hub.send(new CreateBucketCommand({ Bucket: bucket }));
    try {
      const reply = await post('demo-s3', { path: bucket });
      assert.equal(reply.status, 200, JSON.stringify(reply.json));
      assertMatchesSpec(ROUTE, 200, reply.json, 'post');
      assert.equal(reply.cache, 'no-store');
      const answer = reply.json as ITakeHome;
      assert.equal(answer.credentials.kind, 'temporary');
      assert.equal(answer.credentials.source, 'sts:GetFederationToken');
      assert.deepEqual(answer.credentials.reach, { bucket, readOnly: false });
      assertExpiresIn(answer, 3600);
      assert.deepEqual(
        answer.snippets.map(s => s.tool),
        ['aws-cli', 'rclone', 'fsspec']
      );
      const text = answer.snippets.map(s => s.text).join('\n');
      // Never the hub's own secret, only keys minted for this.
      assert.ok(!text.includes(s3SecretKey));
      assert.ok(!text.includes(s3AccessKey));

      const client = clientFor(answer);
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'laptop.txt', Body: 'hi' })
      );
      const listed = await client.send(
        new ListObjectsV2Command({ Bucket: bucket })
      );
      assert.deepEqual(
        (listed.Contents ?? []).map(o => o.Key),
        ['laptop.txt']
      );
      await client.send(
        new DeleteObjectCommand({ Bucket: bucket, Key: 'laptop.txt' })
      );
      await denied(
        client.send(
          new ListObjectsV2Command({ Bucket: 'climate-data', MaxKeys: 1 })
        )
      );
      await denied(
        client.send(
          new PutObjectCommand({ Bucket: 'scratch', Key: 'x.txt', Body: 'no' })
        )
      );
      // The keys and the hub's secret stay out of the log.
      const log = logged.join('\n');
      assert.ok(!log.includes(s3SecretKey));
      assert.ok(!log.includes(answer.snippets[0].text.split(' ')[4]));
    } finally {
      await emptyAndDelete(hub, bucket);
    }
  });

  test('read-only keys list and read but cannot write', async () => {
    const answer = await takeHome(demoS3(), {
      path: 'climate-data/',
      readOnly: true,
      durationSeconds: 900
    });
    assert.deepEqual(answer.credentials.reach, {
      bucket: 'climate-data',
      readOnly: true
    });
    assertExpiresIn(answer, 900);
    const client = clientFor(answer);
    await client.send(
      new ListObjectsV2Command({ Bucket: 'climate-data', MaxKeys: 1 })
    );
    await denied(
      client.send(
        new PutObjectCommand({
          Bucket: 'climate-data',
          Key: 'ro.txt',
          Body: 'x'
        })
      )
    );
  });

  test("keys carry the hub admin's writable folders", async () => {
    const bucket = `take-home-${randomBytes(4).toString('hex')}`;
    const hub = hubClient();
    await hub.send(new CreateBucketCommand({ Bucket: bucket }));
    const remote: IRemoteConfig = {
      ...demoS3(),
      sources: ['aws', 'admin'],
      policy: { writablePrefixes: [`${bucket}/alice`], setBy: {} }
    };
    try {
      const answer = await takeHome(remote, {});
      assert.equal(answer.credentials.kind, 'temporary');
      assert.deepEqual(answer.credentials.reach, { readOnly: false });
      assert.equal(answer.credentials.savedAvailable, false);
      const client = clientFor(answer);
      const buckets = await client.send(new ListBucketsCommand({}));
      assert.ok((buckets.Buckets ?? []).length >= 3);
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'alice/a.txt',
          Body: 'mine'
        })
      );
      await client.send(
        new DeleteObjectCommand({ Bucket: bucket, Key: 'alice/a.txt' })
      );
      await denied(
        client.send(
          new PutObjectCommand({ Bucket: bucket, Key: 'bob/x.txt', Body: 'no' })
        )
      );
      await denied(
        client.send(
          new PutObjectCommand({
            Bucket: 'climate-data',
            Key: 'x.txt',
            Body: 'no'
          })
        )
      );
    } finally {
      await emptyAndDelete(hub, bucket);
    }
    // Its saved secret stays on the hub.
    await assert.rejects(
      takeHome(remote, { credentials: 'saved', confirm: true }),
      (error: ApiError) => error.code === 'secret_withheld'
    );
  });

  test('the saved secret only on a confirmed request', async () => {
    const unconfirmed = await post('demo-s3', { credentials: 'saved' });
    assert.equal(unconfirmed.status, 400);
    assertMatchesSpec(ROUTE, 400, unconfirmed.json, 'post');
    assert.match((unconfirmed.json as IErrorBody).error.message, /confirm/);
    assert.ok(!JSON.stringify(unconfirmed.json).includes(s3SecretKey));

    const confirmed = await post('demo-s3', {
      credentials: 'saved',
      confirm: true
    });
    assert.equal(confirmed.status, 200);
    const answer = confirmed.json as ITakeHome;
    assert.equal(answer.credentials.kind, 'saved');
    assert.equal(answer.credentials.expires, undefined);
    assert.ok(answer.snippets.every(s => s.text.includes(s3SecretKey)));
    assert.ok(!logged.join('\n').includes(s3SecretKey));
  });

  test('placeholders when none are asked for', async () => {
    const answer = (await post('demo-s3', { credentials: 'none' }))
      .json as ITakeHome;
    assert.equal(answer.credentials.kind, 'none');
    const text = answer.snippets.map(s => s.text).join('\n');
    assert.ok(!text.includes(s3SecretKey));
    assert.match(text, /<your secret access key>/);
  });

  test('a store that is down is a 502 that names it; bad requests are 400', async () => {
    const down = await post('unreachable', {});
    assert.equal(down.status, 502);
    assertMatchesSpec(ROUTE, 502, down.json, 'post');
    for (const body of [
      { durationSeconds: 60 },
      { durationSeconds: 50000 },
      { durationSeconds: 'soon' },
      { credentials: 'root' },
      { readOnly: 'yes' },
      { path: 'Not A Bucket!' },
      { path: 'climate-data/a/../b/' },
      { path: 'climate-data/line\nbreak/' }
    ]) {
      const reply = await post('demo-s3', body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assertMatchesSpec(ROUTE, 400, reply.json, 'post');
    }
    assert.equal((await post('no-such-remote', {})).status, 404);
  });
});

/** A GCS remote on fake-gcs-server, signing in as `gcs` says. */
function gcsRemote(
  name: string,
  gcs: IRemoteConfig['gcs'],
  more: Partial<IRemoteConfig> = {}
): IRemoteConfig {
  return {
    name,
    provider: 'gcs',
    endpoint: gcsEndpoint,
    sources: ['env'],
    anonymous: false,
    hasCredentials: true,
    gcs,
    ...more
  };
}

describe('GCS access tokens', () => {
  test("from the pod's identity, with the storage scope asked for", async () => {
    const remote = gcsRemote('hub-gcs', { envAuth: true });
    const answer = await takeHome(remote, { path: 'leap-scratch' });
    assert.equal(answer.credentials.kind, 'temporary');
    assert.equal(answer.credentials.source, 'access-token');
    assert.equal(answer.credentials.savedAvailable, false);
    assertExpiresIn(answer, 3600);
    assert.deepEqual(
      answer.snippets.map(s => s.tool),
      ['rclone', 'fsspec']
    );
    for (const snippet of answer.snippets) {
      assert.ok(snippet.text.includes(POD_TOKEN), snippet.text);
    }
    assert.match(
      tokenAsks.at(-1)?.searchParams.get('scopes') ?? '',
      /devstorage\.read_write/
    );
    const readOnly = await takeHome(remote, { readOnly: true });
    assert.deepEqual(readOnly.credentials.reach, { readOnly: true });
    assert.match(
      tokenAsks.at(-1)?.searchParams.get('scopes') ?? '',
      /devstorage\.read_only/
    );
  });

  test('from a service-account key, signed here (no token service asked)', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = {
      type: 'service_account',
      project_id: 'stand-in',
      private_key_id: 'k1',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      client_email: 'laptop@stand-in.iam.gserviceaccount.com',
      client_id: '1',
      token_uri: 'http://127.0.0.1:9/token'
    };
    const remote = gcsRemote(
      'key-gcs',
      { credentialsJson: JSON.stringify(key) },
      { sources: ['rclone'] }
    );
    const answer = await takeHome(remote, {});
    assert.equal(answer.credentials.kind, 'temporary');
    assert.equal(answer.credentials.savedAvailable, true);
    const rclone = answer.snippets.find(s => s.tool === 'rclone')!.text;
    const token = /access_token=(\S+)/.exec(rclone)?.[1];
    assert.ok(token, rclone);
    const claims = JSON.parse(
      Buffer.from(token.split('.')[1], 'base64url').toString()
    ) as { iss: string; scope: string; exp: number };
    assert.equal(claims.iss, key.client_email);
    assert.match(claims.scope, /devstorage\.read_write/);
    assert.equal(
      new Date(claims.exp * 1000).toISOString(),
      answer.credentials.expires
    );
    assert.ok(!JSON.stringify(answer).includes('PRIVATE KEY'));

    const saved = await takeHome(remote, {
      credentials: 'saved',
      confirm: true
    });
    assert.ok(
      saved.snippets.every(s => s.text.includes('PRIVATE KEY')),
      'the key itself, when asked for and confirmed'
    );
  });

  test("a remote with the admin's writable folders gets no token, and says why", async () => {
    const answer = await takeHome(
      gcsRemote(
        'ruled-gcs',
        { envAuth: true },
        {
          sources: ['admin', 'env'],
          policy: { writablePrefixes: ['leap-scratch/alice'], setBy: {} }
        }
      ),
      {}
    );
    assert.equal(answer.credentials.kind, 'none');
    assert.match(answer.credentials.unavailable ?? '', /writable folders/);
    assert.ok(answer.snippets.every(s => !s.text.includes(POD_TOKEN)));
  });
});
