// The threat model of docs/security.md, tried as an attacker who can write to
// a bucket the user reads (and as a careless client): what the sidecar
// answers must never become active content in the Jupyter origin, bad input
// gets a 4xx with a clear error (never a 5xx, a hang or a stack trace), and
// a client that goes away is not an internal error. Against SeaweedFS,
// fake-gcs-server and a local root.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import {
  LOCAL_BUCKET,
  LOCAL_REMOTE,
  REQUEST_HEADER,
  TOKEN_HEADER,
  isErrorBody
} from '@jupyter-buckets/core';
import { parse } from 'yaml';
import { createBackendFactory } from '../backends/index.js';
import { createStorage } from '../backends/gcs/backend.js';
import { toApiError } from '../backends/errors.js';
import { remoteStore } from '../remotes/discover.js';
import { startApp, type IRunningApp } from '../testing/app.js';
import { harness } from '../testing/harness.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { createServices } from '../services.js';

harness();
const TOKEN = 'security-secret-91c4';
const RUN = `security-test/${randomBytes(4).toString('hex')}/`;
const MiB = 1024 * 1024;

const logLines: string[] = [];
let app: IRunningApp;
let port: number;
let root: ITempDir;
const store = remoteStore(process.env);
const backends = createBackendFactory();

before(async () => {
  root = tempDir();
  app = await startApp({
    token: TOKEN,
    logger: {
      info: line => logLines.push(line),
      error: line => logLines.push(line)
    },
    services: createServices({ remotes: store, backends, localRoot: root.path })
  });
  port = app.port;
});

after(async () => {
  for (const target of TARGETS.slice(0, 2)) {
    await send('POST', `${base(target.remote, target.bucket)}/delete`, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prefix: RUN })
    }).catch(() => undefined);
  }
  await app.close();
  root.remove();
});

interface IReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** One request; fails (instead of hanging the suite) after `timeoutMs`. */
function send(
  method: string,
  path: string,
  options: {
    headers?: Record<string, string>;
    body?: Buffer | string;
    timeoutMs?: number;
  } = {}
): Promise<IReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        headers: {
          [TOKEN_HEADER]: TOKEN,
          [REQUEST_HEADER]: '1',
          ...options.headers
        }
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk as Buffer));
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json
          });
        });
      }
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(
        new Error(
          `${method} ${path} did not answer in ${options.timeoutMs ?? 15_000} ms`
        )
      );
    }, options.timeoutMs ?? 15_000);
    req.on('error', error => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(options.body);
  });
}

function base(remote: string, bucket: string): string {
  return `/api/v1/remotes/${encodeURIComponent(remote)}/buckets/${encodeURIComponent(bucket)}`;
}

function contentPath(remote: string, bucket: string, key: string): string {
  return `${base(remote, bucket)}/content?key=${encodeURIComponent(key)}`;
}

const TARGETS = [
  { remote: 'demo-s3', bucket: 'scratch' },
  { remote: 'demo-gcs', bucket: 'leap-scratch' },
  { remote: LOCAL_REMOTE, bucket: LOCAL_BUCKET }
];

// What a hostile writer would store, with the type it would claim.
const HOSTILE = [
  {
    name: 'page.html',
    type: 'text/html',
    body: '<script>parent.fetch("/api/kernels",{method:"POST"})</script>',
    inline: false
  },
  {
    name: 'drawing.svg',
    type: 'image/svg+xml',
    body: '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    inline: false
  },
  {
    name: 'data.xml',
    type: 'application/xhtml+xml',
    body: '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
    inline: false
  },
  {
    name: 'notes.txt',
    type: 'text/plain',
    body: '<script>alert("sniff me")</script>',
    inline: true
  },
  {
    name: 'pixel.png',
    type: 'image/png',
    body: '\x89PNG\r\n\x1a\n',
    inline: true
  }
];

function assertSafeHeaders(reply: IReply, what: string): void {
  assert.equal(
    reply.headers['x-content-type-options'],
    'nosniff',
    `${what}: nosniff`
  );
  const csp = String(reply.headers['content-security-policy'] ?? '');
  assert.match(
    csp,
    /(^|;)\s*sandbox\s*(;|$)/,
    `${what}: a sandbox CSP without allow-scripts`
  );
  assert.match(csp, /default-src 'none'/, `${what}: nothing else loads`);
}

