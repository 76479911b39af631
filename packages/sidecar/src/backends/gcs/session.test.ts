// Chunked writes into fake-gcs-server through our own resumable sessions:
// parts in order (buffers and streams), the object visible only once the
// last part is in, nothing left by a failed or aborted upload, and the MD5
// GCS computed checked against the bytes sent.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { remoteStore } from '../../remotes/discover.js';
import { harness } from '../../testing/harness.js';
import { removePrefix } from '../../testing/objects.js';
import { createStorage, GcsBackend } from './backend.js';

harness();
const KiB = 1024;
const BUCKET = 'leap-scratch';
const RUN = `session-test/${randomBytes(4).toString('hex')}/`;

function backend(): GcsBackend {
  const remote = remoteStore(process.env).get('demo-gcs');
  assert.ok(remote, 'the harness has the remote demo-gcs');
  return new GcsBackend(remote, createStorage(remote));
}

async function content(gcs: GcsBackend, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await gcs.read(BUCKET, key)) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const md5 = (data: Buffer): string =>
  createHash('md5').update(data).digest('hex');

describe('gcs upload sessions', () => {
  const gcs = backend();

  after(() => removePrefix(gcs, BUCKET, RUN));

  test('parts from buffers and streams make the object, which appears only at the last', async () => {
    const data = randomBytes(600 * KiB + 3);
    const key = `${RUN}parts.bin`;
    const writer = await gcs.writer(BUCKET, key, {
      size: data.length,
      partSize: 256 * KiB,
      contentType: 'application/x-test'
    });
    assert.equal(writer.partSize, 256 * KiB);
    assert.ok(writer.writePartFrom, 'a session takes parts as streams');
    await writer.writePart(1, data.subarray(0, 256 * KiB));
    await writer.writePartFrom(
      2,
      Readable.from([
        data.subarray(256 * KiB, 300 * KiB),
        data.subarray(300 * KiB, 512 * KiB)
      ]),
      256 * KiB
    );
    await assert.rejects(gcs.stat(BUCKET, key), { code: 'not_found' });
    await writer.writePart(3, data.subarray(512 * KiB));
    const info = await writer.complete();
    assert.equal(info.size, data.length);
    assert.equal(info.md5, md5(data));
    assert.ok((await content(gcs, key)).equals(data));
    assert.equal(
      (await gcs.stat(BUCKET, key)).contentType,
      'application/x-test'
    );
  });

  test('an empty object is one empty request', async () => {
    const key = `${RUN}empty.bin`;
    const writer = await gcs.writer(BUCKET, key, { size: 0 });
    const info = await writer.complete();
    assert.equal(info.size, 0);
    assert.equal((await gcs.stat(BUCKET, key)).size, 0);
  });

  test('a stream shorter than its part fails the upload; abort leaves nothing', async () => {
    const key = `${RUN}short.bin`;
    const writer = await gcs.writer(BUCKET, key, {
      size: 512 * KiB,
      partSize: 256 * KiB
    });
    await assert.rejects(
      writer.writePartFrom!(
        1,
        Readable.from([randomBytes(100 * KiB)]),
        256 * KiB
      )
    );
    await assert.rejects(
      writer.writePart(1, randomBytes(256 * KiB)),
      /already ended/,
      'a session in an unknown state takes nothing more'
    );
    await writer.abort();
    await assert.rejects(gcs.stat(BUCKET, key), { code: 'not_found' });
  });

  test('a part that comes early waits for its turn', async () => {
    const data = randomBytes(700 * KiB);
    const key = `${RUN}early.bin`;
    const writer = await gcs.writer(BUCKET, key, {
      size: data.length,
      partSize: 256 * KiB
    });
    const third = writer.writePart(3, data.subarray(512 * KiB));
    const second = writer.writePart(2, data.subarray(256 * KiB, 512 * KiB));
    await writer.writePart(1, data.subarray(0, 256 * KiB));
    await Promise.all([second, third]);
    const info = await writer.complete();
    assert.equal(info.md5, md5(data));
    assert.ok((await content(gcs, key)).equals(data));
  });

  test('parts written twice or of the wrong size are refused', async () => {
    const key = `${RUN}order.bin`;
    const writer = await gcs.writer(BUCKET, key, {
      size: 512 * KiB,
      partSize: 256 * KiB
    });
    await writer.writePart(1, randomBytes(256 * KiB));
    await assert.rejects(writer.writePart(1, randomBytes(256 * KiB)), {
      code: 'invalid_request'
    });
    await assert.rejects(writer.writePart(2, randomBytes(100)), {
      code: 'invalid_request'
    });
    await writer.abort();
    await assert.rejects(writer.complete(), { code: 'invalid_request' });
    await assert.rejects(gcs.stat(BUCKET, key), { code: 'not_found' });
  });

  test("with the source's MD5 stated, the object GCS reports has it", async () => {
    // The session declares the source's MD5 (GCS refuses other bytes); the
    // copy's verification then compares it with what GCS reports.
    const data = randomBytes(300 * KiB);
    const key = `${RUN}stated.bin`;
    const writer = await gcs.writer(BUCKET, key, {
      size: data.length,
      partSize: 256 * KiB,
      sourceMd5: md5(data)
    });
    await writer.writePart(1, data.subarray(0, 256 * KiB));
    await writer.writePart(2, data.subarray(256 * KiB));
    const info = await writer.complete();
    assert.equal(info.md5, md5(data));
  });

  test('bytes that do not match the stated source MD5 are refused; nothing is stored', async () => {
    const key = `${RUN}wrong-md5.bin`;
    const data = randomBytes(1000);
    const writer = await gcs.writer(BUCKET, key, {
      size: data.length,
      partSize: 256 * KiB,
      sourceMd5: md5(Buffer.from('other bytes'))
    });
    await assert.rejects(writer.writePart(1, data), /MD5/);
    await assert.rejects(gcs.stat(BUCKET, key), { code: 'not_found' });
  });

  test('ranged reads go straight to the object; a missing one is not_found', async () => {
    const data = randomBytes(300 * KiB);
    const key = `${RUN}ranged.bin`;
    await gcs.put(BUCKET, key, data, { size: data.length });
    const chunks: Buffer[] = [];
    for await (const chunk of await gcs.read(BUCKET, key, {
      start: 1000,
      end: 200 * KiB
    })) {
      chunks.push(chunk as Buffer);
    }
    assert.ok(Buffer.concat(chunks).equals(data.subarray(1000, 200 * KiB + 1)));
    await assert.rejects(
      gcs.read(BUCKET, `${RUN}missing.bin`, { start: 0, end: 9 }),
      { code: 'not_found' }
    );
  });

  test('a whole object in one request declares its MD5: stored as sent, or refused whole', async () => {
    const data = randomBytes(40 * KiB);
    const key = `${RUN}whole.bin`;
    const info = await gcs.put(BUCKET, key, data, {
      size: data.length,
      contentType: 'text/x-test',
      skipStat: true
    });
    assert.equal(info.md5, md5(data));
    assert.ok((await content(gcs, key)).equals(data));
    assert.equal((await gcs.stat(BUCKET, key)).contentType, 'text/x-test');
    // A source MD5 the bytes do not have: GCS refuses, nothing is stored.
    const other = `${RUN}whole-mismatch.bin`;
    await assert.rejects(
      gcs.put(BUCKET, other, data, {
        size: data.length,
        sourceMd5: md5(Buffer.from('not these bytes'))
      }),
      /MD5/
    );
    await assert.rejects(gcs.stat(BUCKET, other), { code: 'not_found' });
  });
});
