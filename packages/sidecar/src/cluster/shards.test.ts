import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ICapabilities } from '../backends/types.js';
import type { IFileTask } from '../transfers/plan.js';
import {
  makeShards,
  objectFromJson,
  objectJson,
  partsOf,
  RANGE_BYTES,
  splits
} from './shards.js';

const MiB = 1024 * 1024;

function file(path: string, size: number): IFileTask {
  return {
    path,
    srcKey: `src/${path}`,
    dstKey: `dst/${path}`,
    size,
    source: { key: `src/${path}`, size, modified: new Date(0) }
  };
}

const s3: ICapabilities['multipartWrite'] = {
  minPartSize: 5 * MiB,
  maxPartSize: 5 * 1024 * MiB,
  maxParts: 10000,
  partSizeMultiple: 1,
  parallelParts: true
};
const caps = { multipartWrite: s3 } as ICapabilities;
const ordered = {
  multipartWrite: { ...s3, parallelParts: false }
} as ICapabilities;

describe('shards of a plan', () => {
  it('cuts a big file into ranges covering every part once', () => {
    const big = file('big.bin', 2048 * MiB + 123);
    assert.ok(splits(big, caps, false));
    const { partSize, parts } = partsOf(big, caps);
    const { shards, splitFiles } = makeShards({
      tasks: [big],
      src: 'a:b',
      dst: 'c:d',
      split: new Map([['big.bin', { token: 'up-1', partSize, parts }]]),
      before: new Map(),
      options: {}
    });
    assert.equal(splitFiles.length, 1);
    assert.equal(shards.length, Math.ceil(big.size / RANGE_BYTES));
    const covered: number[] = [];
    for (const shard of shards) {
      const range = shard.work.range!;
      assert.equal(range.token, 'up-1');
      for (let part = range.first; part <= range.last; part++) {
        covered.push(part);
      }
    }
    assert.deepEqual(
      covered,
      Array.from({ length: parts }, (_, i) => i + 1)
    );
    assert.equal(
      shards.reduce((sum, shard) => sum + shard.bytes, 0),
      big.size
    );
  });

  it('never splits a server-side copy, a small file or an ordered writer', () => {
    const big = file('big.bin', 1024 * MiB);
    assert.equal(splits(big, caps, true), false);
    assert.equal(splits(file('s', 10 * MiB), caps, false), false);
    assert.equal(splits(big, ordered, false), false);
  });

  it('groups whole files so that every worker has some, and carries what the destination held', () => {
    const tasks = Array.from({ length: 100 }, (_, i) =>
      file(`f${i}`, 10 * MiB)
    );
    const before = new Map([
      ['dst/f3', { key: 'dst/f3', size: 1, etag: 'e', modified: new Date(5) }]
    ]);
    const { shards } = makeShards({
      tasks,
      src: 'a:b',
      dst: 'c:d',
      split: new Map(),
      before,
      options: { transfers: 8 }
    });
    assert.ok(shards.length >= 8, `${shards.length} shards`);
    const paths = shards.flatMap(shard => shard.work.files!.map(f => f.path));
    assert.deepEqual(
      paths,
      tasks.map(t => t.path)
    );
    const f3 = shards
      .flatMap(shard => shard.work.files!)
      .find(f => f.path === 'f3')!;
    assert.deepEqual(f3.before, {
      size: 1,
      etag: 'e',
      modified: new Date(5).toISOString()
    });
    assert.equal(shards[0].work.options.transfers, 8);
  });

  it('sends dates as text and reads them back', () => {
    const info = { key: 'k', size: 3, modified: new Date(1234), md5: 'ab' };
    const json = JSON.parse(JSON.stringify(objectJson(info)));
    assert.deepEqual(objectFromJson(json), info);
  });
});
