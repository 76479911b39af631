// Ranges read straight into a buffer (http/get-into.ts), against SeaweedFS
// and fake-gcs-server: the bytes of any key, the store's refusals in our
// words, an object that changed since it was listed, a cancel, and a store
// that answers in a way only the general client reads (through a proxy that
// re-sends every body chunked).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import type { IBackendConfig } from './config.js';
import { remoteStore } from '../remotes/discover.js';
import { harness } from '../testing/harness.js';
import { removePrefix } from '../testing/objects.js';
import { storeProxy, type IStoreProxy } from '../testing/proxy.js';
import { createStorage, GcsBackend } from './gcs/backend.js';
import { S3Backend, s3ClientConfig } from './s3/backend.js';
import type { IBackend, IStatedHashes } from './types.js';

harness();
const RUN = `ranged-reads-test/${randomBytes(4).toString('hex')}/`;
const DATA = randomBytes(2 * 1024 * 1024 + 3);

const STORES = [
  {
    remote: 'demo-s3',
    bucket: 'scratch',
    make: (config: IBackendConfig) =>
      new S3Backend(config, new S3Client(s3ClientConfig(config)))
  },
  {
    remote: 'demo-gcs',
    bucket: 'leap-scratch',
    make: (config: IBackendConfig) =>
      new GcsBackend(config, createStorage(config))
  }
];

function remote(name: string): IBackendConfig {
  const found = remoteStore(process.env).get(name);
  assert.ok(found, `the harness has the remote ${name}`);
  return found;
}

/** A proxy to a store that drops Content-Length: bodies come chunked. */
function chunkingProxy(endpoint: string): Promise<IStoreProxy> {
  return storeProxy(endpoint, {
    answerHeaders: headers => {
      const chunked = { ...headers };
      delete chunked['content-length'];
      return chunked;
    }
  });
}

for (const store of STORES) {
  describe(`${store.remote}: ranges read into a buffer`, () => {
    const BUCKET = store.bucket;
    const config = remote(store.remote);
    const backend: IBackend = store.make(config);
    const read = backend.readBuffer!.bind(backend);

    after(() => removePrefix(backend, BUCKET, RUN));

    test('any key, any range: exactly its bytes', async () => {
      for (const name of [
        'plain.bin',
        'a b+c%d#e ü/..x',
        '日本/ファイル #1.bin'
      ]) {
        const key = `${RUN}${name}`;
        await backend.put(BUCKET, key, DATA, { size: DATA.length });
        for (const [start, length] of [
          [0, DATA.length],
          [1, 100],
          [DATA.length - 1, 1]
        ]) {
          const into = Buffer.alloc(length);
          const got = await read(BUCKET, key, start, length, DATA.length, into);
          assert.equal(got, into, 'into the buffer given');
          assert.ok(
            got.equals(DATA.subarray(start, start + length)),
            `${name} [${start}, +${length})`
          );
        }
      }
    });

    test("a whole read states the object's MD5; a range states none", async () => {
      const key = `${RUN}stated.bin`;
      await backend.put(BUCKET, key, DATA, { size: DATA.length });
      const whole: IStatedHashes = {};
      await read(
        BUCKET,
        key,
        0,
        DATA.length,
        DATA.length,
        undefined,
        undefined,
        whole
      );
      assert.equal(whole.md5, createHash('md5').update(DATA).digest('hex'));
      const part: IStatedHashes = {};
      await read(BUCKET, key, 0, 100, DATA.length, undefined, undefined, part);
      assert.equal(part.md5, undefined);
    });

    test('an empty object reads as no bytes; a missing one is not found', async () => {
      await backend.put(BUCKET, `${RUN}empty`, Buffer.alloc(0), { size: 0 });
      const empty = await read(BUCKET, `${RUN}empty`, 0, 0, 0);
      assert.equal(empty.length, 0);
      await assert.rejects(read(BUCKET, `${RUN}missing`, 0, 10, 10), {
        code: 'not_found'
      });
    });

    test('an object whose size changed since it was listed is refused', async () => {
      const key = `${RUN}changed.bin`;
      await backend.put(BUCKET, key, DATA, { size: DATA.length });
      await assert.rejects(
        read(BUCKET, key, 0, 100, DATA.length + 5),
        (error: Error & { code?: string }) =>
          error.code === 'provider_error' && /changed/.test(error.message)
      );
    });

    test('a cancel stops the read', async () => {
      const key = `${RUN}cancel.bin`;
      await backend.put(BUCKET, key, DATA, { size: DATA.length });
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(
        read(
          BUCKET,
          key,
          0,
          DATA.length,
          DATA.length,
          undefined,
          controller.signal
        ),
        { code: 'invalid_request', message: /cancelled/ }
      );
    });

    test('a store that sends bodies chunked is read by the general client', async () => {
      const key = `${RUN}chunked.bin`;
      await backend.put(BUCKET, key, DATA, { size: DATA.length });
      const proxy = await chunkingProxy(config.endpoint!);
      try {
        const chunked = store.make({ ...config, endpoint: proxy.url });
        for (let i = 0; i < 2; i++) {
          const got = await chunked.readBuffer!(
            BUCKET,
            key,
            10,
            1000,
            DATA.length
          );
          assert.ok(got.equals(DATA.subarray(10, 1010)), `read ${i + 1}`);
        }
      } finally {
        await proxy.close();
      }
    });
  });
}
