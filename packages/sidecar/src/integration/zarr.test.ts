// Zarr stores as wholes, on the seeded stores of scripts/servers.py
// (climate-data/zarr/: sst.zarr v3, tas.zarr v2 consolidated) in SeaweedFS
// and fake-gcs-server: which folders are stores, their groups and arrays
// from the metadata alone, a folder's size as a stream, fsspec's options.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import {
  TOKEN_HEADER,
  zarrRoutes,
  type ITransferJob,
  type IZarrProbeResult,
  type IZarrStore
} from '@jupyter-buckets/core';
import { createBackendFactory } from '../backends/index.js';
import { deletePrefix } from '../backends/operations.js';
import { uploadStream } from '../backends/upload.js';
import { remoteStore } from '../remotes/discover.js';
import { startApp, type IRunningApp } from '../testing/app.js';
import { harness } from '../testing/harness.js';
import { call } from '../testing/http.js';
import { assertMatchesSpec } from '../testing/openapi.js';
import { createServices } from '../services.js';

const env = harness();
const TOKEN = 'zarr-secret-77ab';
const BUCKETS = { 'demo-s3': 'climate-data', 'demo-gcs': 'leap-persistent' };
const ROUTE = '/api/v1/remotes/{remote}/buckets/{bucket}';
let running: IRunningApp;
let port: number;
const services = createServices({
  remotes: remoteStore(process.env),
  backends: createBackendFactory()
});

before(async () => {
  running = await startApp({
    token: TOKEN,
    logger: { info: () => undefined, error: () => undefined },
    services
  });
  port = running.port;
});

after(async () => {
  await deletePrefix(
    services.resolver.backend('demo-s3'),
    'scratch',
    'zarr-test/'
  );
  await running.close();
});

function request(path: string, method = 'GET', body?: unknown) {
  return call({ port }, path, {
    method,
    headers: {
      [TOKEN_HEADER]: TOKEN,
      ...(body ? { 'content-type': 'application/json' } : {})
    },
    body: body ? JSON.stringify(body) : undefined
  });
}

/** The events of an SSE answer: [name, data] pairs. */
function events(text: string): [string, unknown][] {
  return text
    .split('\n\n')
    .map(block => {
      const name = /^event: ?(.*)$/m.exec(block)?.[1];
      const data = /^data: ?(.*)$/m.exec(block)?.[1];
      return name && data
        ? ([name, JSON.parse(data)] as [string, unknown])
        : undefined;
    })
    .filter((e): e is [string, unknown] => e !== undefined);
}

for (const [remote, bucket] of Object.entries(BUCKETS)) {
  describe(`Zarr stores on ${remote}`, () => {
    test('the probe finds the stores among folders, with their versions', async () => {
      const answer = await request(zarrRoutes.probe(remote, bucket), 'POST', {
        prefixes: [
          'zarr/sst.zarr/',
          'zarr/tas.zarr/',
          'zarr/not-a-store/',
          'cmip6/',
          'nope/'
        ]
      });
      assert.equal(answer.status, 200, answer.text);
      assertMatchesSpec(`${ROUTE}/zarr-probe`, 200, answer.body, 'post');
      assert.deepEqual((answer.body as IZarrProbeResult).stores, {
        'zarr/sst.zarr/': 3,
        'zarr/tas.zarr/': 2
      });
    });

    test('a v3 store: its group and array, walked from zarr.json', async () => {
      const answer = await request(
        zarrRoutes.store(remote, bucket, 'zarr/sst.zarr/')
      );
      assert.equal(answer.status, 200, answer.text);
      assertMatchesSpec(`${ROUTE}/zarr`, 200, answer.body);
      assert.deepEqual(answer.body as IZarrStore, {
        prefix: 'zarr/sst.zarr/',
        version: 3,
        consolidated: false,
        truncated: false,
        nodes: [
          { path: '', kind: 'group', attributes: ['title'] },
          {
            path: 'sst',
            kind: 'array',
            shape: [4, 3],
            dtype: 'float32',
            chunks: [2, 3],
            compressor: 'none',
            attributes: ['units', 'long_name']
          }
        ]
      });
    });

    test('a v2 store: read from .zmetadata alone', async () => {
      const answer = await request(
        zarrRoutes.store(remote, bucket, 'zarr/tas.zarr/')
      );
      assert.equal(answer.status, 200, answer.text);
      const store = answer.body as IZarrStore;
      assert.equal(store.version, 2);
      assert.equal(store.consolidated, true);
      assert.deepEqual(store.nodes[1], {
        path: 'tas',
        kind: 'array',
        shape: [4],
        dtype: '<f4',
        chunks: [2],
        compressor: 'none',
        attributes: ['units']
      });
    });

    test('a folder that is not a store is a 404 that says so', async () => {
      const answer = await request(
        zarrRoutes.store(remote, bucket, 'zarr/not-a-store/')
      );
      assert.equal(answer.status, 404);
      assert.match(answer.text, /not a Zarr store/);
    });

    test("size streams objects and bytes and ends with the folder's total", async () => {
      const answer = await request(zarrRoutes.size(remote, bucket, 'zarr/'));
      assert.equal(answer.status, 200);
      assert.match(
        String(answer.headers['content-type']),
        /text\/event-stream/
      );
      const all = events(answer.text);
      const end = all.find(([name]) => name === 'end')?.[1];
      // 4 objects in sst.zarr, 7 in tas.zarr, 1 in not-a-store.
      assert.equal((end as { objects: number }).objects, 12);
      assert.equal((end as { complete: boolean }).complete, true);
      assert.ok((end as { bytes: number }).bytes > 48);
      const many = events(
        (await request(zarrRoutes.size(remote, bucket, 'many/'))).text
      ).find(([name]) => name === 'end')?.[1] as { objects: number };
      assert.equal(many.objects, 1500);
    });
  });
}

