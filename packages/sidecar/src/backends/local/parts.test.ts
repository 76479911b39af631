// The disk's fast paths of the transfer engine: a byte range read straight
// into a buffer (a small file whole, on the event loop), and parts written
// straight from a stream at their offsets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LOCAL_BUCKET } from '@jupyter-buckets/core';
import { ApiError } from '../../api-error.js';
import { LocalBackend } from './backend.js';
import { smallReads } from './on-loop.js';

function pieces(data: Buffer, size: number): Readable {
  const list: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) {
    list.push(data.subarray(at, at + size));
  }
  return Readable.from(list);
}

test('readBuffer reads a range, and refuses a file whose size changed', async () => {
  const root = mkdtempSync(join(tmpdir(), 'jb-local-parts-'));
  try {
    const data = randomBytes(100_000);
    writeFileSync(join(root, 'a.bin'), data);
    const disk = new LocalBackend(root);
    const part = await disk.readBuffer(
      LOCAL_BUCKET,
      'a.bin',
      70_000,
      30_000,
      100_000
    );
    assert.deepEqual(part, data.subarray(70_000));
    assert.equal(
      (await disk.readBuffer(LOCAL_BUCKET, 'a.bin', 0, 0, 100_000)).length,
      0
    );
    await assert.rejects(
      disk.readBuffer(LOCAL_BUCKET, 'a.bin', 0, 10, 99_999),
      (error: unknown) =>
        error instanceof ApiError &&
        /changed during the copy/.test(error.message)
    );
    await assert.rejects(
      disk.readBuffer(LOCAL_BUCKET, 'gone.bin', 0, 10, 10),
      (error: unknown) =>
        error instanceof ApiError && error.code === 'not_found'
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a small file read whole: the same bytes and refusals on the loop and in the pool', async () => {
  const root = mkdtempSync(join(tmpdir(), 'jb-local-parts-'));
  try {
    const data = randomBytes(16 * 1024);
    writeFileSync(join(root, 'small.bin'), data);
    const disk = new LocalBackend(root);
    for (const where of ['loop', 'pool']) {
      if (where === 'pool') {
        smallReads.pushBack();
      }
      const into = Buffer.alloc(data.length);
      const read = await disk.readBuffer(
        LOCAL_BUCKET,
        'small.bin',
        0,
        data.length,
        data.length,
        into
      );
      assert.ok(
        read === into && read.equals(data),
        `${where}: the bytes, in place`
      );
      await assert.rejects(
        disk.readBuffer(LOCAL_BUCKET, 'small.bin', 0, 10, 10),
        (error: unknown) =>
          error instanceof ApiError &&
          /changed during the copy/.test(error.message),
        `${where}: a file of another size than listed`
      );
      await assert.rejects(
        disk.readBuffer(LOCAL_BUCKET, 'gone.bin', 0, 10, 10),
        (error: unknown) =>
          error instanceof ApiError && error.code === 'not_found',
        `${where}: a missing file`
      );
    }
  } finally {
    smallReads.reset();
    rmSync(root, { recursive: true, force: true });
  }
});

test('writePartFrom writes streamed parts at their offsets, in any order', async () => {
  const root = mkdtempSync(join(tmpdir(), 'jb-local-parts-'));
  try {
    const partSize = 3 * 1024 * 1024 + 5; // several write batches per part
    const data = randomBytes(2 * partSize + 1000);
    const disk = new LocalBackend(root);
    const writer = await disk.writer(LOCAL_BUCKET, 'out/b.bin', {
      size: data.length,
      partSize
    });
    const part = (n: number): Buffer =>
      data.subarray((n - 1) * partSize, Math.min(data.length, n * partSize));
    await writer.writePartFrom!(3, pieces(part(3), 333), part(3).length);
    // Pieces that straddle write batches.
    await writer.writePartFrom!(1, pieces(part(1), 100_003), partSize);
    // Too many bytes, then too few: both refused; the part is written again.
    await assert.rejects(
      writer.writePartFrom!(
        2,
        pieces(data.subarray(partSize, 3 * partSize), 65_536),
        partSize
      ),
      /more than/
    );
    await assert.rejects(
      writer.writePartFrom!(2, pieces(part(2).subarray(1), 65_536), partSize),
      /sent 3145732 of 3145733 bytes/
    );
    await writer.writePartFrom!(2, pieces(part(2), 16_384), partSize);
    const info = await writer.complete();
    assert.equal(info.size, data.length);
    assert.deepEqual(readFileSync(join(root, 'out/b.bin')), data);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
