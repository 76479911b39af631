// Managing remotes through the HTTP API against the real servers: create,
// edit, rename, sync, test, delete; every response checked against
// openapi.yaml, and no secret anywhere in what the run produced.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  TOKEN_HEADER,
  type IBucketList,
  type IConnectionTestResult,
  type IErrorBody,
  type IRemoteDetail,
  type IRemoteList
} from '@jupyter-buckets/core';
import { createBackendFactory } from '../backends/index.js';
import type { ILogger } from '../log.js';
import { remoteStore } from '../remotes/discover.js';
import { startApp, type IRunningApp } from '../testing/app.js';
import { harness } from '../testing/harness.js';
import { call, type IAnswer } from '../testing/http.js';
import { assertMatchesSpec } from '../testing/openapi.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { createServices } from '../services.js';

const env = harness();
const TOKEN = 'manage-secret-9a7e';
const WRONG_SECRET = 'ThisIsTheWrongSecretKey0123456789abcdefXY';
const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const SERVICE_ACCOUNT = JSON.stringify({
  type: 'service_account',
  project_id: 'test-project',
  private_key_id: 'k1',
  private_key: PRIVATE_KEY,
  client_email: 'tester@test-project.iam.gserviceaccount.com',
  client_id: '1',
  token_uri: 'https://oauth2.googleapis.com/token'
});

const logLines: string[] = [];
const answers: IAnswer[] = [];
const logger: ILogger = {
  info: line => logLines.push(line),
  error: line => logLines.push(line)
};

let running: IRunningApp;
let port: number;
let dir: ITempDir;
let files: NodeJS.ProcessEnv;

before(async () => {
  dir = tempDir();
  files = {
    AWS_SHARED_CREDENTIALS_FILE: join(dir.path, 'aws/credentials'),
    AWS_CONFIG_FILE: join(dir.path, 'aws/config'),
    RCLONE_CONFIG: join(dir.path, 'rclone/rclone.conf'),
    XDG_CONFIG_HOME: join(dir.path, 'xdg'),
    HOME: join(dir.path, 'home')
  };
  running = await startApp({
    token: TOKEN,
    logger,
    services: createServices({
      remotes: remoteStore(files),
      backends: createBackendFactory()
    })
  });
  port = running.port;
});

after(async () => {
  await running.close();
  dir.remove();
});