describe('content responses never render as active content', () => {
  for (const target of TARGETS) {
    test(`${target.remote}: stored HTML, SVG and XHTML are attachments; text and images are inline; all nosniff + sandbox`, async () => {
      for (const item of HOSTILE) {
        const key = `${RUN}${item.name}`;
        const put = await send(
          'PUT',
          contentPath(target.remote, target.bucket, key),
          {
            headers: { 'content-type': item.type },
            body: Buffer.from(item.body, 'latin1')
          }
        );
        assert.equal(
          put.status,
          201,
          `${target.remote} ${item.name}: ${put.text}`
        );
        for (const method of ['GET', 'HEAD']) {
          const reply = await send(
            method,
            contentPath(target.remote, target.bucket, key)
          );
          assert.equal(
            reply.status,
            200,
            `${method} ${item.name}: ${reply.text}`
          );
          assertSafeHeaders(reply, `${target.remote} ${method} ${item.name}`);
          const disposition = String(
            reply.headers['content-disposition'] ?? ''
          );
          // A disk stores no content type: its files are octet-stream, saved.
          if (item.inline && target.remote !== LOCAL_REMOTE) {
            assert.equal(
              disposition,
              '',
              `${item.name} is passive and shown inline`
            );
          } else {
            assert.match(
              disposition,
              /^attachment; filename=/,
              `${target.remote} ${method} ${item.name} (${String(reply.headers['content-type'])}) must be an attachment`
            );
          }
        }
        // download=1 always asks the browser to save.
        const download = await send(
          'GET',
          `${contentPath(target.remote, target.bucket, key)}&download=1`
        );
        assert.match(
          String(download.headers['content-disposition']),
          /^attachment/
        );
      }
    });
  }

  test('errors and JSON answers carry the same headers', async () => {
    const missing = await send(
      'GET',
      contentPath('demo-s3', 'scratch', `${RUN}no-such-object`)
    );
    assert.equal(missing.status, 404);
    assertSafeHeaders(missing, 'a 404');
    const listing = await send('GET', `${base('demo-s3', 'scratch')}/objects`);
    assert.equal(listing.status, 200);
    assertSafeHeaders(listing, 'a listing');
  });
});

describe('a stored content type is untrusted text', () => {
  test('gcs: an object whose content type is not a valid header value opens as octet-stream, not a 500', async () => {
    const remote = store.get('demo-gcs');
    assert.ok(remote);
    const storage = createStorage(remote);
    const bad = [
      'text/html\r\nSet-Cookie: stolen=1',
      'text/html; charset=\u00ff\u0100',
      'not a media type'
    ];
    for (const [index, contentType] of bad.entries()) {
      const key = `${RUN}bad-type-${index}.bin`;
      const file = storage.bucket('leap-scratch').file(key);
      await file.save(Buffer.from('bytes'), { resumable: false });
      // A metadata PATCH of the JSON API takes any string: the attacker's case.
      await file.setMetadata({ contentType });
      const [metadata] = await file.getMetadata();
      assert.equal(
        metadata.contentType,
        contentType,
        'the store kept the hostile type'
      );
      const reply = await send(
        'GET',
        contentPath('demo-gcs', 'leap-scratch', key)
      );
      assert.equal(
        reply.status,
        200,
        `${JSON.stringify(contentType)}: ${reply.text}`
      );
      assert.equal(reply.headers['content-type'], 'application/octet-stream');
      assert.equal(reply.headers['set-cookie'], undefined);
      assert.equal(reply.text, 'bytes');
      const stat = await send(
        'GET',
        `${base('demo-gcs', 'leap-scratch')}/object?key=${encodeURIComponent(key)}`
      );
      assert.equal(stat.status, 200);
      assert.equal(
        (stat.json as { contentType?: string }).contentType,
        undefined
      );
    }
  });

  test('a content type sent with an upload is checked too', async () => {
    const key = `${RUN}typed.bin`;
    const put = await send('PUT', contentPath('demo-s3', 'scratch', key), {
      headers: { 'content-type': 'text/plain; x="\u00ff"' },
      body: 'x'
    });
    assert.equal(put.status, 201, put.text);
    const reply = await send('GET', contentPath('demo-s3', 'scratch', key));
    assert.notEqual(reply.headers['content-type'], 'text/plain; x="\u00ff"');
  });
});

