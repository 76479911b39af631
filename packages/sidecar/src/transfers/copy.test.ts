// copyFile's own checks, with the disk as the destination and a source
// backend of our making: a whole small file read for the disk is checked
// against the MD5 its source states, and a mismatch writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_BUCKET } from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { LocalBackend } from '../backends/local/backend.js';
import type { IObjectInfo } from '../backends/types.js';
import type { IEndpoint } from '../locations/resolver.js';
import { servingSource as source } from '../testing/serving-source.js';
import { tempDir } from '../testing/tempdir.js';
import { ByteBudget } from './budget.js';
import { copyFile, type ICopyContext } from './copy.js';
import { retryPolicies } from './retry.js';

const md5 = (data: Buffer): string =>
  createHash('md5').update(data).digest('hex');

function context(): ICopyContext {
  return {
    signal: new AbortController().signal,
    partsInFlight: 2,
    partSize: 8 * 1024 * 1024,
    singlePutLimit: 8 * 1024 * 1024,
    retry: retryPolicies({ attempts: 1, baseMs: 1, maxMs: 1 }),
    budget: new ByteBudget(16 * 1024 * 1024),
    onBytes: () => undefined,
    onStreamed: () => undefined,
    onServerSide: () => undefined
  };
}

/** Where the MD5 of the source comes from: its listing, or the answer to the read (none listed). */
type StatedBy = 'listing' | 'answer';

async function copyInto(
  root: string,
  served: Buffer,
  stated: Buffer,
  by: StatedBy = 'listing'
): Promise<IObjectInfo> {
  return copyTo(
    {
      backend: new LocalBackend(root),
      bucket: LOCAL_BUCKET,
      path: '',
      identity: 'local',
      label: root,
      local: true,
      remote: 'local'
    },
    served,
    stated,
    by
  );
}

async function copyTo(
  dst: IEndpoint,
  served: Buffer,
  stated: Buffer,
  by: StatedBy
): Promise<IObjectInfo> {
  const info: IObjectInfo = { key: 'a.bin', size: stated.length };
  if (by === 'listing') {
    info.md5 = md5(stated);
  }
  const src: IEndpoint = {
    backend: source(served, by === 'answer' ? md5(stated) : undefined),
    bucket: 'b',
    path: '',
    identity: 'fake',
    label: 'fake:b',
    local: false,
    remote: 'test'
  };
  return copyFile(
    {
      path: 'a.bin',
      srcKey: 'a.bin',
      dstKey: 'a.bin',
      size: stated.length,
      source: info
    },
    src,
    dst,
    context()
  );
}

test('a small file for the disk whose bytes match its stated MD5 is written', async () => {
  const dir = tempDir();
  try {
    const data = randomBytes(64 * 1024);
    const result = await copyInto(dir.path, data, data);
    assert.equal(result.size, data.length);
    assert.ok(readFileSync(join(dir.path, 'a.bin')).equals(data));
  } finally {
    dir.remove();
  }
});

test('a small file for the disk whose bytes differ from its stated MD5 is refused; nothing is written', async () => {
  const dir = tempDir();
  try {
    const stated = randomBytes(64 * 1024);
    const served = Buffer.from(stated);
    served[100] ^= 0xff; // same size, other bytes
    await assert.rejects(copyInto(dir.path, served, stated), {
      code: 'provider_error',
      message: /do not match its source's MD5/
    });
    assert.equal(existsSync(join(dir.path, 'a.bin')), false);
  } finally {
    dir.remove();
  }
});

test('a small file whose read states its MD5 (an S3 ETag, GCS x-goog-hash) is checked against it for the disk', async () => {
  const dir = tempDir();
  try {
    const data = randomBytes(64 * 1024);
    const result = await copyInto(dir.path, data, data, 'answer');
    assert.equal(result.size, data.length);
    assert.ok(readFileSync(join(dir.path, 'a.bin')).equals(data));
    const served = Buffer.from(data);
    served[7] ^= 0xff;
    await assert.rejects(copyInto(dir.path, served, data, 'answer'), {
      code: 'provider_error',
      message: /do not match its source's MD5/
    });
  } finally {
    dir.remove();
  }
});

test('a small file for a store goes with the MD5 its read stated, for the store to check, and the copy is verified against it', async () => {
  const data = randomBytes(64 * 1024);
  const puts: (string | undefined)[] = [];
  /** A store that checks what it is sent against the declared MD5, as S3 and GCS do. */
  const store = (answer: (body: Buffer) => string): IEndpoint => ({
    backend: {
      ...source(Buffer.alloc(0)),
      put: async (_bucket, key, body, options) => {
        puts.push(options.sourceMd5);
        const got = md5(body as Buffer);
        if (options.sourceMd5 && options.sourceMd5 !== got) {
          throw new ApiError('provider_error', 'BadDigest');
        }
        return {
          key,
          size: (body as Buffer).length,
          md5: answer(body as Buffer)
        };
      }
    },
    bucket: 'dst',
    path: '',
    identity: 'other',
    label: 'other:dst',
    local: false,
    remote: 'other'
  });
  const result = await copyTo(store(md5), data, data, 'answer');
  assert.deepEqual(puts, [md5(data)], 'declared with the put');
  assert.equal(result.md5, md5(data));
  // Bytes damaged on the way in: the store refuses them.
  const served = Buffer.from(data);
  served[7] ^= 0xff;
  await assert.rejects(copyTo(store(md5), served, data, 'answer'), {
    message: /BadDigest/
  });
  // A store that kept other bytes than it was sent: the copy is not verified.
  await assert.rejects(
    copyTo(
      store(() => md5(Buffer.from('other'))),
      data,
      data,
      'answer'
    ),
    { code: 'provider_error', message: /does not match its source/ }
  );
});