async function api(
  method: string,
  route: string,
  path: string,
  body?: unknown,
  contentType = 'application/json'
): Promise<IAnswer> {
  const headers: Record<string, string> = { [TOKEN_HEADER]: TOKEN };
  if (method !== 'GET') {
    headers['content-type'] = contentType;
  }
  const answer = await call({ port }, path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  answers.push(answer);
  if (answer.status !== 204) {
    assertMatchesSpec(route, answer.status, answer.body, method.toLowerCase());
  }
  return answer;
}

const REMOTES = '/api/v1/remotes';
const ONE = '/api/v1/remotes/{name}';
const SYNC = '/api/v1/remotes/{name}/sync';
const TESTS = '/api/v1/remote-tests';
const BUCKETS = '/api/v1/remotes/{remote}/buckets';

function error(answer: IAnswer): IErrorBody['error'] {
  return (answer.body as IErrorBody).error;
}

const seaweed = {
  name: 'weed',
  preset: 's3-compatible',
  endpoint: env.s3Endpoint,
  accessKeyId: env.s3AccessKey,
  secretAccessKey: env.s3SecretKey,
  bookmarks: ['climate-data']
};

describe('an S3-compatible remote through the API', () => {
  test('POST /remotes saves it (201) with masked hints only', async () => {
    const answer = await api('POST', REMOTES, REMOTES, seaweed);
    assert.equal(answer.status, 201, answer.text);
    const detail = answer.body as IRemoteDetail;
    assert.deepEqual(detail.sources, ['aws', 'rclone']);
    assert.equal(detail.endpoint, env.s3Endpoint);
    assert.equal(detail.preset, 's3-compatible');
    assert.equal(
      detail.secretAccessKeyHint,
      `••••${env.s3SecretKey.slice(-4)}`
    );
    assert.deepEqual(detail.differences, []);
    assert.deepEqual(detail.bookmarks, [
      { path: 'climate-data', source: 'user' }
    ]);
    assert.ok(
      readFileSync(files.RCLONE_CONFIG as string, 'utf8').includes(
        '[weed]\ntype = s3\nprovider = Other\n'
      )
    );
  });

  test('GET /remotes lists it with its bookmarks, and its buckets can be listed', async () => {
    const list = (await api('GET', REMOTES, REMOTES)).body as IRemoteList;
    const weed = list.remotes.find(r => r.name === 'weed');
    assert.equal(weed?.differs, false);
    assert.deepEqual(weed?.bookmarks, [
      { path: 'climate-data', source: 'user' }
    ]);
    const buckets = await api('GET', BUCKETS, '/api/v1/remotes/weed/buckets');
    assert.equal(buckets.status, 200, buckets.text);
    assert.ok(
      (buckets.body as IBucketList).buckets.some(b => b.name === 'climate-data')
    );
  });

  test('a duplicate name is refused with 409 remote_exists', async () => {
    const answer = await api('POST', REMOTES, REMOTES, seaweed);
    assert.equal(answer.status, 409);
    assert.equal(error(answer).code, 'remote_exists');
    assert.equal(error(answer).field, 'name');
  });

  test('bad input is refused with 400 and the field; a form post is 415', async () => {
    const bad = await api('POST', REMOTES, REMOTES, {
      ...seaweed,
      name: 'x',
      endpoint: '127.0.0.1:9000'
    });
    assert.equal(bad.status, 400);
    assert.equal(error(bad).field, 'endpoint');
    assert.match(error(bad).message, /no scheme/);
    const form = await api(
      'POST',
      REMOTES,
      REMOTES,
      seaweed,
      'application/x-www-form-urlencoded'
    );
    assert.equal(form.status, 415);
  });

  test('POST /remote-tests by name lists the buckets', async () => {
    const answer = await api('POST', TESTS, TESTS, { name: 'weed' });
    const result = answer.body as IConnectionTestResult;
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.checked, 'list-buckets');
    assert.ok((result.buckets ?? 0) >= 2);
  });

  test('a wrong secret: the advice is about the secret key', async () => {
    const answer = await api('POST', TESTS, TESTS, {
      input: { ...seaweed, name: 'probe', secretAccessKey: WRONG_SECRET }
    });
    const result = answer.body as IConnectionTestResult;
    assert.equal(result.ok, false);
    assert.equal(result.error?.code, 'invalid_credentials');
    assert.match(result.error?.hint ?? '', /secret/i);
  });

  test('a wrong access key id: the advice is about the access key', async () => {
    const answer = await api('POST', TESTS, TESTS, {
      input: { ...seaweed, name: 'probe', accessKeyId: 'NOSUCHKEY1234567' }
    });
    const result = answer.body as IConnectionTestResult;
    assert.equal(result.ok, false);
    assert.equal(result.error?.code, 'invalid_credentials');
    assert.match(result.error?.hint ?? '', /access key/i);
  });

  test('an unreachable endpoint: the advice is about the endpoint, quickly', async () => {
    const answer = await api('POST', TESTS, TESTS, {
      input: { ...seaweed, name: 'probe', endpoint: env.deadEndpoint }
    });
    const result = answer.body as IConnectionTestResult;
    assert.equal(result.ok, false);
    assert.equal(result.error?.code, 'endpoint_unreachable');
    assert.match(result.error?.hint ?? '', /endpoint/i);
    assert.ok(result.elapsedMs < 15_000);
  });

  test('listing denied (anonymous): the bookmarked bucket is tried and its failure explained', async () => {
    const answer = await api('POST', TESTS, TESTS, {
      input: {
        name: 'probe',
        preset: 'public',
        endpoint: env.s3Endpoint,
        bookmarks: ['climate-data']
      }
    });
    const result = answer.body as IConnectionTestResult;
    assert.equal(result.ok, false);
    assert.equal(result.checked, 'bookmark');
    assert.equal(result.error?.code, 'access_denied');
  });

  test('testing an edit form without the secret uses the saved one', async () => {
    const { secretAccessKey: _omit, ...form } = seaweed;
    const answer = await api('POST', TESTS, TESTS, { input: form });
    assert.equal((answer.body as IConnectionTestResult).ok, true, answer.text);
  });

  test('PUT renames it in both files and keeps the secret when left out', async () => {
    const { secretAccessKey: _omit, ...form } = seaweed;
    const answer = await api('PUT', ONE, '/api/v1/remotes/weed', {
      ...form,
      name: 'weed2',
      region: 'us-west-1'
    });
    assert.equal(answer.status, 200, answer.text);
    assert.equal((answer.body as IRemoteDetail).region, 'us-west-1');
    assert.equal((await api('GET', ONE, '/api/v1/remotes/weed')).status, 404);
    const buckets = await api('GET', BUCKETS, '/api/v1/remotes/weed2/buckets');
    assert.equal(buckets.status, 200, buckets.text);
  });

  test('when the copies differ, GET shows the fields; sync from aws fixes it', async () => {
    const rclone = files.RCLONE_CONFIG as string;
    writeFileSync(
      rclone,
      readFileSync(rclone, 'utf8').replace(
        `secret_access_key = ${env.s3SecretKey}`,
        `secret_access_key = ${WRONG_SECRET}`
      )
    );
    const detail = (await api('GET', ONE, '/api/v1/remotes/weed2'))
      .body as IRemoteDetail;
    assert.deepEqual(detail.differences, [
      {
        field: 'secretAccessKey',
        aws: `••••${env.s3SecretKey.slice(-4)}`,
        rclone: `••••${WRONG_SECRET.slice(-4)}`
      }
    ]);
    const synced = await api('POST', SYNC, '/api/v1/remotes/weed2/sync', {
      from: 'aws'
    });
    assert.equal(synced.status, 200, synced.text);
    assert.deepEqual((synced.body as IRemoteDetail).differences, []);
    assert.ok(
      readFileSync(rclone, 'utf8').includes(
        `secret_access_key = ${env.s3SecretKey}`
      )
    );
  });

  test('a concurrent edit of a config file is not overwritten: 409 conflict is for the write race; a stale read cannot happen over HTTP', async () => {
    // Each request re-reads the files, so the race is covered by the unit test
    // (manager.test.ts); here: an invalid file is refused with 422 and kept.
    const config = files.AWS_CONFIG_FILE as string;
    const before = `${readFileSync(config, 'utf8')}not ini at all\n`;
    writeFileSync(config, before);
    const answer = await api('PUT', ONE, '/api/v1/remotes/weed2', {
      name: 'weed2',
      preset: 's3-compatible',
      endpoint: env.s3Endpoint
    });
    assert.equal(answer.status, 422);
    assert.equal(error(answer).code, 'config_invalid');
    assert.ok(error(answer).message.includes(config));
    assert.equal(readFileSync(config, 'utf8'), before);
    writeFileSync(config, before.replace('not ini at all\n', ''));
  });

  test('DELETE removes it from both files (204)', async () => {
    const answer = await api('DELETE', ONE, '/api/v1/remotes/weed2');
    assert.equal(answer.status, 204, answer.text);
    assert.equal((await api('GET', ONE, '/api/v1/remotes/weed2')).status, 404);
    assert.ok(
      !readFileSync(files.RCLONE_CONFIG as string, 'utf8').includes('weed2')
    );
    assert.ok(
      !readFileSync(
        files.AWS_SHARED_CREDENTIALS_FILE as string,
        'utf8'
      ).includes('weed2')
    );
  });
});

