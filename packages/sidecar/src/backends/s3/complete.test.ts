// Completing a multipart upload when the store's answer is lost, against
// SeaweedFS: S3 has completed the upload, so asking again gets NoSuchUpload.
// The writer must then find the object its parts make (and only that one),
// instead of failing a copy that succeeded or accepting one that did not.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  S3Client
} from '@aws-sdk/client-s3';
import { remoteStore } from '../../remotes/discover.js';
import { harness } from '../../testing/harness.js';
import { removePrefix, readBytes } from '../../testing/objects.js';
import { withRetry } from '../../transfers/retry.js';
import { multipartEtag, S3Backend, s3ClientConfig } from './backend.js';

harness();
const MiB = 1024 * 1024;
const BUCKET = 'scratch';
const RUN = `complete-test/${randomBytes(4).toString('hex')}/`;
const RETRY = { attempts: 4, baseMs: 1, maxMs: 5 };

/**
 * A backend whose next `lose` CompleteMultipartUpload answers are dropped
 * after S3 handled the request (what a connection reset at the wrong moment
 * does). SeaweedFS, like AWS, answers a repeated completion with success;
 * other stores answer NoSuchUpload, as this one does when `gone` is set.
 */
function backendLosing(answers: { lose: number; sent: number; gone: boolean }) {
  const remote = remoteStore(process.env).get('demo-s3');
  assert.ok(remote, 'the harness has the remote demo-s3');
  const client = new S3Client(s3ClientConfig(remote));
  client.middlewareStack.add(
    (next, context) => async args => {
      if (context.commandName !== CompleteMultipartUploadCommand.name) {
        return next(args);
      }
      answers.sent += 1;
      if (answers.gone && answers.sent > 1) {
        throw Object.assign(new Error('The specified upload does not exist.'), {
          name: 'NoSuchUpload',
          $metadata: { httpStatusCode: 404 }
        });
      }
      const result = await next(args);
      if (answers.lose > 0) {
        answers.lose -= 1;
        throw Object.assign(new Error('socket hang up'), {
          code: 'ECONNRESET'
        });
      }
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'testLoseAnswer' }
  );
  return { backend: new S3Backend(remote, client), client };
}

describe('s3 multipart completion with a lost answer', () => {
  const answers = { lose: 0, sent: 0, gone: false };
  const { backend, client } = backendLosing(answers);

  after(() => removePrefix(backend, BUCKET, RUN));

  test('the ETag of parts is the MD5 of their MD5s and the count', () => {
    const parts = [randomBytes(100), randomBytes(50)];
    const md5s = parts.map(p => createHash('md5').update(p).digest());
    const expected = `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-2`;
    assert.equal(
      multipartEtag(md5s.map(d => `"${d.toString('hex')}"`)),
      expected
    );
    assert.equal(multipartEtag(['"not-an-md5"']), undefined);
  });

  for (const gone of [false, true]) {
    test(`an upload completed by a request whose answer was lost is found complete (asked again: ${gone ? 'NoSuchUpload' : 'success'})`, async () => {
      const data = randomBytes(7 * MiB);
      const key = `${RUN}lost-${gone}.bin`;
      const writer = await backend.writer(BUCKET, key, {
        size: data.length,
        partSize: 5 * MiB
      });
      await writer.writePart(1, data.subarray(0, 5 * MiB));
      await writer.writePart(2, data.subarray(5 * MiB));
      Object.assign(answers, { sent: 0, lose: 1, gone });
      const info = await withRetry(() => writer.complete(), undefined, RETRY);
      assert.ok(answers.sent >= 2, `asked again (${answers.sent} requests)`);
      assert.equal(info.size, data.length);
      assert.match(info.etag ?? '', /-2$/);
      const back = await readBytes(await backend.read(BUCKET, key));
      assert.ok(back.equals(data), 'the object holds the bytes sent');
    });
  }

  test('an upload aborted by someone else is not taken for complete', async () => {
    const key = `${RUN}aborted.bin`;
    const writer = await backend.writer(BUCKET, key, {
      size: 6 * MiB,
      partSize: 5 * MiB
    });
    await writer.writePart(1, randomBytes(5 * MiB));
    await writer.writePart(2, randomBytes(1 * MiB));
    await client.send(
      new AbortMultipartUploadCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId: writer.resumeToken
      })
    );
    Object.assign(answers, { sent: 0, lose: 0, gone: true });
    await assert.rejects(
      withRetry(() => writer.complete(), undefined, RETRY),
      (error: Error & { code?: string }) =>
        error.code !== undefined && error.code !== 'ok'
    );
    await assert.rejects(backend.stat(BUCKET, key), { code: 'not_found' });
  });

  test('an object of other bytes at the key is not taken for ours', async () => {
    const key = `${RUN}replaced.bin`;
    const data = randomBytes(6 * MiB);
    const writer = await backend.writer(BUCKET, key, {
      size: data.length,
      partSize: 5 * MiB
    });
    await writer.writePart(1, data.subarray(0, 5 * MiB));
    await writer.writePart(2, data.subarray(5 * MiB));
    // Someone aborts our upload and writes another object at the key.
    await client.send(
      new AbortMultipartUploadCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId: writer.resumeToken
      })
    );
    await backend.put(BUCKET, key, data.subarray(0, 1000), { size: 1000 });
    Object.assign(answers, { sent: 0, lose: 0, gone: true });
    await assert.rejects(withRetry(() => writer.complete(), undefined, RETRY));
    assert.equal((await backend.stat(BUCKET, key)).size, 1000);
  });
});
