// S3 ranges read straight into a buffer (http/get-into.ts), against
// SeaweedFS: the bytes of any key, the store's refusals in our words, an
// object that changed since it was listed, a cancel, and a store that
// answers in a way only the general client reads (through a proxy that
// re-sends every body chunked).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { remoteStore } from '../../remotes/discover.js';
import { harness } from '../../testing/harness.js';
import { removePrefix } from '../../testing/objects.js';
import { S3Backend, s3ClientConfig } from './backend.js';

harness();
const BUCKET = 'scratch';
const RUN = `read-buffer-test/${randomBytes(4).toString('hex')}/`;
const DATA = randomBytes(2 * 1024 * 1024 + 3);

function remote() {
  const found = remoteStore(process.env).get('demo-s3');
  assert.ok(found, 'the harness has the remote demo-s3');
  return found;
}

function backendAt(endpoint?: string): S3Backend {
  const config = endpoint ? { ...remote(), endpoint } : remote();
  return new S3Backend(config, new S3Client(s3ClientConfig(config)));
}

/** A proxy to SeaweedFS that drops Content-Length: bodies come chunked. */
async function chunkingProxy(): Promise<{ server: Server; url: string }> {
  const target = new URL(remote().endpoint!);
  const server = createServer((req, res) => {
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: req.headers
      },
      answer => {
        const headers = { ...answer.headers };
        delete headers['content-length'];
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      }
    );
    req.pipe(upstream);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, url: `http://127.0.0.1:${port}` };
}

describe('s3 ranges read into a buffer', () => {
  const backend = backendAt();

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
        const got = await backend.readBuffer(
          BUCKET,
          key,
          start,
          length,
          DATA.length,
          into
        );
        assert.equal(got, into, 'into the buffer given');
        assert.ok(
          got.equals(DATA.subarray(start, start + length)),
          `${name} [${start}, +${length})`
        );
      }
    }
  });

  test('an empty object reads as no bytes; a missing one is not found', async () => {
    await backend.put(BUCKET, `${RUN}empty`, Buffer.alloc(0), { size: 0 });
    const empty = await backend.readBuffer(BUCKET, `${RUN}empty`, 0, 0, 0);
    assert.equal(empty.length, 0);
    await assert.rejects(
      backend.readBuffer(BUCKET, `${RUN}missing`, 0, 10, 10),
      { code: 'not_found' }
    );
  });

  test('an object whose size changed since it was listed is refused', async () => {
    const key = `${RUN}changed.bin`;
    await backend.put(BUCKET, key, DATA, { size: DATA.length });
    await assert.rejects(
      backend.readBuffer(BUCKET, key, 0, 100, DATA.length + 5),
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
      backend.readBuffer(
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
    const proxy = await chunkingProxy();
    try {
      const chunked = backendAt(proxy.url);
      for (let i = 0; i < 2; i++) {
        const got = await chunked.readBuffer(
          BUCKET,
          key,
          10,
          1000,
          DATA.length
        );
        assert.ok(got.equals(DATA.subarray(10, 1010)), `read ${i + 1}`);
      }
    } finally {
      proxy.server.closeAllConnections();
      proxy.server.close();
    }
  });
});
