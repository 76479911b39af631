// The API against the real servers of scripts/servers.py (SeaweedFS and
// fake-gcs-server with the sample data and the demo remotes).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  TOKEN_HEADER,
  type IBucketList,
  type IErrorBody,
  type IListing,
  type IRemoteList
} from '@jupyter-buckets/core';
import { createBackendFactory } from '../backends/index.js';
import { createApp } from '../http/app.js';
import { listen } from '../http/server.js';
import type { ILogger } from '../log.js';
import { remoteStore } from '../remotes/discover.js';
import { startApp, type IRunningApp } from '../testing/app.js';
import { harness } from '../testing/harness.js';
import { call, type IAnswer } from '../testing/http.js';
import { assertMatchesSpec } from '../testing/openapi.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { createServices } from '../services.js';

const env = harness();
const TOKEN = 'integration-secret-5c1d';
const BUCKETS = '/api/v1/remotes/{remote}/buckets';
const OBJECTS = '/api/v1/remotes/{remote}/buckets/{bucket}/objects';

const logLines: string[] = [];
const answers: IAnswer[] = [];
const logger: ILogger = {
  info: line => logLines.push(line),
  error: line => logLines.push(line)
};

let running: IRunningApp;
let port: number;
let dir: ITempDir;

before(async () => {
  dir = tempDir();
  running = await startApp({
    token: TOKEN,
    logger,
    services: createServices({
      remotes: remoteStore(process.env),
      backends: createBackendFactory()
    })
  });
  port = running.port;
});

after(async () => {
  await running.close();
  dir.remove();
});

/** GET `path` with the secret and check the body against openapi.yaml's schema for `route`. */
async function get(
  route: string,
  path: string,
  target = { port: () => port }
): Promise<IAnswer> {
  const answer = await call({ port: target.port() }, path, {
    headers: { [TOKEN_HEADER]: TOKEN }
  });
  answers.push(answer);
  assertMatchesSpec(route, answer.status, answer.body);
  return answer;
}

function objects(
  remote: string,
  bucket: string,
  query: Record<string, string> = {}
): string {
  const search = new URLSearchParams(query).toString();
  return `/api/v1/remotes/${encodeURIComponent(remote)}/buckets/${encodeURIComponent(bucket)}/objects${search ? `?${search}` : ''}`;
}

function errorCode(answer: IAnswer): string {
  return (answer.body as IErrorBody).error.code;
}

test('the demo remotes are listed: demo-s3 from AWS and rclone, demo-gcs, unreachable', async () => {
  const answer = await get('/api/v1/remotes', '/api/v1/remotes');
  assert.equal(answer.status, 200);
  const list = answer.body as IRemoteList;
  const byName = new Map(list.remotes.map(r => [r.name, r]));
  assert.deepEqual([...byName.keys()].sort(), [
    'demo-gcs',
    'demo-s3',
    'unreachable'
  ]);
  assert.deepEqual(byName.get('demo-s3')?.sources, ['aws', 'rclone']);
  assert.equal(byName.get('demo-s3')?.provider, 's3');
  assert.equal(byName.get('demo-s3')?.endpoint, env.s3Endpoint);
  assert.equal(byName.get('demo-gcs')?.provider, 'gcs');
  assert.equal(byName.get('demo-gcs')?.anonymous, true);
  assert.equal(byName.get('demo-gcs')?.endpoint, env.gcsEndpoint);
  assert.equal(byName.get('unreachable')?.endpoint, env.deadEndpoint);
  assert.deepEqual(list.problems, []);
});

const PROVIDERS = [
  {
    remote: 'demo-s3',
    bucket: 'climate-data',
    buckets: ['climate-data', 'scratch']
  },
  {
    remote: 'demo-gcs',
    bucket: 'leap-persistent',
    buckets: ['leap-persistent', 'leap-scratch']
  }
];

