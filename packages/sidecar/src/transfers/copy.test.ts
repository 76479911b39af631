// copyFile's own checks, with the disk as the destination and a source
// backend of our making: a whole small file read for the disk is checked
// against the MD5 its source states, and a mismatch writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_BUCKET } from '@jupyter-buckets/core';
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

async function copyInto(
  root: string,
  served: Buffer,
  stated: Buffer
): Promise<IObjectInfo> {
  const info: IObjectInfo = {
    key: 'a.bin',
    size: stated.length,
    md5: md5(stated)
  };
  const src: IEndpoint = {
    backend: source(served),
    bucket: 'b',
    path: '',
    identity: 'fake',
    label: 'fake:b',
    local: false,
    remote: 'test'
  };
  const dst: IEndpoint = {
    backend: new LocalBackend(root),
    bucket: LOCAL_BUCKET,
    path: '',
    identity: 'local',
    label: root,
    local: true,
    remote: 'local'
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
