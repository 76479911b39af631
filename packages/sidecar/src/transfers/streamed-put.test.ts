// A file between the single-put and streamed-put limits whose source states
// its MD5 goes into S3 (SeaweedFS) as one request streamed from the source,
// checked by the store against that MD5: no part, no buffer, no hash of
// ours. Damaged bytes are refused and nothing is stored; without a stated
// MD5 the file goes in parts, each with its own Content-MD5.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { S3Backend, s3ClientConfig } from '../backends/s3/backend.js';
import type { IObjectInfo } from '../backends/types.js';
import type { IEndpoint } from '../locations/resolver.js';
import { remoteStore } from '../remotes/discover.js';
import { harness } from '../testing/harness.js';
import { removePrefix, readBytes } from '../testing/objects.js';
import { servingSource } from '../testing/serving-source.js';
import { ByteBudget } from './budget.js';
import { copyFile, type ICopyContext } from './copy.js';
import { retryPolicies } from './retry.js';

harness();
const MiB = 1024 * 1024;
const BUCKET = 'scratch';
const RUN = `streamed-put-test/${randomBytes(4).toString('hex')}/`;

const md5 = (data: Buffer): string =>
  createHash('md5').update(data).digest('hex');

describe('streamed puts into S3', () => {
  const remote = remoteStore(process.env).get('demo-s3');
  assert.ok(remote, 'the harness has the remote demo-s3');
  const s3 = new S3Backend(remote, new S3Client(s3ClientConfig(remote)));
  const dst: IEndpoint = {
    backend: s3,
    bucket: BUCKET,
    path: '',
    identity: 's3',
    label: 'demo-s3:scratch',
    local: false,
    remote: 'test'
  };
  const budget = new ByteBudget(16 * MiB);
  let leased = 0;
  const lease = budget.lease.bind(budget);
  budget.lease = async (bytes: number) => {
    leased += bytes;
    return lease(bytes);
  };

  function context(): ICopyContext {
    return {
      signal: new AbortController().signal,
      partsInFlight: 2,
      partSize: 5 * MiB,
      singlePutLimit: 1 * MiB,
      streamedPutLimit: 64 * MiB,
      retry: retryPolicies({ attempts: 1, baseMs: 1, maxMs: 1 }),
      budget,
      onBytes: () => undefined,
      onStreamed: () => undefined,
      onServerSide: () => undefined
    };
  }

  function copy(
    name: string,
    served: Buffer,
    stated: { size: number; md5?: string }
  ): Promise<IObjectInfo> {
    const src: IEndpoint = {
      backend: servingSource(served),
      bucket: 'b',
      path: '',
      identity: 'fake',
      label: 'fake:b',
      local: false,
      remote: 'test'
    };
    return copyFile(
      {
        path: name,
        srcKey: name,
        dstKey: `${RUN}${name}`,
        size: stated.size,
        source: { key: name, ...stated }
      },
      src,
      dst,
      context()
    );
  }

  async function stored(name: string): Promise<Buffer> {
    return readBytes(await s3.read(BUCKET, `${RUN}${name}`));
  }

  after(() => removePrefix(s3, BUCKET, RUN));

  test('with a stated MD5: one request, no buffer, the store holds the bytes', async () => {
    const data = randomBytes(11 * MiB + 7);
    leased = 0;
    const result = await copy('one.bin', data, {
      size: data.length,
      md5: md5(data)
    });
    // A single-part object's ETag is its MD5; a multipart one's ends in -N.
    assert.equal(result.etag, md5(data));
    assert.equal(leased, 0);
    assert.ok((await stored('one.bin')).equals(data));
  });

  test('bytes that differ from the stated MD5 are refused; nothing is stored', async () => {
    const stated = randomBytes(3 * MiB);
    const served = Buffer.from(stated);
    served[12345] ^= 0xff;
    await assert.rejects(
      copy('damaged.bin', served, { size: stated.length, md5: md5(stated) })
    );
    await assert.rejects(s3.stat(BUCKET, `${RUN}damaged.bin`), {
      code: 'not_found'
    });
  });

  test('without a stated MD5 the file goes in parts', async () => {
    const data = randomBytes(6 * MiB);
    const result = await copy('parts.bin', data, { size: data.length });
    assert.match(result.etag ?? '', /-2$/);
    assert.ok((await stored('parts.bin')).equals(data));
  });
});
