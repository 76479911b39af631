// A part written as its bytes arrive: the bytes land at the part's offset
// whatever the pieces, the sink says when it has no room and wakes its
// reader when it has, and a failed write fails the part instead of being
// lost; all of it with writes on the event loop (a disk that takes them at
// once) and off it (one that pushes back).
import { after, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ApiError } from '../../api-error.js';
import { tempDir } from '../../testing/tempdir.js';
import { readAllTo } from '../read-all.js';
import { slotWrites } from './on-loop.js';
import { PartSink } from './part-sink.js';

const wrap = (error: unknown) =>
  new ApiError('provider_error', `write failed: ${String(error)}`);

/** Gives `data` to the sink in pieces of up to `piece` bytes, waiting for room. */
async function pour(sink: PartSink, data: Buffer, piece: number) {
  let waits = 0;
  for (let at = 0; at < data.length;) {
    let room = sink.room();
    while (!room) {
      waits += 1;
      await new Promise<void>(resolve => sink.onRoom(resolve));
      room = sink.room();
    }
    const count = Math.min(room.length, piece, data.length - at);
    data.copy(room, 0, at, at + count);
    sink.filled(count);
    at += count;
  }
  return waits;
}

const MODES = [
  { name: 'on the event loop', offLoop: false },
  { name: 'in the thread pool (a disk that pushes back)', offLoop: true }
];

for (const mode of MODES) {
  describe(`a part sink on the disk, writes ${mode.name}`, () => {
    beforeEach(() =>
      mode.offLoop ? slotWrites.pushBack() : slotWrites.reset()
    );
    after(() => slotWrites.reset());

    test('parts land at their offsets, whatever the pieces; a full sink waits', async () => {
      const dir = tempDir();
      const path = join(dir.path, 'file.bin');
      const handle = await open(path, 'w+');
      try {
        const data = randomBytes(5 * 1024 * 1024 + 123);
        const half = 3 * 1024 * 1024;
        const second = new PartSink(handle, half, data.length - half, wrap);
        const first = new PartSink(handle, 0, half, wrap);
        // 5 MiB through four 256 KiB slots in one go: it must wait for writes.
        const waits = await pour(second, data.subarray(half), 1_000_003);
        await pour(first, data.subarray(0, half), 4_099);
        await Promise.all([first.done(), second.done()]);
        if (mode.offLoop) {
          assert.ok(waits > 0, 'the sink ran out of room and woke its reader');
        } else {
          assert.equal(waits, 0, 'each slot was written at once');
        }
        assert.ok(readFileSync(path).equals(data), 'the same bytes');
      } finally {
        await handle.close();
        dir.remove();
      }
    });

    test('a stream is poured in whole; a short one fails', async () => {
      const dir = tempDir();
      const handle = await open(join(dir.path, 'file.bin'), 'w+');
      try {
        const data = randomBytes(1_500_000);
        const sink = new PartSink(handle, 0, data.length, wrap);
        await readAllTo(
          Readable.from([data.subarray(0, 7), data.subarray(7)]),
          sink
        );
        await sink.done();
        assert.ok(readFileSync(join(dir.path, 'file.bin')).equals(data));
        const short = new PartSink(handle, 0, 100, wrap);
        await assert.rejects(
          readAllTo(Readable.from([Buffer.alloc(60)]), short),
          /60 of 100 bytes/
        );
        await short.abort();
      } finally {
        await handle.close();
        dir.remove();
      }
    });

    test('a failed write fails the part', async () => {
      const dir = tempDir();
      const handle = await open(join(dir.path, 'file.bin'), 'w+');
      await handle.close(); // every write now fails (EBADF)
      try {
        const sink = new PartSink(handle, 0, 2 * 1024 * 1024, wrap);
        await assert.rejects(
          pour(sink, randomBytes(2 * 1024 * 1024), 65_536),
          /write failed/
        );
        await assert.rejects(sink.done(), /write failed/);
      } finally {
        dir.remove();
      }
    });
  });
}
