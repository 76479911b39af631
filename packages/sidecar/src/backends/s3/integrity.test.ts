// The S3 data path's integrity against SeaweedFS: bodies go with Content-MD5
// and an unsigned payload (no second hash of every byte), so the server's
// MD5 check is what stands between a corrupted body and a stored object.
// These tests corrupt a body after it was signed and expect a refusal.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { Agent } from 'undici';
import { remoteStore } from '../../remotes/discover.js';
import { harness } from '../../testing/harness.js';
import { removePrefix, readBytes } from '../../testing/objects.js';
import { S3Backend, s3ClientConfig } from './backend.js';

harness();
const MiB = 1024 * 1024;
const BUCKET = 'scratch';
const RUN = `integrity-test/${randomBytes(4).toString('hex')}/`;

interface ISeen {
  payload?: string;
}

/** A body with one byte flipped, when `corrupt` is on. */
function flipped<T>(body: T, corrupt: { on: boolean }): T {
  if (corrupt.on && Buffer.isBuffer(body) && body.length) {
    const copy = Buffer.from(body);
    copy[copy.length >> 1] ^= 0xff;
    return copy as T;
  }
  return body;
}

/**
 * A backend whose requests are recorded (the payload hash header) and, when
 * `corrupt` is set, have one byte of their body flipped after signing: what
 * a faulty network or proxy would do. Both paths are covered: the SDK's
 * (multipart parts) and the wire's (whole objects).
 */
function backendWith(seen: ISeen, corrupt: { on: boolean }): S3Backend {
  const remote = remoteStore(process.env).get('demo-s3');
  assert.ok(remote, 'the harness has the remote demo-s3');
  const client = new S3Client(s3ClientConfig(remote));
  const wire = new Agent().compose(dispatch => (options, handler) => {
    const headers = options.headers as Record<string, string> | undefined;
    if (Buffer.isBuffer(options.body)) {
      seen.payload = headers?.['x-amz-content-sha256'];
    }
    return dispatch(
      { ...options, body: flipped(options.body, corrupt) },
      handler
    );
  });
  const backend = new S3Backend(remote, client, { dispatcher: wire });
  client.middlewareStack.add(
    next => async args => {
      const request = args.request as {
        headers: Record<string, string>;
        body?: unknown;
      };
      if (Buffer.isBuffer(request.body)) {
        seen.payload = request.headers['x-amz-content-sha256'];
        request.body = flipped(request.body, corrupt);
      }
      return next(args);
    },
    // After the SDK's signing ('finalizeRequest'), as late as the stack goes.
    { step: 'deserialize', priority: 'low', name: 'testCorruptBody' }
  );
  return backend;
}

describe('s3 integrity with unsigned payloads', () => {
  const seen: ISeen = {};
  const corrupt = { on: false };
  const backend = backendWith(seen, corrupt);

  after(() => removePrefix(backend, BUCKET, RUN));

  test('a put is sent unsigned with Content-MD5, and stored as sent', async () => {
    corrupt.on = false;
    seen.payload = undefined;
    const data = randomBytes(256 * 1024);
    const info = await backend.put(BUCKET, `${RUN}ok.bin`, data, {
      size: data.length,
      skipStat: true
    });
    assert.equal(seen.payload, 'UNSIGNED-PAYLOAD');
    assert.equal(info.size, data.length);
    const body = await backend.read(BUCKET, `${RUN}ok.bin`);
    assert.ok((await readBytes(body)).equals(data));
  });

  test('a put whose body changed after signing is refused; nothing is stored', async () => {
    corrupt.on = true;
    const data = randomBytes(64 * 1024);
    await assert.rejects(
      backend.put(BUCKET, `${RUN}bad.bin`, data, { size: data.length })
    );
    corrupt.on = false;
    await assert.rejects(backend.stat(BUCKET, `${RUN}bad.bin`), {
      code: 'not_found'
    });
  });

  test('a part whose body changed after signing is refused; the upload stores nothing', async () => {
    const writer = await backend.writer(BUCKET, `${RUN}parts.bin`, {
      size: 6 * MiB,
      partSize: 5 * MiB
    });
    seen.payload = undefined;
    corrupt.on = true;
    await assert.rejects(writer.writePart(1, randomBytes(5 * MiB)));
    corrupt.on = false;
    assert.equal(seen.payload, 'UNSIGNED-PAYLOAD');
    await writer.abort();
    await assert.rejects(backend.stat(BUCKET, `${RUN}parts.bin`), {
      code: 'not_found'
    });
  });
});
