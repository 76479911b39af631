// Uploads from the user's computer through the API, against SeaweedFS,
// fake-gcs-server and a local root: parts out of order and at once, a
// nested folder, resume after a reload, cancel (no open multipart upload
// left), conflicts asked, and the bad requests an attacker or a broken
// client would send. Everything is written under uploads-test/<random>/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  LOCAL_BUCKET,
  LOCAL_REMOTE,
  REQUEST_HEADER,
  TOKEN_HEADER,
  UPLOAD_ROUTES,
  type IDirectUrls,
  type IErrorBody,
  type IObjectStat,
  type ITransferJob,
  type IUploadRequest,
  type IUploadSession
} from '@jupyter-buckets/core';
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { createBackendFactory } from '../backends/index.js';
import { s3ClientConfig } from '../backends/s3/backend.js';
import type { IBackend } from '../backends/types.js';
import { remoteStore } from '../remotes/discover.js';
import { startApp, type IRunningApp } from '../testing/app.js';
import { harness } from '../testing/harness.js';
import { call } from '../testing/http.js';
import { assertMatchesSpec } from '../testing/openapi.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { createServices } from '../services.js';
import { UPLOAD_PART_SIZE } from '../uploads/manager.js';

harness();
const TOKEN = 'uploads-secret-5e2b';
const RUN = `uploads-test/${randomBytes(4).toString('hex')}`;

let running: IRunningApp;
let port: number;
let root: ITempDir;
let services: ReturnType<typeof createServices>;
const store = remoteStore(process.env);
const backends = createBackendFactory();

before(async () => {
  root = tempDir();
  services = createServices({ remotes: store, backends, localRoot: root.path });
  running = await startApp({
    token: TOKEN,
    logger: { info: () => undefined, error: () => undefined },
    services
  });
  port = running.port;
});

after(async () => {
  await running.close();
  root.remove();
});

interface IReply {
  status: number;
  json: unknown;
}

async function send(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer | string } = {}
): Promise<IReply> {
  const answer = await call({ port }, path, {
    method,
    headers: { [TOKEN_HEADER]: TOKEN, ...options.headers },
    body: options.body
  });
  return { status: answer.status, json: answer.body };
}

function postJson(path: string, body: unknown): Promise<IReply> {
  return send('POST', path, {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body)
  });
}

function errorCode(reply: IReply): string {
  return (reply.json as IErrorBody).error.code;
}

/** PUT one part of `data` (the whole file) as the browser does. */
function sendPart(
  session: IUploadSession,
  file: number,
  part: number,
  data: Buffer
): Promise<IReply> {
  const { partSize } = session.files[file];
  const body = data.subarray((part - 1) * partSize, part * partSize);
  return send('PUT', UPLOAD_ROUTES.part(session.job.id, file, part), {
    headers: {
      [REQUEST_HEADER]: '1',
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(body.length)
    },
    body
  });
}

async function start(request: IUploadRequest): Promise<IUploadSession> {
  const reply = await postJson(UPLOAD_ROUTES.uploads(), request);
  assert.ok(
    reply.status === 201 || reply.status === 200,
    JSON.stringify(reply.json)
  );
  assertMatchesSpec('/api/v1/uploads', reply.status, reply.json, 'post');
  return reply.json as IUploadSession;
}

async function job(id: string): Promise<ITransferJob> {
  const reply = await send('GET', `/api/v1/transfers/${id}`);
  assert.equal(reply.status, 200);
  return reply.json as ITransferJob;
}

async function readAll(
  backend: IBackend,
  bucket: string,
  key: string
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const piece of await backend.read(bucket, key)) {
    chunks.push(piece as Buffer);
  }
  return Buffer.concat(chunks);
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

const TARGETS = [
  { remote: 'demo-s3', bucket: 'scratch' },
  { remote: 'demo-gcs', bucket: 'leap-scratch' },
  { remote: LOCAL_REMOTE, bucket: LOCAL_BUCKET }
];

