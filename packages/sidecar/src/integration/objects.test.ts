// Object operations through the API against SeaweedFS, fake-gcs-server and a
// local root: odd keys, ranges, chunked writes, copies, deletes, escapes.
// Everything is written under objects-test/<random>/ (other suites share the
// harness's buckets) and removed afterwards.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readdirSync,
  symlinkSync,
  unlinkSync,
  writeFileSync
} from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  LOCAL_BUCKET,
  LOCAL_REMOTE,
  REQUEST_HEADER,
  TOKEN_HEADER,
  type IDeleteCount,
  type IDeleteResult,
  type IErrorBody,
  type IListing,
  type IObjectStat
} from '@jupyter-buckets/core';
import pLimit from 'p-limit';
import { createBackendFactory } from '../backends/index.js';
import { S3Backend, s3ClientConfig } from '../backends/s3/backend.js';
import type { IBackend } from '../backends/types.js';
import { uploadStream } from '../backends/upload.js';
import { S3Client } from '@aws-sdk/client-s3';
import { remoteStore } from '../remotes/discover.js';
import type { IRemoteConfig } from '../remotes/types.js';
import { startApp, type IRunningApp } from '../testing/app.js';
import { harness } from '../testing/harness.js';
import { assertMatchesSpec } from '../testing/openapi.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { createServices } from '../services.js';

harness();
const TOKEN = 'objects-secret-77a1';
const MiB = 1024 * 1024;
const RUN = `objects-test/${randomBytes(4).toString('hex')}/`;
const OBJECT = '/api/v1/remotes/{remote}/buckets/{bucket}/object';
const CONTENT = '/api/v1/remotes/{remote}/buckets/{bucket}/content';
const DELETE = '/api/v1/remotes/{remote}/buckets/{bucket}/delete';
const COPY = '/api/v1/remotes/{remote}/buckets/{bucket}/copy';
const FOLDER = '/api/v1/remotes/{remote}/buckets/{bucket}/folder';

let running: IRunningApp;
let port: number;
let root: ITempDir;
const store = remoteStore(process.env);
const backends = createBackendFactory();

before(async () => {
  root = tempDir();
  running = await startApp({
    token: TOKEN,
    logger: { info: () => undefined, error: () => undefined },
    services: createServices({ remotes: store, backends, localRoot: root.path })
  });
  port = running.port;
});

after(async () => {
  await running.close();
  root.remove();
});

interface IReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  json: unknown;
}

function send(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer | string } = {}
): Promise<IReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        headers: { [TOKEN_HEADER]: TOKEN, ...options.headers }
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk as Buffer));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          let json: unknown;
          try {
            json = JSON.parse(bytes.toString('utf8'));
          } catch {
            json = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            bytes,
            json
          });
        });
      }
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function base(remote: string, bucket: string): string {
  return `/api/v1/remotes/${encodeURIComponent(remote)}/buckets/${encodeURIComponent(bucket)}`;
}

function errorCode(reply: IReply): string {
  return (reply.json as IErrorBody).error?.code;
}

interface ITarget {
  remote: string;
  bucket: string;
  backend: () => IBackend;
}

const TARGETS: ITarget[] = [
  {
    remote: 'demo-s3',
    bucket: 'scratch',
    backend: () => backends(remoteOf('demo-s3'))
  },
  {
    remote: 'demo-gcs',
    bucket: 'leap-scratch',
    backend: () => backends(remoteOf('demo-gcs'))
  },
  {
    remote: LOCAL_REMOTE,
    bucket: LOCAL_BUCKET,
    backend: () => {
      throw new Error('not used');
    }
  }
];

function remoteOf(name: string): IRemoteConfig {
  const remote = store.get(name);
  assert.ok(remote, `the harness has no remote ${name}`);
  return remote;
}

// A 1024-byte key in segments a disk accepts too (at most 255 bytes a name).
const LONG_KEY = `${RUN}long/${'k'.repeat(200)}/${'e'.repeat(200)}/${'y'.repeat(200)}/${'s'.repeat(200)}/`;
const KEY_1024 = LONG_KEY + 'x'.repeat(1024 - Buffer.byteLength(LONG_KEY));

const ODD_NAMES = [
  'ünïcødé ✓.txt',
  'with space.txt',
  'plus+sign.txt',
  'percent%41.txt',
  'hash#tag.txt',
  'question?mark.txt',
  'amp&ersand=1.txt',
  'trailing spaces  '
];

