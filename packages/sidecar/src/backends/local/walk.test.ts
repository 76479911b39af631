// The disk's walk (a transfer's listing, each folder read once) against its
// list() page by page: the same objects in the same order, in pages of the
// size asked for, a prefix that ends inside a name, nothing outside the root
// through a symlink. No servers needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_BUCKET } from '@jupyter-buckets/core';
import { tempDir } from '../../testing/tempdir.js';
import { LocalBackend } from './backend.js';

const B = LOCAL_BUCKET;

/** Names whose UTF-8 order differs from a plain string sort, and folders between files. */
const FILES = [
  'a-b.txt',
  'a/inner.txt',
  'a/deeper/x.bin',
  'a0.txt',
  'b.txt',
  'zarr/0.0',
  'zarr/0.1',
  'zarr/1.0',
  'zarr/10.0',
  'zarr/2.0',
  'ünï.txt',
  '\u{1F600}.txt',
  '\uFF5E.txt',
  'sub/.hidden'
];

async function listed(
  disk: LocalBackend,
  prefix: string,
  limit: number
): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await disk.list(B, { prefix, token, limit, recursive: true });
    keys.push(...page.objects.map(o => o.key));
    token = page.nextToken ?? undefined;
  } while (token);
  return keys;
}

async function walked(
  disk: LocalBackend,
  prefix: string,
  size: number
): Promise<string[][]> {
  const pages: string[][] = [];
  for await (const page of disk.walk(B, prefix, size)) {
    pages.push(page.map(o => o.key));
  }
  return pages;
}

test('walk gives what list() gives page by page, in the same order, in pages of the size asked for', async () => {
  const dir = tempDir();
  try {
    for (const file of FILES) {
      dir.write(join('root', file), file);
    }
    const outside = join(dir.path, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'SECRET');
    symlinkSync(outside, join(dir.path, 'root', 'escape'));
    const disk = new LocalBackend(join(dir.path, 'root'));
    for (const prefix of ['', 'a', 'a/', 'zarr/', 'zarr/1', 'none/']) {
      const all = await listed(disk, prefix, 1000);
      const pages = await walked(disk, prefix, 3);
      assert.deepEqual(pages.flat(), all, `walk of '${prefix}'`);
      assert.deepEqual(
        await listed(disk, prefix, 2),
        all,
        `list of '${prefix}' in small pages`
      );
      for (const page of pages.slice(0, -1)) {
        assert.equal(page.length, 3);
      }
    }
    const every = (await walked(disk, '', 1000)).flat();
    assert.equal(every.length, FILES.length);
    assert.ok(!every.some(key => key.startsWith('escape/')));
    // Keys in UTF-8 byte order, as S3 lists them.
    const bytes = every.map(key => Buffer.from(key));
    for (let i = 1; i < bytes.length; i++) {
      assert.ok(Buffer.compare(bytes[i - 1], bytes[i]) < 0, every[i]);
    }
  } finally {
    dir.remove();
  }
});