for (const target of TARGETS) {
  const { remote, bucket } = target;
  const backend = (): IBackend => services.resolver.backend(remote);
  const folder = `${RUN}/${remote}`;
  const dst = `${remote}:${bucket}/${folder}`;

  describe(`uploads into ${remote}`, () => {
    test('a file of three parts sent at once and out of order, and a nested folder, arrive whole', async () => {
      const big = randomBytes(2 * UPLOAD_PART_SIZE + 12345);
      const nested = [
        { path: 'data/a.csv', data: Buffer.from('x,y\n1,2\n') },
        { path: 'data/sub/deeper/b.bin', data: randomBytes(3000) },
        { path: 'data/sub/empty.txt', data: Buffer.alloc(0) }
      ];
      const session = await start({
        dst,
        name: 'upload',
        files: [
          { path: 'big.bin', size: big.length, lastModified: 1700000000000 },
          ...nested.map(file => ({
            path: file.path,
            size: file.data.length,
            lastModified: 1700000000000,
            type: file.path.endsWith('.csv') ? 'text/csv' : ''
          }))
        ]
      });
      assert.equal(session.job.op, 'upload');
      assert.equal(session.job.state, 'running');
      assert.equal(session.files[0].parts, 3);
      assert.deepEqual(session.files[0].stored, []);
      assert.ok(session.parallel >= 2);

      // Part 3 first: an ordered store (a GCS session) holds it until 1
      // and 2 are in, so its answer comes last.
      const third = sendPart(session, 0, 3, big);
      assert.equal((await sendPart(session, 0, 1, big)).status, 200);
      // Nothing visible while a part is missing. (A GCS session makes the
      // object at its last byte, whole; S3 and the disk at completion.)
      await assert.rejects(backend().stat(bucket, `${folder}/big.bin`), {
        code: 'not_found'
      });
      assert.equal((await sendPart(session, 0, 2, big)).status, 200);
      assert.equal((await third).status, 200);
      // A part sent twice (a retry after a lost answer) is stored once.
      assert.equal((await sendPart(session, 0, 2, big)).status, 200);
      for (let i = 0; i < nested.length; i++) {
        assert.equal(
          (await sendPart(session, i + 1, 1, nested[i].data)).status,
          200
        );
      }
      const completed = await Promise.all(
        session.files.map((_, i) =>
          postJson(UPLOAD_ROUTES.complete(session.job.id, i), {})
        )
      );
      for (const reply of completed) {
        assert.equal(reply.status, 200, JSON.stringify(reply.json));
      }
      assert.equal((completed[0].json as IObjectStat).size, big.length);

      assert.equal(
        sha(await readAll(backend(), bucket, `${folder}/big.bin`)),
        sha(big)
      );
      for (const file of nested) {
        const got = await readAll(backend(), bucket, `${folder}/${file.path}`);
        assert.equal(sha(got), sha(file.data), file.path);
      }
      if (remote !== LOCAL_REMOTE) {
        const csv = await backend().stat(bucket, `${folder}/data/a.csv`);
        assert.equal(csv.contentType, 'text/csv');
      }
      const ended = await job(session.job.id);
      assert.equal(ended.state, 'done');
      assert.equal(ended.progress.files, 4);
      assert.equal(
        ended.progress.bytes,
        big.length + nested.reduce((sum, f) => sum + f.data.length, 0)
      );
      // An ended upload takes no more parts.
      const late = await sendPart(session, 0, 1, big);
      assert.equal(late.status, 409);
      assert.equal(errorCode(late), 'upload_ended');
    });

    test('parts sent by the browser straight to the store (or refused where it cannot take them) make the file', async () => {
      const data = randomBytes(2 * UPLOAD_PART_SIZE + 999);
      const session = await start({
        dst,
        files: [{ path: 'direct.bin', size: data.length, lastModified: 9 }]
      });
      const file = session.files[0];
      const urls = await postJson(UPLOAD_ROUTES.urls(session.job.id, 0), {
        parts: [1, 2, 3]
      });
      if (remote === LOCAL_REMOTE) {
        // The disk is the sidecar's: parts go through it.
        assert.equal(file.direct, undefined);
        assert.equal(urls.status, 400);
        return;
      }
      assert.equal(urls.status, 200, JSON.stringify(urls.json));
      assertMatchesSpec(
        '/api/v1/uploads/{id}/files/{file}/urls',
        200,
        urls.json,
        'post'
      );
      const { urls: list } = urls.json as IDirectUrls;
      assert.equal(file.direct, remote === 'demo-s3' ? 'parts' : 'session');
      const piece = (n: number) =>
        data.subarray((n - 1) * file.partSize, n * file.partSize);
      // As the browser does: S3 parts in any order, a GCS session in order.
      const order = file.direct === 'parts' ? [2, 1, 3] : [1, 2, 3];
      for (const n of order) {
        const body = piece(n);
        const offset = (n - 1) * file.partSize;
        const answer = await fetch(list[n - 1], {
          method: 'PUT',
          body,
          headers:
            file.direct === 'session'
              ? {
                  'Content-Range': `bytes ${offset}-${offset + body.length - 1}/${data.length}`
                }
              : {}
        });
        const reply = await answer.text();
        assert.ok(
          answer.ok || answer.status === 308,
          `part ${n}: ${answer.status} ${reply}`
        );
        // A session's last part answers with the object: passed on.
        const sent = await postJson(
          UPLOAD_ROUTES.sent(session.job.id, 0, n),
          answer.ok && reply ? { answer: JSON.parse(reply) } : {}
        );
        assert.equal(sent.status, 200);
        if (n === order[0]) {
          // A reload now: the store is asked what it holds.
          const again = await start({
            dst,
            files: [{ path: 'direct.bin', size: data.length, lastModified: 9 }]
          });
          assert.deepEqual(again.files[0].stored, [n]);
        }
      }
      const done = await postJson(
        UPLOAD_ROUTES.complete(session.job.id, 0),
        {}
      );
      assert.equal(done.status, 200, JSON.stringify(done.json));
      assert.equal(
        sha(await readAll(backend(), bucket, `${folder}/direct.bin`)),
        sha(data)
      );
      const ended = await job(session.job.id);
      assert.equal(ended.state, 'done');
      assert.equal(ended.progress.bytes, data.length);
    });

    // The disk takes no parts from the browser (see the test above).
    if (remote !== LOCAL_REMOTE) {
      test('a part the browser says it sent but the store lacks is not taken on its word', async () => {
        const data = randomBytes(UPLOAD_PART_SIZE + 10);
        const session = await start({
          dst,
          files: [{ path: 'liar.bin', size: data.length, lastModified: 3 }]
        });
        await postJson(UPLOAD_ROUTES.urls(session.job.id, 0), { parts: [1] });
        for (const n of [1, 2]) {
          await postJson(UPLOAD_ROUTES.sent(session.job.id, 0, n), {});
        }
        const done = await postJson(
          UPLOAD_ROUTES.complete(session.job.id, 0),
          {}
        );
        assert.equal(done.status, 409);
        assert.equal(errorCode(done), 'parts_missing');
        await assert.rejects(backend().stat(bucket, `${folder}/liar.bin`), {
          code: 'not_found'
        });
        // S3 says which parts it holds: none (a session only knows its end).
        if (remote === 'demo-s3') {
          assert.deepEqual(
            (
              (await send('GET', UPLOAD_ROUTES.upload(session.job.id)))
                .json as IUploadSession
            ).files[0].stored,
            []
          );
        }
      });
    }

    test('picking the same file again after a reload continues from the stored parts', async () => {
      const data = randomBytes(2 * UPLOAD_PART_SIZE + 1);
      const request = {
        dst,
        files: [{ path: 'resume.bin', size: data.length, lastModified: 42 }]
      };
      const first = await start(request);
      assert.equal((await sendPart(first, 0, 1, data)).status, 200);
      // The page is reloaded: the browser asks again, with its id or without.
      const again = await start(request);
      assert.equal(again.resumed, true);
      assert.equal(again.job.id, first.job.id);
      assert.deepEqual(again.files[0].stored, [1]);
      const byId = await start({ ...request, resume: first.job.id });
      assert.equal(byId.job.id, first.job.id);
      // Files that differ (another date: another version of the file) are
      // not the same upload.
      const other = await postJson(UPLOAD_ROUTES.uploads(), {
        ...request,
        files: [{ ...request.files[0], lastModified: 43 }],
        resume: first.job.id
      });
      assert.equal(other.status, 409);
      assert.equal(errorCode(other), 'upload_ended');

      // After the reload only the parts the store lacks are sent.
      const missing = [1, 2, 3].filter(n => !again.files[0].stored.includes(n));
      let sentAfterReload = 0;
      for (const part of missing) {
        const reply = await sendPart(again, 0, part, data);
        assert.equal(reply.status, 200);
        sentAfterReload += Math.min(
          again.files[0].partSize,
          data.length - (part - 1) * again.files[0].partSize
        );
      }
      assert.ok(sentAfterReload < data.length);
      assert.equal((await job(first.job.id)).progress.bytes, data.length);
      const done = await postJson(UPLOAD_ROUTES.complete(first.job.id, 0), {});
      assert.equal(done.status, 200, JSON.stringify(done.json));
      assert.equal(
        sha(await readAll(backend(), bucket, `${folder}/resume.bin`)),
        sha(data)
      );
    });

    test('cancelling removes what was sent and refuses more', async () => {
      const data = randomBytes(2 * UPLOAD_PART_SIZE + 7);
      const session = await start({
        dst,
        files: [{ path: 'cancel/huge.bin', size: data.length, lastModified: 1 }]
      });
      assert.equal((await sendPart(session, 0, 1, data)).status, 200);
      const cancelled = await send(
        'DELETE',
        `/api/v1/transfers/${session.job.id}`,
        {
          headers: { [REQUEST_HEADER]: '1' }
        }
      );
      assert.equal(cancelled.status, 200);
      assert.equal((cancelled.json as ITransferJob).state, 'cancelled');
      const more = await sendPart(session, 0, 2, data);
      assert.equal(more.status, 409);
      assert.equal(errorCode(more), 'upload_ended');
      await assert.rejects(
        backend().stat(bucket, `${folder}/cancel/huge.bin`),
        {
          code: 'not_found'
        }
      );
      if (remote === 'demo-s3') {
        const client = new S3Client(s3ClientConfig(store.get(remote)!));
        const open = await client.send(
          new ListMultipartUploadsCommand({
            Bucket: bucket,
            Prefix: `${folder}/cancel/`
          })
        );
        assert.equal(open.Uploads?.length ?? 0, 0, 'no open multipart upload');
      }
      if (remote === LOCAL_REMOTE) {
        const left = await backend().list(bucket, {
          prefix: `${folder}/cancel/`,
          limit: 1000,
          recursive: true
        });
        assert.deepEqual(
          left.objects.map(o => o.key),
          []
        );
      }
    });

    test('an existing object is a conflict to choose for, never replaced silently', async () => {
      const key = `${folder}/conflict/report.txt`;
      await backend().put(bucket, key, Buffer.from('old'), {});
      const files = [{ path: 'report.txt', size: 3, lastModified: 5 }];
      const to = `${dst}/conflict`;
      const asked = await postJson(UPLOAD_ROUTES.uploads(), { dst: to, files });
      assert.equal(asked.status, 409);
      const error = (asked.json as IErrorBody).error;
      assert.equal(error.code, 'destination_exists');
      assert.equal(error.conflicts?.[0].path, 'report.txt');
      assert.equal((await readAll(backend(), bucket, key)).toString(), 'old');

      const kept = await start({ dst: to, files, onConflict: 'rename' });
      assert.equal(kept.files[0].key, `${folder}/conflict/report (1).txt`);
      await sendPart(kept, 0, 1, Buffer.from('new'));
      assert.equal(
        (await postJson(UPLOAD_ROUTES.complete(kept.job.id, 0), {})).status,
        200
      );
      assert.equal((await readAll(backend(), bucket, key)).toString(), 'old');

      const skipped = await start({
        dst: to,
        files,
        conflicts: { 'report.txt': 'skip' }
      });
      assert.equal(skipped.files[0].state, 'skipped');
      assert.equal(skipped.job.state, 'done');

      const replaced = await start({ dst: to, files, onConflict: 'replace' });
      await sendPart(replaced, 0, 1, Buffer.from('new'));
      await postJson(UPLOAD_ROUTES.complete(replaced.job.id, 0), {});
      assert.equal((await readAll(backend(), bucket, key)).toString(), 'new');
    });
  });
}