describe('a GCS remote on fake-gcs-server through the API', () => {
  test('saved with a service-account key: key stored, rclone endpoint written, listed by the sidecar', async () => {
    // rclone lists the same kind of remote in tests/test_interop.py.
    const answer = await api('POST', REMOTES, REMOTES, {
      name: 'fakegcs',
      preset: 'gcs',
      endpoint: env.gcsEndpoint,
      serviceAccountJson: SERVICE_ACCOUNT
    });
    assert.equal(answer.status, 201, answer.text);
    const detail = answer.body as IRemoteDetail;
    assert.equal(
      detail.serviceAccountEmail,
      'tester@test-project.iam.gserviceaccount.com'
    );
    assert.equal(detail.endpoint, env.gcsEndpoint);
    assert.ok(
      readFileSync(files.RCLONE_CONFIG as string, 'utf8').includes(
        `endpoint = ${env.gcsEndpoint}/storage/v1/`
      )
    );
    assert.equal(
      readFileSync(detail.serviceAccountFile as string, 'utf8'),
      SERVICE_ACCOUNT
    );
    // The sidecar lists through it: the key signs its own JWTs, so no token
    // service is asked (fake-gcs-server accepts any bearer token).
    const buckets = await api(
      'GET',
      BUCKETS,
      '/api/v1/remotes/fakegcs/buckets'
    );
    assert.equal(buckets.status, 200, buckets.text);
    assert.ok(
      (buckets.body as IBucketList).buckets.some(
        b => b.name === 'leap-persistent'
      )
    );
  });

  test('a public GCS remote is listed and tested by the sidecar', async () => {
    const answer = await api('POST', REMOTES, REMOTES, {
      name: 'opengcs',
      preset: 'public',
      provider: 'gcs',
      endpoint: env.gcsEndpoint
    });
    assert.equal(answer.status, 201, answer.text);
    assert.equal((answer.body as IRemoteDetail).anonymous, true);
    const buckets = await api(
      'GET',
      BUCKETS,
      '/api/v1/remotes/opengcs/buckets'
    );
    assert.equal(buckets.status, 200, buckets.text);
    assert.ok(
      (buckets.body as IBucketList).buckets.some(
        b => b.name === 'leap-persistent'
      )
    );
    const tested = await api('POST', TESTS, TESTS, { name: 'opengcs' });
    assert.equal((tested.body as IConnectionTestResult).ok, true, tested.text);
  });

  test('a key that is not JSON is refused with the field', async () => {
    const answer = await api('POST', REMOTES, REMOTES, {
      name: 'badgcs',
      preset: 'gcs',
      serviceAccountJson: '{not json'
    });
    assert.equal(answer.status, 400);
    assert.equal(error(answer).field, 'serviceAccountJson');
  });
});

test('no secret appears in any response or log line of this run', () => {
  const everything = [...answers.map(a => a.text), ...logLines].join('\n');
  assert.ok(answers.length > 20 && logLines.length > 20);
  for (const secret of [
    env.s3SecretKey,
    WRONG_SECRET,
    PRIVATE_KEY.split('\n')[1],
    TOKEN
  ]) {
    assert.ok(
      !everything.includes(secret),
      'a secret leaked into a response or the log'
    );
  }
});