for (const { remote, bucket, buckets } of PROVIDERS) {
  describe(`${remote} (${bucket})`, () => {
    test('lists its buckets', async () => {
      const answer = await get(BUCKETS, `/api/v1/remotes/${remote}/buckets`);
      assert.equal(answer.status, 200);
      assert.deepEqual(
        (answer.body as IBucketList).buckets.map(b => b.name).sort(),
        buckets
      );
    });

    test('lists the bucket root: folders and README.md with its size', async () => {
      const answer = await get(OBJECTS, objects(remote, bucket));
      assert.equal(answer.status, 200);
      const listing = answer.body as IListing;
      assert.equal(listing.prefix, '');
      assert.deepEqual(listing.prefixes, [
        { prefix: 'cmip6/', name: 'cmip6' },
        { prefix: 'many/', name: 'many' },
        { prefix: 'notebooks/', name: 'notebooks' },
        { prefix: 'odd/', name: 'odd' },
        { prefix: 'zarr/', name: 'zarr' }
      ]);
      assert.deepEqual(
        listing.objects.map(o => [o.key, o.name]),
        [['README.md', 'README.md']]
      );
      assert.ok(listing.objects[0].size > 0);
      assert.ok(listing.objects[0].modified);
      assert.ok(!listing.objects[0].etag?.includes('"'));
      assert.equal(listing.cursor, null);
    });

    test("a prefix without '/' is a folder: cmip6/tas lists 2020/ and 2021/", async () => {
      const listing = (
        await get(OBJECTS, objects(remote, bucket, { prefix: 'cmip6/tas' }))
      ).body as IListing;
      assert.equal(listing.prefix, 'cmip6/tas/');
      assert.deepEqual(
        listing.prefixes.map(p => p.prefix),
        ['cmip6/tas/2020/', 'cmip6/tas/2021/']
      );
      const nested = (
        await get(
          OBJECTS,
          objects(remote, bucket, { prefix: 'cmip6/tas/2020/' })
        )
      ).body as IListing;
      assert.deepEqual(
        nested.objects.map(o => o.name),
        ['tas_day_2020.csv']
      );
    });

    test('pages through many/ (1,500 keys) with limit=400: 4 pages, each key once, in order', async () => {
      const keys: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: Record<string, string> = { prefix: 'many/', limit: '400' };
        if (cursor) {
          query.cursor = cursor;
        }
        const answer = await get(OBJECTS, objects(remote, bucket, query));
        assert.equal(answer.status, 200, answer.text);
        const listing = answer.body as IListing;
        assert.ok(listing.objects.length <= 400);
        keys.push(...listing.objects.map(o => o.key));
        cursor = listing.cursor;
        pages += 1;
      } while (cursor && pages < 10);
      assert.equal(pages, 4);
      const expected = Array.from(
        { length: 1500 },
        (_, i) => `many/item-${String(i).padStart(5, '0')}.txt`
      );
      assert.deepEqual(keys, expected);
    });

    test('odd keys are listed with their exact names', async () => {
      const listing = (
        await get(OBJECTS, objects(remote, bucket, { prefix: 'odd/' }))
      ).body as IListing;
      assert.deepEqual(listing.objects.map(o => o.name).sort(), [
        'hash#tag.txt',
        'percent%41.txt',
        'plus+sign.txt',
        'with space.txt',
        'ünïcødé.txt'
      ]);
      assert.ok(listing.objects.every(o => o.key === `odd/${o.name}`));
    });

    test('an unknown bucket is 404 bucket_not_found', async () => {
      const answer = await get(OBJECTS, objects(remote, 'no-such-bucket-here'));
      assert.equal(answer.status, 404);
      assert.equal(errorCode(answer), 'bucket_not_found');
    });

    test('a tampered cursor, or one made for another prefix, is 400 invalid_cursor', async () => {
      const first = (
        await get(
          OBJECTS,
          objects(remote, bucket, { prefix: 'many/', limit: '10' })
        )
      ).body as IListing;
      assert.ok(first.cursor);
      const tampered = `${first.cursor.slice(0, 5)}${first.cursor.slice(6)}!`;
      for (const query of [
        { prefix: 'many/', cursor: tampered },
        { prefix: 'many/', cursor: 'garbage' },
        { prefix: 'odd/', cursor: first.cursor }
      ]) {
        const answer = await get(OBJECTS, objects(remote, bucket, query));
        assert.equal(answer.status, 400, JSON.stringify(query));
        assert.equal(errorCode(answer), 'invalid_cursor');
        assert.ok((answer.body as IErrorBody).error.hint);
      }
    });
  });
}

test('limit=0 and limit=1001 are 400 invalid_request', async () => {
  for (const limit of ['0', '1001']) {
    const answer = await get(
      OBJECTS,
      objects('demo-s3', 'climate-data', { limit })
    );
    assert.equal(answer.status, 400);
    assert.equal(errorCode(answer), 'invalid_request');
  }
});

test('the zero-byte folder marker of the listed prefix itself is not shown as an object', async () => {
  const client = new S3Client({
    endpoint: env.s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: {
      accessKeyId: env.s3AccessKey,
      secretAccessKey: env.s3SecretKey
    }
  });
  await client.send(
    new PutObjectCommand({ Bucket: 'scratch', Key: 'marked/', Body: '' })
  );
  await client.send(
    new PutObjectCommand({
      Bucket: 'scratch',
      Key: 'marked/data.txt',
      Body: 'x'
    })
  );
  client.destroy();
  const listing = (
    await get(OBJECTS, objects('demo-s3', 'scratch', { prefix: 'marked/' }))
  ).body as IListing;
  assert.deepEqual(
    listing.objects.map(o => o.key),
    ['marked/data.txt']
  );
});