for (const target of TARGETS) {
  const { remote, bucket } = target;
  const at = base(remote, bucket);
  const q = (key: string): string => `?key=${encodeURIComponent(key)}`;

  async function put(
    key: string,
    body: Buffer | string,
    type = 'text/plain'
  ): Promise<IObjectStat> {
    const reply = await send('PUT', `${at}/content${q(key)}`, {
      headers: { [REQUEST_HEADER]: '1', 'content-type': type },
      body
    });
    assert.equal(reply.status, 201, reply.bytes.toString());
    assertMatchesSpec(CONTENT, 201, reply.json, 'put');
    return reply.json as IObjectStat;
  }

  async function content(
    key: string,
    headers: Record<string, string> = {}
  ): Promise<IReply> {
    return send('GET', `${at}/content${q(key)}`, { headers });
  }

  describe(`${remote} (${bucket})`, () => {
    after(async () => {
      await send('POST', `${at}/delete`, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prefix: RUN })
      });
    });

    test('odd keys (unicode, space, + % # ? & =, trailing spaces, 1024 bytes) write, stat, read, copy and delete', async () => {
      for (const key of [
        ...ODD_NAMES.map(name => `${RUN}odd/${name}`),
        KEY_1024
      ]) {
        const text = `content of ${key}`;
        const written = await put(key, text);
        assert.equal(written.key, key);
        assert.equal(written.size, Buffer.byteLength(text));

        const stat = await send('GET', `${at}/object${q(key)}`);
        assert.equal(stat.status, 200, stat.bytes.toString());
        assertMatchesSpec(OBJECT, 200, stat.json);
        assert.equal((stat.json as IObjectStat).key, key);

        const read = await content(key);
        assert.equal(read.status, 200);
        assert.equal(read.bytes.toString('utf8'), text);

        const copyKey = key === KEY_1024 ? `${RUN}copied-long` : `${key}.copy`;
        const copied = await send('POST', `${at}/copy`, {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ fromKey: key, toKey: copyKey })
        });
        assert.equal(copied.status, 200, copied.bytes.toString());
        assertMatchesSpec(COPY, 200, copied.json, 'post');
        assert.equal((await content(copyKey)).bytes.toString('utf8'), text);

        for (const gone of [key, copyKey]) {
          const deleted = await send('DELETE', `${at}/object${q(gone)}`, {
            headers: { [REQUEST_HEADER]: '1' }
          });
          assert.equal(deleted.status, 204);
          const missing = await send('GET', `${at}/object${q(gone)}`);
          assert.equal(missing.status, 404);
          assert.equal(errorCode(missing), 'not_found');
          assertMatchesSpec(OBJECT, 404, missing.json);
        }
      }
    });

    test('stat gives size, modified, etag and content type; md5 where the provider states it', async () => {
      const key = `${RUN}stat/data.json`;
      await put(key, '{"a": 1}', 'application/json');
      const stat = (await send('GET', `${at}/object${q(key)}`))
        .json as IObjectStat;
      assert.equal(stat.size, 8);
      assert.ok(stat.modified);
      assert.equal(stat.name, 'data.json');
      if (remote !== LOCAL_REMOTE) {
        assert.ok(stat.etag && !stat.etag.includes('"'));
        assert.match(stat.contentType ?? '', /^application\/json/);
        assert.equal(
          stat.md5,
          createHash('md5').update('{"a": 1}').digest('hex')
        );
        assert.match(stat.md5 ?? '', /^[0-9a-f]{32}$/);
      }
      if (remote === 'demo-gcs') {
        assert.match(stat.crc32c ?? '', /^[0-9a-f]{8}$/);
      }
    });

    test('Range reads: first bytes, middle, suffix, open end; 416 past the end', async () => {
      const key = `${RUN}range/digits.txt`;
      const text = '0123456789abcdefghijklmnopqrstuvwxyz';
      await put(key, text);
      const cases: [string, string, string][] = [
        ['bytes=0-9', '0123456789', `bytes 0-9/${text.length}`],
        ['bytes=10-15', 'abcdef', `bytes 10-15/${text.length}`],
        ['bytes=-10', text.slice(-10), `bytes 26-35/${text.length}`],
        ['bytes=30-', text.slice(30), `bytes 30-35/${text.length}`]
      ];
      for (const [range, expected, contentRange] of cases) {
        const reply = await content(key, { range });
        assert.equal(reply.status, 206, range);
        assert.equal(reply.bytes.toString(), expected, range);
        assert.equal(reply.headers['content-range'], contentRange);
        assert.equal(reply.headers['content-length'], String(expected.length));
      }
      const whole = await content(key);
      assert.equal(whole.headers['accept-ranges'], 'bytes');
      assert.ok(whole.headers['last-modified']);
      const beyond = await content(key, { range: 'bytes=100-200' });
      assert.equal(beyond.status, 416);
      assert.equal(errorCode(beyond), 'range_not_satisfiable');
      assert.equal(beyond.headers['content-range'], `bytes */${text.length}`);
      assertMatchesSpec(CONTENT, 416, beyond.json);
    });

    test('download=1 names the file in Content-Disposition (RFC 5987 for unicode)', async () => {
      const key = `${RUN}dl/résumé final.txt`;
      await put(key, 'x');
      const reply = await send('GET', `${at}/content${q(key)}&download=1`);
      const disposition = String(reply.headers['content-disposition']);
      assert.match(
        disposition,
        /^attachment; filename="r.sum. final\.txt"; filename\*=UTF-8''r%C3%A9sum%C3%A9%20final\.txt$/
      );
    });

    test('a 12 MiB body through PUT arrives byte for byte', async () => {
      const key = `${RUN}big/twelve.bin`;
      const data = randomBytes(12 * MiB);
      const stat = await put(key, data, 'application/octet-stream');
      assert.equal(stat.size, data.length);
      const read = await content(key);
      assert.ok(read.bytes.equals(data));
    });

    test('bad keys: NUL, invalid UTF-8, over 1024 bytes, none: 400 with a hint', async () => {
      for (const query of [
        '?key=a%00b',
        '?key=%FF%FE',
        `?key=${'k'.repeat(remote === LOCAL_REMOTE ? 4097 : 1025)}`,
        ''
      ]) {
        const reply = await send('GET', `${at}/object${query}`);
        assert.equal(reply.status, 400, query);
        assert.equal(errorCode(reply), 'invalid_request');
        assert.ok((reply.json as IErrorBody).error.hint, query);
        assertMatchesSpec(OBJECT, 400, reply.json);
      }
    });

    test('PUT without the request header is refused (415): a cross-site form cannot write', async () => {
      const reply = await send('PUT', `${at}/content${q(`${RUN}forged.txt`)}`, {
        headers: { 'content-type': 'text/plain' },
        body: 'forged'
      });
      assert.equal(reply.status, 415);
      const missing = await send('GET', `${at}/object${q(`${RUN}forged.txt`)}`);
      assert.equal(missing.status, 404);
    });

    test('a new folder is listed as an empty folder, and making it again changes nothing', async () => {
      const prefix = `${RUN}made/new folder/`;
      for (let i = 0; i < 2; i++) {
        const made = await send('POST', `${at}/folder`, {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ prefix })
        });
        assert.equal(made.status, 201, made.bytes.toString());
        assertMatchesSpec(FOLDER, 201, made.json, 'post');
      }
      const parent = await send(
        'GET',
        `${at}/objects?prefix=${encodeURIComponent(`${RUN}made/`)}`
      );
      assert.equal(parent.status, 200, parent.bytes.toString());
      const listing = parent.json as IListing;
      assert.deepEqual(
        listing.prefixes.map(p => p.prefix),
        [prefix]
      );
      assert.deepEqual(listing.objects, []);
      const inside = await send(
        'GET',
        `${at}/objects?prefix=${encodeURIComponent(prefix)}`
      );
      assert.deepEqual((inside.json as IListing).objects, []);
      const bad = await send('POST', `${at}/folder`, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prefix: `${RUN}no-slash` })
      });
      assert.equal(bad.status, 400);
      assert.equal(errorCode(bad), 'invalid_request');
    });

    test('move: copy, verify, then delete the source', async () => {
      const from = `${RUN}move/from.txt`;
      const to = `${RUN}move/to.txt`;
      await put(from, 'moving');
      const reply = await send('POST', `${at}/copy`, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fromKey: from, toKey: to, move: true })
      });
      assert.equal(reply.status, 200, reply.bytes.toString());
      assert.equal((await content(to)).bytes.toString(), 'moving');
      assert.equal((await send('GET', `${at}/object${q(from)}`)).status, 404);
    });

    test('delete by keys and by prefix; dry run counts; a vanished prefix deletes 0', async () => {
      const prefix = `${RUN}del/`;
      for (const name of ['a.txt', 'b.txt', 'sub/c.txt', 'sub/deeper/d.txt']) {
        await put(`${prefix}${name}`, name);
      }
      await put(`${RUN}del-sibling.txt`, 'keep me');
      const post = (body: unknown): Promise<IReply> =>
        send('POST', `${at}/delete`, {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body)
        });
      const dry = await post({ prefix, dryRun: true });
      assert.equal(dry.status, 200);
      assertMatchesSpec(DELETE, 200, dry.json, 'post');
      assert.deepEqual(dry.json as IDeleteCount, { count: 4 });
      const byKeys = await post({ keys: [`${prefix}a.txt`] });
      assert.deepEqual(byKeys.json as IDeleteResult, { deleted: 1 });
      const byPrefix = await post({ prefix });
      assertMatchesSpec(DELETE, 200, byPrefix.json, 'post');
      assert.deepEqual(byPrefix.json as IDeleteResult, { deleted: 3 });
      assert.deepEqual((await post({ prefix })).json, { deleted: 0 });
      assert.equal(
        (await send('GET', `${at}/object${q(`${RUN}del-sibling.txt`)}`)).status,
        200
      );
      const noSlash = await post({ prefix: `${RUN}del` });
      assert.equal(noSlash.status, 400);
    });
  });
}