describe('bad upload requests', () => {
  const dst = `demo-s3:scratch/${RUN}/bad`;

  test('paths that leave the folder, control characters and wrong sizes are refused with 400', async () => {
    for (const path of [
      '../x',
      'a/../../x',
      'a//b',
      './a',
      'a\nb',
      'tab\there',
      ''
    ]) {
      const reply = await postJson(UPLOAD_ROUTES.uploads(), {
        dst,
        files: [{ path, size: 1, lastModified: 1 }]
      });
      assert.equal(reply.status, 400, JSON.stringify(path));
      assert.equal(errorCode(reply), 'invalid_request');
    }
    for (const files of [
      [],
      [{ path: 'a', size: -1, lastModified: 1 }],
      [{ path: 'a', size: 1.5, lastModified: 1 }],
      [{ path: 'a', size: 1 }],
      [
        { path: 'a', size: 1, lastModified: 1 },
        { path: 'a', size: 1, lastModified: 1 }
      ]
    ]) {
      const reply = await postJson(UPLOAD_ROUTES.uploads(), { dst, files });
      assert.equal(reply.status, 400, JSON.stringify(files));
    }
    const noBucket = await postJson(UPLOAD_ROUTES.uploads(), {
      dst: 'demo-s3:',
      files: [{ path: 'a', size: 1, lastModified: 1 }]
    });
    assert.equal(noBucket.status, 400);
  });

  test('a part of the wrong length, an unknown part, or one without the custom header stores nothing', async () => {
    const session = await start({
      dst,
      files: [{ path: 'one.bin', size: 10, lastModified: 1 }]
    });
    const part = UPLOAD_ROUTES.part(session.job.id, 0, 1);
    const short = await send('PUT', part, {
      headers: { [REQUEST_HEADER]: '1', 'Content-Length': '9' },
      body: Buffer.alloc(9)
    });
    assert.equal(short.status, 400);
    const beyond = await send('PUT', UPLOAD_ROUTES.part(session.job.id, 0, 2), {
      headers: { [REQUEST_HEADER]: '1', 'Content-Length': '10' },
      body: Buffer.alloc(10)
    });
    assert.equal(beyond.status, 400);
    const noFile = await send('PUT', UPLOAD_ROUTES.part(session.job.id, 7, 1), {
      headers: { [REQUEST_HEADER]: '1', 'Content-Length': '10' },
      body: Buffer.alloc(10)
    });
    assert.equal(noFile.status, 400);
    // A cross-site form can neither PUT nor set the header.
    const noHeader = await send('PUT', part, {
      headers: { 'Content-Type': 'text/plain', 'Content-Length': '10' },
      body: Buffer.alloc(10)
    });
    assert.equal(noHeader.status, 415);
    const early = await postJson(UPLOAD_ROUTES.complete(session.job.id, 0), {});
    assert.equal(early.status, 409);
    assert.equal(errorCode(early), 'parts_missing');
    await assert.rejects(
      backends(store.get('demo-s3')!).stat('scratch', `${RUN}/bad/one.bin`),
      { code: 'not_found' }
    );
    const unknown = await send('GET', UPLOAD_ROUTES.upload('no-such-upload'));
    assert.equal(unknown.status, 404);
    const status = await send('GET', UPLOAD_ROUTES.upload(session.job.id));
    assert.equal(status.status, 200);
    assertMatchesSpec('/api/v1/uploads/{id}', 200, status.json);
    // Retrying an upload is the browser's to do, with the files.
    await send('DELETE', `/api/v1/transfers/${session.job.id}`, {
      headers: { [REQUEST_HEADER]: '1' }
    });
    const retry = await postJson(
      `/api/v1/transfers/${session.job.id}/retry`,
      {}
    );
    assert.equal(retry.status, 400);
  });
});