describe("bucket names follow the providers' rules", () => {
  const BAD_BOTH = [
    'leap-persistent/o/secret.txt',
    '..',
    'a..b',
    'ab',
    '-dash-first',
    'dot-last.',
    'has space',
    'semi;colon',
    'per%cent',
    'hash#tag',
    'qu?ery',
    'new\nline',
    'ümlaut',
    'x'.repeat(256)
  ];
  const cases: [string, string][] = [
    ...BAD_BOTH.map(name => ['demo-s3', name] as [string, string]),
    ...BAD_BOTH.map(name => ['demo-gcs', name] as [string, string]),
    ['demo-gcs', 'Upper-Case'],
    ['demo-gcs', 'under_score-but-' + 'x'.repeat(60)]
  ];
  test('every bucket route answers 400 invalid_request for a name the provider refuses', async () => {
    // A real source, so that a copy gets as far as its destination bucket.
    for (const [remote, bucket] of [
      ['demo-s3', 'scratch'],
      ['demo-gcs', 'leap-scratch']
    ]) {
      const put = await send(
        'PUT',
        contentPath(remote, bucket, `${RUN}k.txt`),
        {
          body: 'k'
        }
      );
      assert.equal(put.status, 201, put.text);
    }
    for (const [remote, bucket] of cases) {
      const at = base(remote, bucket);
      const key = encodeURIComponent(`${RUN}k.txt`);
      const routes: [string, string, string?][] = [
        ['GET', `${at}/objects`],
        ['GET', `${at}/object?key=${key}`],
        ['GET', `${at}/content?key=${key}`],
        ['PUT', `${at}/content?key=${key}`, 'bytes'],
        ['DELETE', `${at}/object?key=${key}`],
        ['POST', `${at}/delete`, JSON.stringify({ keys: [`${RUN}k.txt`] })],
        [
          'POST',
          `${base(remote, remote === 'demo-s3' ? 'scratch' : 'leap-scratch')}/copy`,
          JSON.stringify({
            fromKey: `${RUN}k.txt`,
            toKey: 'x',
            toBucket: bucket
          })
        ],
        ['GET', `${at}/share?key=${key}`]
      ];
      for (const [method, path, body] of routes) {
        const reply = await send(method, path, {
          headers: {
            'content-type': method === 'PUT' ? 'text/plain' : 'application/json'
          },
          body
        });
        assert.equal(
          reply.status,
          400,
          `${method} ${remote} ${JSON.stringify(bucket)} ${path.split('?')[0].split('/').pop()}: ${reply.status} ${reply.text}`
        );
        assert.equal(
          (reply.json as { error: { code: string } }).error.code,
          'invalid_request'
        );
      }
    }
  });

  test('an S3 name the store itself refuses is a 4xx, not a 502', async () => {
    // Capitals pass the permissive (legacy, Ceph) check; SeaweedFS refuses them.
    const reply = await send(
      'GET',
      `${base('demo-s3', 'Capital_Bucket')}/objects`
    );
    assert.ok(
      reply.status >= 400 && reply.status < 500,
      `expected a 4xx, got ${reply.status} ${reply.text}`
    );
  });

  test('provider refusals map to 4xx; throttling and outages stay retryable 5xx', () => {
    const context = {
      remote: 'r',
      endpoint: 'http://127.0.0.1:1',
      bucket: 'b'
    };
    const sdk = (name: string, status: number) =>
      Object.assign(new Error(name), {
        name,
        $metadata: { httpStatusCode: status }
      });
    assert.equal(
      toApiError(sdk('InvalidBucketName', 400), context).status,
      400
    );
    assert.equal(toApiError(sdk('BucketNotEmpty', 409), context).status, 400);
    assert.equal(
      toApiError(sdk('PreconditionFailed', 412), context).status,
      400
    );
    assert.equal(toApiError(sdk('InvalidRange', 416), context).status, 416);
    assert.equal(
      toApiError(sdk('RequestTimeout', 408), context).code,
      'timeout'
    );
    assert.equal(
      toApiError(sdk('SlowDown', 429), context).code,
      'provider_error'
    );
    assert.equal(
      toApiError(sdk('SlowDown', 503), context).code,
      'provider_error'
    );
    const long = toApiError(
      Object.assign(new Error(`bad\r\nline ${'x'.repeat(500)}`), {
        $metadata: { httpStatusCode: 400 }
      }),
      context
    );
    assert.doesNotMatch(long.message, /[\r\n]/);
    assert.ok(long.message.length < 400);
  });
});