describe('chunked writes at the backend', () => {
  for (const [name, bucket, partSize] of [
    ['demo-s3', 'scratch', 5 * MiB],
    ['demo-gcs', 'leap-scratch', 1 * MiB]
  ] as const) {
    test(`${name}: ~12 MiB in ${partSize / MiB} MiB parts arrives byte for byte`, async () => {
      const backend = backends(remoteOf(name));
      const key = `${RUN}chunked/${name}.bin`;
      const data = randomBytes(12 * MiB + 12345);
      // Odd-sized pieces, so the writer has to cut parts itself.
      const pieces = Array.from(
        { length: Math.ceil(data.length / 777_777) },
        (_, i) => data.subarray(i * 777_777, (i + 1) * 777_777)
      );
      const info = await uploadStream(
        backend,
        bucket,
        key,
        Readable.from(pieces),
        {
          size: data.length,
          partSize,
          forceChunked: true
        }
      );
      assert.equal(info.size, data.length);
      const read = await backend.read!(bucket, key);
      const chunks: Buffer[] = [];
      for await (const chunk of read) {
        chunks.push(chunk as Buffer);
      }
      assert.ok(Buffer.concat(chunks).equals(data));
      const ranged = await backend.read!(bucket, key, {
        start: 5 * MiB - 3,
        end: 5 * MiB + 2
      });
      const part: Buffer[] = [];
      for await (const chunk of ranged) {
        part.push(chunk as Buffer);
      }
      assert.ok(
        Buffer.concat(part).equals(data.subarray(5 * MiB - 3, 5 * MiB + 3))
      );
      await backend.delete!(bucket, key);
    });

    test(`${name}: an aborted writer leaves no object`, async () => {
      const backend = backends(remoteOf(name));
      const key = `${RUN}aborted/${name}.bin`;
      const writer = await backend.writer!(bucket, key, { partSize });
      await writer.writePart(1, randomBytes(writer.partSize));
      await writer.abort();
      await assert.rejects(backend.stat(bucket, key), { code: 'not_found' });
    });
  }

  test('local: an aborted writer leaves no file and no temporary file', async () => {
    const backend = new (
      await import('../backends/local/backend.js')
    ).LocalBackend(root.path);
    const writer = await backend.writer(LOCAL_BUCKET, 'aborted/file.bin', {
      partSize: 1024
    });
    await writer.writePart(2, randomBytes(10));
    await writer.writePart(1, randomBytes(1024));
    assert.equal(readdirSync(join(root.path, 'aborted')).length, 1);
    await writer.abort();
    assert.deepEqual(readdirSync(join(root.path, 'aborted')), []);
  });

  test('s3: above the (lowered) copy cutoff a copy is UploadPartCopy parts, byte for byte', async () => {
    const remote = remoteOf('demo-s3');
    const backend = new S3Backend(
      remote,
      new S3Client(s3ClientConfig(remote)),
      {
        copyCutoff: 5 * MiB,
        copyPartSize: 5 * MiB
      }
    );
    const data = randomBytes(11 * MiB + 7);
    const from = `${RUN}partcopy/source.bin`;
    const to = `${RUN}partcopy/copy.bin`;
    await uploadStream(backend, 'scratch', from, Readable.from([data]), {
      size: data.length
    });
    const copy = await backend.copy('scratch', from, 'scratch', to);
    assert.equal(copy.size, data.length);
    // A multipart ETag (md5-of-md5s "-3") shows the copy went through parts.
    assert.match(copy.etag ?? '', /-3$/);
    const chunks: Buffer[] = [];
    for await (const chunk of await backend.read('scratch', to)) {
      chunks.push(chunk as Buffer);
    }
    assert.ok(Buffer.concat(chunks).equals(data));
    await backend.deleteMany('scratch', [from, to]);
  });

  for (const [name, bucket] of [
    ['demo-s3', 'scratch'],
    ['demo-gcs', 'leap-scratch']
  ] as const) {
    test(`${name}: deleting a prefix of 1,500 objects (more than one DeleteObjects batch)`, async () => {
      const backend = backends(remoteOf(name));
      const prefix = `${RUN}fifteen-hundred/`;
      const limit = pLimit(32);
      await Promise.all(
        Array.from({ length: 1500 }, (_, i) =>
          limit(() =>
            backend.put!(
              bucket,
              `${prefix}item-${String(i).padStart(5, '0')}.txt`,
              Buffer.from(String(i)),
              {}
            )
          )
        )
      );
      const at = base(name, bucket);
      const post = (body: unknown): Promise<IReply> =>
        send('POST', `${at}/delete`, {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body)
        });
      assert.deepEqual((await post({ prefix, dryRun: true })).json, {
        count: 1500
      });
      assert.deepEqual((await post({ prefix })).json, { deleted: 1500 });
      const page = await backend.list(bucket, {
        prefix,
        limit: 1000,
        recursive: true
      });
      assert.equal(page.objects.length, 0);
    });
  }
});