test('metadata that is not JSON is a 422 saying which object, not a crash', async () => {
  const backend = services.resolver.backend('demo-s3');
  const bad = Buffer.from('{"zarr_format": 3, ');
  await uploadStream(
    backend,
    'scratch',
    'zarr-test/bad.zarr/zarr.json',
    Readable.from([bad]),
    { size: bad.length }
  );
  const answer = await request(
    zarrRoutes.store('demo-s3', 'scratch', 'zarr-test/bad.zarr/')
  );
  assert.equal(answer.status, 422);
  assertMatchesSpec(`${ROUTE}/zarr`, 422, answer.body);
  assert.match(
    answer.text,
    /zarr-test\/bad\.zarr\/zarr\.json is not valid Zarr metadata: not JSON/
  );
});

test('bad requests are 400s: too many prefixes, a prefix that is not a folder', async () => {
  const many = await request(
    zarrRoutes.probe('demo-s3', 'climate-data'),
    'POST',
    {
      prefixes: Array.from({ length: 201 }, (_, i) => `p${i}/`)
    }
  );
  assert.equal(many.status, 400);
  const file = await request(
    zarrRoutes.store('demo-s3', 'climate-data', 'README.md')
  );
  assert.equal(file.status, 400);
  const size = await request(
    zarrRoutes.size('demo-s3', 'climate-data', 'README.md')
  );
  assert.equal(size.status, 400);
});

test('fsspec options of a remote carry no secret', async () => {
  const answer = await request(zarrRoutes.fsspec('demo-s3'));
  assert.equal(answer.status, 200);
  assertMatchesSpec('/api/v1/remotes/{remote}/fsspec', 200, answer.body);
  assert.deepEqual(answer.body, {
    protocol: 's3',
    storage_options: {
      profile: 'demo-s3',
      endpoint_url: env.s3Endpoint,
      client_kwargs: { region_name: 'us-east-1' },
      config_kwargs: { s3: { addressing_style: 'path' } }
    }
  });
  assert.ok(!answer.text.includes(env.s3SecretKey));
  assert.equal((await request(zarrRoutes.fsspec('nope'))).status, 404);
});

test('a copy of a store is one job that knows it copies a Zarr store', async () => {
  const answer = await request('/api/v1/transfers', 'POST', {
    op: 'copy',
    src: 'demo-gcs:leap-persistent/zarr/sst.zarr/',
    dst: 'demo-s3:scratch/zarr-test/sst.zarr/',
    options: { onConflict: 'replace' }
  });
  assert.equal(answer.status, 201, answer.text);
  assertMatchesSpec('/api/v1/transfers', 201, answer.body, 'post');
  const job = answer.body as ITransferJob;
  assert.equal(job.zarr, 3);
  const end = await services.transfers.wait(job.id);
  assert.equal(end.state, 'done');
  assert.equal(end.progress.files, 4);
  const copied = await request(
    zarrRoutes.store('demo-s3', 'scratch', 'zarr-test/sst.zarr/')
  );
  assert.equal((copied.body as IZarrStore).nodes.length, 2);
  // A plain folder is not one.
  const plain = await request('/api/v1/transfers', 'POST', {
    op: 'copy',
    src: 'demo-s3:climate-data/zarr/not-a-store/',
    dst: 'demo-s3:scratch/zarr-test/plain/',
    options: { onConflict: 'replace' }
  });
  assert.equal((plain.body as ITransferJob).zarr, undefined);
  await services.transfers.wait((plain.body as ITransferJob).id);
});
