// GET and PUT of one object without the SDK's stack (wire.ts), against
// SeaweedFS: odd keys land under exactly their names and read back byte for
// byte (the SDK, which addresses them its own way, agrees), ranges, and a
// store's refusals in the user's words.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { remoteStore } from '../../remotes/discover.js';
import { harness } from '../../testing/harness.js';
import { removePrefix, readBytes } from '../../testing/objects.js';
import type { IBackendConfig } from '../config.js';
import { S3Backend, s3ClientConfig } from './backend.js';
import { encodeKey } from './wire.js';

harness();
const BUCKET = 'scratch';
const RUN = `wire-test/${randomBytes(4).toString('hex')}/`;

function demo(): IBackendConfig {
  const remote = remoteStore(process.env).get('demo-s3');
  assert.ok(remote, 'the harness has the remote demo-s3');
  return remote;
}

describe('s3 wire', () => {
  const remote = demo();
  const client = new S3Client(s3ClientConfig(remote));
  const backend = new S3Backend(remote, client);

  after(() => removePrefix(backend, BUCKET, RUN));

  test('keys are encoded as the SDK encodes them', () => {
    assert.equal(encodeKey('a b/c+d'), 'a%20b/c%2Bd');
    assert.equal(encodeKey("!'()*"), '%21%27%28%29%2A');
    assert.equal(encodeKey('x/../y'), 'x/../y');
  });

  const keys = [
    'plain.bin',
    'a b/c+d%e#f?g&h=i.bin',
    'ünï/cødé ☃.txt',
    "!'()*~.bin",
    'trailing space ',
    'semi;colon,comma$dollar@at.bin'
  ];
  for (const name of keys) {
    test(`the key ${JSON.stringify(name)} is stored and read under exactly its name`, async () => {
      const key = `${RUN}${name}`;
      const data = randomBytes(1000 + name.length);
      const info = await backend.put(BUCKET, key, data, {
        size: data.length,
        skipStat: true
      });
      assert.equal(info.size, data.length);
      const listed = await backend.list(BUCKET, {
        prefix: RUN,
        recursive: true,
        limit: 1000
      });
      assert.ok(
        listed.objects.some(o => o.key === key && o.size === data.length),
        `listed: ${listed.objects.map(o => o.key).join(' | ')}`
      );
      assert.ok(
        (await readBytes(await backend.read(BUCKET, key))).equals(data)
      );
      const sdk = await client.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: key })
      );
      assert.ok((await readBytes(sdk.Body as Readable)).equals(data));
    });
  }

  test('ranges: a middle, and from an offset to the end', async () => {
    const key = `${RUN}range.bin`;
    const data = randomBytes(10_000);
    await backend.put(BUCKET, key, data, { size: data.length });
    const middle = await backend.read(BUCKET, key, { start: 100, end: 199 });
    assert.ok((await readBytes(middle)).equals(data.subarray(100, 200)));
    const tail = await backend.read(BUCKET, key, { start: 9_990 });
    assert.ok((await readBytes(tail)).equals(data.subarray(9_990)));
  });

  test('a put answers what the store checked: size, ETag, MD5', async () => {
    const data = randomBytes(5000);
    const info = await backend.put(BUCKET, `${RUN}answer.bin`, data, {
      size: data.length,
      skipStat: true
    });
    const stat = await backend.stat(BUCKET, `${RUN}answer.bin`);
    assert.equal(info.etag, stat.etag);
    assert.equal(info.md5, stat.md5);
    assert.ok(info.md5, 'a single-part ETag is the MD5');
  });

  test('a missing object, a missing bucket, and wrong keys read as such', async () => {
    await assert.rejects(backend.read(BUCKET, `${RUN}missing.bin`), {
      code: 'not_found'
    });
    await assert.rejects(backend.read('no-such-bucket-jb', 'x'), {
      code: 'bucket_not_found'
    });
    const wrong: IBackendConfig = {
      ...remote,
      s3: { ...remote.s3, secretAccessKey: 'wrong-secret-for-the-test' }
    };
    const refused = new S3Backend(wrong, new S3Client(s3ClientConfig(wrong)));
    await assert.rejects(refused.read(BUCKET, `${RUN}plain.bin`), {
      code: 'invalid_credentials'
    });
    await assert.rejects(
      refused.put(BUCKET, `${RUN}refused.bin`, Buffer.from('x'), { size: 1 }),
      { code: 'invalid_credentials' }
    );
  });

  test('an invalid bucket name is refused before any request', async () => {
    await assert.rejects(backend.read('bad/bucket', 'x'), {
      code: 'invalid_request'
    });
  });
});

// SeaweedFS refuses keys with '.', '..' or empty segments (AWS stores them),
// so what matters is checked on the wire: the path goes out as the SDK sends
// it, never resolved (a resolved `a/../b` would read or overwrite `b`).
test('keys with dot and empty segments go out unresolved, as the SDK sends them', async () => {
  const paths: string[] = [];
  const server = createServer((request, response) => {
    paths.push(request.url ?? '');
    response.end('ok');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const remote: IBackendConfig = {
      name: 'local-echo',
      provider: 's3',
      anonymous: false,
      endpoint: `http://127.0.0.1:${port}`,
      s3: { accessKeyId: 'id-for-the-test', secretAccessKey: 'not-a-secret' }
    };
    const client = new S3Client(s3ClientConfig(remote));
    const backend = new S3Backend(remote, client);
    for (const key of [
      'x/../y.bin',
      './dot/./z.bin',
      'double//slash.bin',
      '../up'
    ]) {
      paths.length = 0;
      assert.equal(
        (await readBytes(await backend.read('bucket', key))).toString(),
        'ok'
      );
      const sdk = await client.send(
        new GetObjectCommand({ Bucket: 'bucket', Key: key })
      );
      await readBytes(sdk.Body as Readable);
      assert.equal(paths.length, 2);
      assert.equal(paths[0], `/bucket/${key}`);
      assert.equal(paths[0], paths[1].replace(/\?.*$/, ''));
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