test('an unreachable endpoint is 502 endpoint_unreachable within 10 s', async () => {
  const started = Date.now();
  const answer = await get(BUCKETS, '/api/v1/remotes/unreachable/buckets');
  assert.ok(Date.now() - started < 10_000);
  assert.equal(answer.status, 502);
  const { error } = answer.body as IErrorBody;
  assert.equal(error.code, 'endpoint_unreachable');
  assert.match(
    error.message,
    new RegExp(`Could not reach ${env.deadEndpoint}`)
  );
  assert.match(error.hint ?? '', /remote unreachable/);
});

test('an unknown remote is 404 remote_not_found', async () => {
  const answer = await get(BUCKETS, '/api/v1/remotes/no-such-remote/buckets');
  assert.equal(answer.status, 404);
  assert.equal(errorCode(answer), 'remote_not_found');
});

describe('remotes with bad settings (temporary config files of our own)', () => {
  let other: Server;
  const otherPort = { port: () => (other.address() as AddressInfo).port };

  before(async () => {
    const credentials = dir.write(
      'bad/credentials',
      [
        '[wrong-secret]',
        `aws_access_key_id = ${env.s3AccessKey}`,
        'aws_secret_access_key = not-the-secret-0000',
        '[wrong-key]',
        'aws_access_key_id = JBNOSUCHKEYID0000000',
        `aws_secret_access_key = ${env.s3SecretKey}`,
        ''
      ].join('\n')
    );
    const config = dir.write(
      'bad/config',
      [
        '[profile wrong-secret]',
        `endpoint_url = ${env.s3Endpoint}`,
        '[profile wrong-key]',
        `endpoint_url = ${env.s3Endpoint}`,
        ''
      ].join('\n')
    );
    const rclone = dir.write(
      'bad/rclone.conf',
      [
        '[dead-gcs]',
        'type = google cloud storage',
        'anonymous = true',
        `endpoint = ${env.deadEndpoint}/storage/v1/`,
        '[anonymous-s3]',
        'type = s3',
        'provider = Other',
        `endpoint = ${env.s3Endpoint}`,
        ''
      ].join('\n')
    );
    const app = createApp({
      token: TOKEN,
      services: createServices({
        remotes: remoteStore({
          AWS_SHARED_CREDENTIALS_FILE: credentials,
          AWS_CONFIG_FILE: config,
          RCLONE_CONFIG: rclone
        })
      }),
      logger
    });
    other = await listen(app, { port: 0 });
  });

  after(async () => {
    other.closeAllConnections();
    await new Promise(resolve => other.close(resolve));
  });

  test('a wrong secret key is 401 invalid_credentials: "the secret key is wrong"', async () => {
    const answer = await get(
      BUCKETS,
      '/api/v1/remotes/wrong-secret/buckets',
      otherPort
    );
    assert.equal(answer.status, 401);
    const { error } = answer.body as IErrorBody;
    assert.equal(error.code, 'invalid_credentials');
    assert.match(error.hint ?? '', /secret key is wrong/);
  });

  test('an unknown access key is 401 invalid_credentials: "the access key is not known"', async () => {
    const answer = await get(
      BUCKETS,
      '/api/v1/remotes/wrong-key/buckets',
      otherPort
    );
    assert.equal(answer.status, 401);
    const { error } = answer.body as IErrorBody;
    assert.equal(error.code, 'invalid_credentials');
    assert.match(error.hint ?? '', /access key is not known/);
  });

  test('an anonymous remote sends unsigned requests: a private bucket is 403 access_denied', async () => {
    const answer = await get(
      OBJECTS,
      objects('anonymous-s3', 'climate-data'),
      otherPort
    );
    assert.equal(answer.status, 403);
    const { error } = answer.body as IErrorBody;
    assert.equal(error.code, 'access_denied');
    assert.match(error.hint ?? '', /sends no credentials/);
  });

  test('an unreachable GCS endpoint is 502 endpoint_unreachable within 10 s', async () => {
    const started = Date.now();
    const answer = await get(
      BUCKETS,
      '/api/v1/remotes/dead-gcs/buckets',
      otherPort
    );
    assert.ok(Date.now() - started < 10_000);
    assert.equal(answer.status, 502);
    assert.equal(errorCode(answer), 'endpoint_unreachable');
  });
});

test('no response body and no log line contains the secret key', () => {
  assert.ok(answers.length > 20);
  for (const answer of answers) {
    assert.ok(
      !answer.text.includes(env.s3SecretKey),
      `a response contains the secret: ${answer.text.slice(0, 200)}`
    );
  }
  assert.ok(logLines.length >= answers.length);
  for (const line of logLines) {
    assert.ok(
      !line.includes(env.s3SecretKey),
      `a log line contains the secret: ${line}`
    );
    assert.ok(!line.includes(TOKEN));
  }
});
