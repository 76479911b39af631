// Share links (GET .../share): a presigned URL that another client opens with
// no credentials, against SeaweedFS; refused where nothing can sign.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LOCAL_BUCKET,
  LOCAL_REMOTE,
  objectRoutes,
  TOKEN_HEADER,
  type IErrorBody,
  type IShareLink
} from '@jupyter-buckets/core';
import { createBackendFactory } from '../backends/index.js';
import { remoteStore } from '../remotes/discover.js';
import { startApp, type IRunningApp } from '../testing/app.js';
import { harness } from '../testing/harness.js';
import { assertMatchesSpec } from '../testing/openapi.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { createServices } from '../services.js';

harness();
const TOKEN = 'share-secret-5c1e';
const SHARE = '/api/v1/remotes/{remote}/buckets/{bucket}/share';

let running: IRunningApp;
let port: number;
let root: ITempDir;

before(async () => {
  root = tempDir();
  running = await startApp({
    token: TOKEN,
    logger: { info: () => undefined, error: () => undefined },
    services: createServices({
      remotes: remoteStore(process.env),
      backends: createBackendFactory(),
      localRoot: root.path
    })
  });
  port = running.port;
});

after(async () => {
  await running.close();
  root.remove();
});

async function share(
  remote: string,
  bucket: string,
  key: string,
  expires: number
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(
    `http://127.0.0.1:${port}${objectRoutes.share(remote, bucket, key, expires)}`,
    { headers: { [TOKEN_HEADER]: TOKEN } }
  );
  return { status: response.status, json: await response.json() };
}

test('an S3 share link reads the object with no credentials at all', async () => {
  const reply = await share(
    'demo-s3',
    'climate-data',
    'odd/plus+sign.txt',
    3600
  );
  assert.equal(reply.status, 200);
  assertMatchesSpec(SHARE, 200, reply.json);
  const link = reply.json as IShareLink;
  assert.ok(link.url.startsWith(process.env.JB_TEST_S3_ENDPOINT!), link.url);
  assert.match(link.url, /X-Amz-Expires=3600/);
  // The secret never appears, only the signature made with it.
  assert.ok(!link.url.includes(process.env.JB_TEST_S3_SECRET_KEY!));
  const expires = Date.parse(link.expires) - Date.now();
  assert.ok(expires > 3500 * 1000 && expires <= 3600 * 1000, link.expires);
  const body = await fetch(link.url);
  assert.equal(body.status, 200);
  assert.equal(await body.text(), 'a key with a plus sign\n');
});

test('a link that was tampered with is refused by the store', async () => {
  const link = (await share('demo-s3', 'climate-data', 'README.md', 60))
    .json as IShareLink;
  const forged = link.url.replace('X-Amz-Expires=60', 'X-Amz-Expires=604800');
  assert.equal((await fetch(forged)).status, 403);
});

test('expiry outside 1 s .. 7 days, a missing object, an anonymous GCS remote and the disk are 4xx', async () => {
  for (const expires of [0, 604801, 1.5]) {
    const reply = await share('demo-s3', 'climate-data', 'README.md', expires);
    assert.equal(reply.status, 400, `expires=${expires}`);
    assertMatchesSpec(SHARE, 400, reply.json);
  }
  const missing = await share('demo-s3', 'climate-data', 'no/such.txt', 60);
  assert.equal(missing.status, 404);
  const anonymous = await share('demo-gcs', 'leap-persistent', 'README.md', 60);
  assert.equal(anonymous.status, 400);
  assert.match(
    (anonymous.json as IErrorBody).error.message,
    /no service-account key/
  );
  const disk = await share(LOCAL_REMOTE, LOCAL_BUCKET, 'anything.txt', 60);
  assert.equal(disk.status, 400);
});