describe('a client that goes away', () => {
  test('is logged as such, not as an internal error with a stack trace', async () => {
    const key = `${RUN}big.bin`;
    const put = await send('PUT', contentPath('demo-s3', 'scratch', key), {
      body: randomBytes(16 * MiB)
    });
    assert.equal(put.status, 201, put.text);
    logLines.length = 0;

    // A download cut after its first bytes.
    await new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: contentPath('demo-s3', 'scratch', key),
          headers: { [TOKEN_HEADER]: TOKEN }
        },
        res => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        }
      );
      req.on('error', () => undefined);
      req.on('close', () => resolve());
      setTimeout(() => reject(new Error('no bytes came')), 10_000);
      req.end();
    });
    // An upload cut half-way through its declared length.
    await new Promise<void>(resolve => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path: contentPath('demo-s3', 'scratch', `${RUN}cut.bin`),
        headers: {
          [TOKEN_HEADER]: TOKEN,
          [REQUEST_HEADER]: '1',
          'content-length': String(32 * MiB)
        }
      });
      req.on('error', () => undefined);
      req.write(randomBytes(2 * MiB), () => {
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 300);
      });
    });
    // Let the server notice.
    await new Promise(resolve => setTimeout(resolve, 1500));
    const log = logLines.join('\n');
    assert.doesNotMatch(log, /internal error/, log);
    assert.doesNotMatch(log, /\n\s+at /, log);
    // Nothing partial is left at the cut upload's key.
    const stat = await send(
      'GET',
      `${base('demo-s3', 'scratch')}/object?key=${encodeURIComponent(`${RUN}cut.bin`)}`
    );
    assert.equal(stat.status, 404);
    // The server still answers.
    const health = await send('GET', '/api/v1/health');
    assert.equal(health.status, 200);
  });
});

describe('every route of openapi.yaml, fuzzed', () => {
  const spec = parse(
    readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')
  ) as { paths: Record<string, Record<string, unknown>> };
  const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
  const ODD = [
    '..',
    '../../etc/passwd',
    '%2e%2e%2f',
    'a/b',
    ' ',
    '+',
    '%',
    '#',
    '?',
    'ü',
    '\u202e',
    '\u2028',
    '\r\nX-Injected: 1',
    'x'.repeat(2000)
  ];
  const BODIES = [
    undefined,
    '',
    'not json',
    '[]',
    'null',
    '{"key": 1, "keys": "x", "prefix": ["a"], "name": {}, "sources": 5}',
    JSON.stringify({
      key: '..',
      keys: ['..', '\u0000'],
      prefix: '../',
      toKey: '/etc/x'
    })
  ];

  function fill(route: string, value: string): string {
    return route.replace(/\{(\w+)\}/g, (_match, name: string) => {
      // Keep the remote real half of the time, so bucket/key checks are reached.
      if (name === 'remote' && value.length % 2 === 0) {
        return 'demo-s3';
      }
      return encodeURIComponent(value);
    });
  }

  test('no 5xx, no hang and no stack trace for bad path values, keys and bodies', async () => {
    const failures: string[] = [];
    for (const [route, item] of Object.entries(spec.paths)) {
      if (route === '/') {
        continue;
      }
      for (const method of METHODS.filter(m => m in item)) {
        for (const value of ODD) {
          const path = `${fill(route, value)}?key=${encodeURIComponent(value)}&cursor=${encodeURIComponent(value)}&prefix=${encodeURIComponent(value)}`;
          for (const body of method === 'get' || method === 'delete'
            ? [undefined]
            : BODIES) {
            const reply = await send(method.toUpperCase(), path, {
              headers: { 'content-type': 'application/json' },
              body,
              timeoutMs: 20_000
            }).catch((error: Error) => ({
              status: 0,
              text: error.message,
              json: undefined,
              headers: {}
            }));
            const where = `${method.toUpperCase()} ${route} ${JSON.stringify(value).slice(0, 40)} body=${JSON.stringify(body)?.slice(0, 40)}`;
            if (reply.status === 0 || reply.status >= 500) {
              failures.push(
                `${where}: ${reply.status} ${reply.text.slice(0, 200)}`
              );
            } else if (reply.status >= 400 && !isErrorBody(reply.json)) {
              failures.push(`${where}: ${reply.status} without an error body`);
            }
            if (/\n\s+at |node:internal|\.js:\d+:\d+/.test(reply.text)) {
              failures.push(`${where}: a stack trace in the answer`);
            }
          }
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.doesNotMatch(logLines.join('\n'), /internal error/);
  });
});
