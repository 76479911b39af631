// The fast CRC32C gives the library's values, for every length and offset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CRC32C } from '@google-cloud/storage';
import { crc32cUpdate, FastCrc32c } from './crc32c.js';

test('the fast CRC32C equals the library one', () => {
  assert.equal(crc32cUpdate(0, Buffer.from('123456789')), 0xe3069283);
  const data = randomBytes(4099);
  for (const [start, end] of [
    [0, 0],
    [0, 1],
    [3, 10],
    [1, 4099],
    [0, 4099]
  ]) {
    const slice = data.subarray(start, end);
    const theirs = new CRC32C();
    theirs.update(slice);
    const ours = new FastCrc32c();
    // Fed in uneven pieces: the value carries over.
    ours.update(slice.subarray(0, 5));
    ours.update(slice.subarray(5));
    assert.equal(ours.toString(), theirs.toString(), `bytes ${start}-${end}`);
    assert.ok(ours.validate(theirs.toString()));
    assert.ok(ours.validate(theirs.toBuffer()));
    assert.ok(!ours.validate(slice.length ? 'AAAAAA==' : 'AAAAAQ=='));
  }
});
