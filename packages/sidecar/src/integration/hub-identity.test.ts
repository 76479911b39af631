// Hub credentials without key files, for remotes a hub admin defines in
// jupyter_buckets.json: GCS through Application Default Credentials from the
// pod's metadata server (a local stand-in for the GCE metadata endpoint, at
// $GCE_METADATA_HOST, whose token reaches fake-gcs-server), and S3 through
// the AWS SDK's default chain (AWS_* variables, against SeaweedFS).
// Not exercised here: a web identity token (IRSA), which needs an STS that
// SeaweedFS does not offer the SDK; the chain that reads it is the SDK's own.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBackendFactory } from '../backends/index.js';
import { remoteStore } from '../remotes/discover.js';
import { toPublicRemote } from '../remotes/public.js';
import { harness } from '../testing/harness.js';
import { storeProxy, type IStoreProxy } from '../testing/proxy.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';

const { gcsEndpoint, s3Endpoint, s3AccessKey, s3SecretKey } = harness();
const TOKEN = `ya29.stand-in-${randomBytes(8).toString('hex')}`;
const FLAVOR = { 'metadata-flavor': 'Google' };

let metadata: Server;
let metadataHost: string;
/** Requests the stand-in answered, with whether they carried Metadata-Flavor. */
const asked: { path: string; flavored: boolean }[] = [];
let proxy: IStoreProxy;
/** The Authorization headers fake-gcs-server was sent. */
const sent: (string | undefined)[] = [];
let dir: ITempDir;
const saved: Record<string, string | undefined> = {};

/** Set (or, with undefined, remove) variables of this process; after() puts them back. */
function setEnv(values: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(values)) {
    if (!(name in saved)) {
      saved[name] = process.env[name];
    }
    if (value === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = value;
    }
  }
}

before(async () => {
  dir = tempDir();
  // The GCE metadata server as a pod sees it: it answers only requests that
  // say Metadata-Flavor: Google, and says so itself.
  metadata = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const flavored = req.headers['metadata-flavor'] === 'Google';
    asked.push({ path, flavored });
    if (!flavored) {
      res.writeHead(403).end();
      return;
    }
    if (path === '/computeMetadata/v1/instance') {
      res.writeHead(200, FLAVOR).end('{}');
    } else if (
      path === '/computeMetadata/v1/instance/service-accounts/default/token'
    ) {
      res.writeHead(200, { ...FLAVOR, 'content-type': 'application/json' }).end(
        JSON.stringify({
          access_token: TOKEN,
          expires_in: 3599,
          token_type: 'Bearer'
        })
      );
    } else if (path === '/computeMetadata/v1/project/project-id') {
      res
        .writeHead(200, { ...FLAVOR, 'content-type': 'text/plain' })
        .end('stand-in-project');
    } else {
      res.writeHead(404, FLAVOR).end();
    }
  });
  await new Promise<void>(resolve =>
    metadata.listen(0, '127.0.0.1', () => resolve())
  );
  metadataHost = `127.0.0.1:${(metadata.address() as AddressInfo).port}`;
  proxy = await storeProxy(gcsEndpoint, {
    intercept: req => {
      sent.push(req.headers.authorization);
      return false;
    }
  });
});

after(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = value;
    }
  }
  await proxy?.close();
  await new Promise(resolve => metadata.close(resolve));
  dir.remove();
});

function adminEnv(remotes: object): NodeJS.ProcessEnv {
  const file = dir.write(
    `${randomBytes(4).toString('hex')}.json`,
    JSON.stringify({ remotes })
  );
  return { ...process.env, JUPYTER_BUCKETS_CONFIG: file };
}

describe('a GCS remote the admin defines, with the pod identity', () => {
  test('lists buckets with a token from the metadata server, shown as source environment', async () => {
    setEnv({
      GCE_METADATA_HOST: metadataHost,
      // No key file and no gcloud login: the metadata server is all there is.
      GOOGLE_APPLICATION_CREDENTIALS: undefined,
      CLOUDSDK_CONFIG: dir.path,
      GOOGLE_CLOUD_PROJECT: undefined,
      GCLOUD_PROJECT: undefined
    });
    const env = adminEnv({
      'hub-gcs': { provider: 'gcs', endpoint: proxy.url }
    });
    const remote = remoteStore(env).get('hub-gcs');
    assert.ok(remote);
    assert.deepEqual(toPublicRemote(remote).sources, ['admin', 'env']);
    assert.equal(toPublicRemote(remote).hasCredentials, true);
    const buckets = await createBackendFactory()(remote).listBuckets();
    assert.ok(
      buckets.some(b => b.name === 'leap-scratch'),
      JSON.stringify(buckets)
    );
    assert.ok(
      asked.some(
        a =>
          a.path ===
            '/computeMetadata/v1/instance/service-accounts/default/token' &&
          a.flavored
      ),
      JSON.stringify(asked)
    );
    assert.ok(sent.length > 0);
    assert.ok(
      sent.every(header => header === `Bearer ${TOKEN}`),
      `fake-gcs-server was sent ${JSON.stringify(sent)}`
    );
  });
});

describe('an S3 remote the admin defines, with the default chain', () => {
  test('reads with AWS_* variables and no profile, shown as source environment', async () => {
    setEnv({
      AWS_ACCESS_KEY_ID: s3AccessKey,
      AWS_SECRET_ACCESS_KEY: s3SecretKey,
      AWS_PROFILE: undefined
    });
    const env = adminEnv({
      'hub-s3': { provider: 's3', endpoint: s3Endpoint, region: 'us-east-1' }
    });
    const remote = remoteStore(env).get('hub-s3');
    assert.ok(remote);
    assert.deepEqual(remote.s3, { forcePathStyle: true, envAuth: true });
    assert.deepEqual(toPublicRemote(remote).sources, ['admin', 'env']);
    const buckets = await createBackendFactory()(remote).listBuckets();
    assert.ok(
      buckets.some(b => b.name === 'scratch'),
      JSON.stringify(buckets)
    );
  });

  test('without credentials in the environment, the error says so (no secret, no 5xx)', async () => {
    setEnv({
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SHARED_CREDENTIALS_FILE: `${dir.path}/none`,
      AWS_CONFIG_FILE: `${dir.path}/none`,
      // The chain's last links ask the instance's metadata: keep them local.
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
      AWS_WEB_IDENTITY_TOKEN_FILE: undefined
    });
    const env = adminEnv({
      'hub-s3-none': { provider: 's3', endpoint: s3Endpoint }
    });
    const remote = remoteStore(env).get('hub-s3-none');
    assert.ok(remote);
    await assert.rejects(
      createBackendFactory()(remote).listBuckets(),
      (error: { code?: string; status?: number; message: string }) => {
        assert.equal(error.code, 'no_credentials', error.message);
        assert.ok((error.status ?? 0) < 500);
        return true;
      }
    );
  });
});