describe('local paths stay inside the root', () => {
  const at = base(LOCAL_REMOTE, LOCAL_BUCKET);

  test('"..", absolute paths and a symlink pointing out are 403 path_outside_root; NUL is 400', async () => {
    const outside = tempDir();
    try {
      writeFileSync(join(outside.path, 'secret.txt'), 'secret');
      mkdirSync(join(root.path, 'links'), { recursive: true });
      symlinkSync(outside.path, join(root.path, 'links', 'out'));
      symlinkSync(
        join(outside.path, 'secret.txt'),
        join(root.path, 'links', 'secret.txt')
      );
      for (const key of [
        '../etc/passwd',
        'a/../../x',
        '/etc/passwd',
        'links/out/secret.txt',
        'links/secret.txt',
        'links/out/new-file.txt'
      ]) {
        for (const [method, path] of [
          ['GET', `${at}/object?key=${encodeURIComponent(key)}`],
          ['GET', `${at}/content?key=${encodeURIComponent(key)}`]
        ]) {
          const reply = await send(method, path);
          assert.equal(
            reply.status,
            403,
            `${method} ${key}: ${reply.bytes.toString()}`
          );
          assert.equal(errorCode(reply), 'path_outside_root');
          assert.ok(!reply.bytes.toString().includes('secret"'));
        }
        const write = await send(
          'PUT',
          `${at}/content?key=${encodeURIComponent(key)}`,
          {
            headers: { [REQUEST_HEADER]: '1' },
            body: 'x'
          }
        );
        assert.equal(write.status, 403, key);
      }
      const listing = await send('GET', `${at}/objects?prefix=links/`);
      assert.equal(listing.status, 200);
      assert.deepEqual(
        listing.json &&
          (listing.json as { objects: unknown[]; prefixes: unknown[] }).objects,
        []
      );
      const nul = await send('GET', `${at}/object?key=a%00b`);
      assert.equal(nul.status, 400);
    } finally {
      outside.remove();
    }
  });

  test('a FIFO in the root answers 400 invalid_request at once, naming it', async () => {
    const fifo = join(root.path, 'waiting-pipe');
    execFileSync('mkfifo', [fifo]);
    try {
      for (const path of [
        `${at}/object?key=waiting-pipe`,
        `${at}/content?key=waiting-pipe`
      ]) {
        // A hang fails the test instead of blocking it.
        let timer: NodeJS.Timeout | undefined;
        const reply = await Promise.race([
          send('GET', path),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`GET ${path} hung`)),
              5_000
            );
          })
        ]).finally(() => clearTimeout(timer));
        assert.equal(reply.status, 400, `GET ${path}`);
        assert.equal(errorCode(reply), 'invalid_request');
        assert.match(
          (reply.json as IErrorBody).error.message,
          /waiting-pipe .*not a regular file/
        );
      }
    } finally {
      // Lets a read stuck waiting for a writer go, so a failure still ends.
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // ENXIO: nobody waits on it.
      }
      unlinkSync(fifo);
    }
  });

  test('a symlink that stays inside the root is followed', async () => {
    writeFileSync(join(root.path, 'real.txt'), 'inside');
    symlinkSync(join(root.path, 'real.txt'), join(root.path, 'alias.txt'));
    const reply = await send('GET', `${at}/content?key=alias.txt`);
    assert.equal(reply.status, 200);
    assert.equal(reply.bytes.toString(), 'inside');
  });
});
