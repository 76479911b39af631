// The transfers API over HTTP: jobs, Server-Sent Events, dry runs, cancel,
// retry and refusals, every answer checked against openapi.yaml.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import {
  REQUEST_HEADER,
  TOKEN_HEADER,
  type ITransferJob,
  type ITransferPlan
} from '@jupyter-buckets/core';
import { createBackendFactory } from '../backends/index.js';
import { deletePrefix } from '../backends/operations.js';
import { remoteStore } from '../remotes/discover.js';
import { startApp, type IRunningApp } from '../testing/app.js';
import { harness } from '../testing/harness.js';
import { call, type IAnswer } from '../testing/http.js';
import { assertMatchesSpec } from '../testing/openapi.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { createServices } from '../services.js';

harness();
const TOKEN = 'transfers-secret-5c2e';
const MiB = 1024 * 1024;
const RUN = `transfers-test/${randomBytes(4).toString('hex')}`;
const S3 = `demo-s3:scratch/${RUN}`;
const JOBS = '/api/v1/transfers';
const JOB = '/api/v1/transfers/{id}';
const store = remoteStore(process.env);
const backends = createBackendFactory();
let running: IRunningApp;
let port: number;
let root: ITempDir;
let state: ITempDir;

before(async () => {
  root = tempDir();
  state = tempDir();
  root.write('up/a.txt', 'a');
  root.write('up/sub/b.txt', 'bb');
  mkdirSync(join(root.path, 'large'));
  writeFileSync(join(root.path, 'large/huge.bin'), randomBytes(40 * MiB));
  running = await startApp({
    token: TOKEN,
    logger: { info: () => undefined, error: () => undefined },
    services: createServices({
      remotes: store,
      backends,
      localRoot: root.path,
      journalDir: state.path
    })
  });
  port = running.port;
});

after(async () => {
  await running.close();
  await deletePrefix(backends(store.get('demo-s3')!), 'scratch', `${RUN}/`);
  root.remove();
  state.remove();
});

function api(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {}
): Promise<IAnswer> {
  return call({ port }, path, {
    method,
    headers: {
      [TOKEN_HEADER]: TOKEN,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers
    },
    body: body !== undefined ? JSON.stringify(body) : undefined
  });
}

interface IEvent {
  name: string;
  data: unknown;
}

/** Every event of a job's stream until it closes. */
function events(id: string): Promise<IEvent[]> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: `${JOBS}/${id}/events`,
        headers: { [TOKEN_HEADER]: TOKEN }
      },
      res => {
        assert.equal(res.statusCode, 200);
        assert.match(String(res.headers['content-type']), /text\/event-stream/);
        let text = '';
        res.setEncoding('utf8');
        res.on('data', chunk => (text += chunk));
        res.on('end', () => {
          const found: IEvent[] = [];
          for (const frame of text.split('\n\n')) {
            const name = /^event: ?(.*)$/m.exec(frame)?.[1];
            const data = /^data: ?(.*)$/m.exec(frame)?.[1];
            if (name && data !== undefined) {
              found.push({ name, data: JSON.parse(data) });
            }
          }
          resolve(found);
        });
      }
    );
    req.on('error', reject);
    req.end();
  });
}

describe('transfers API', () => {
  test('POST starts a job whose events end with the finished job', async () => {
    const created = await api('POST', JOBS, {
      op: 'copy',
      src: 'up/',
      dst: `${S3}/up/`
    });
    assert.equal(created.status, 201, created.text);
    assertMatchesSpec(JOBS, 201, created.body, 'post');
    const job = created.body as ITransferJob;
    assert.deepEqual(job.totals, { files: 2, bytes: 3 });
    const stream = await events(job.id);
    const end = stream.at(-1)!;
    assert.equal(end.name, 'end');
    assertMatchesSpec(JOB, 200, end.data);
    assert.equal((end.data as ITransferJob).state, 'done');
    assert.equal((end.data as ITransferJob).progress.files, 2);
    const got = await api('GET', `${JOBS}/${job.id}`);
    assertMatchesSpec(JOB, 200, got.body);
    const list = await api('GET', JOBS);
    assertMatchesSpec(JOBS, 200, list.body);
    assert.ok(
      (list.body as { jobs: ITransferJob[] }).jobs.some(j => j.id === job.id)
    );
    // Events of an ended job: the end at once.
    const again = await events(job.id);
    assert.deepEqual(
      again.map(e => e.name),
      ['end']
    );
    const retry = await api('POST', `${JOBS}/${job.id}/retry`, {});
    assert.equal(retry.status, 400);
    assertMatchesSpec(`${JOB}/retry`, 400, retry.body, 'post');
  });

  test('a dry run answers the plan and does nothing', async () => {
    const answer = await api('POST', JOBS, {
      op: 'sync',
      src: 'up/',
      dst: `${S3}/dry/`,
      options: { dryRun: true, exclude: ['sub/**'] }
    });
    assert.equal(answer.status, 200, answer.text);
    assertMatchesSpec(JOBS, 200, answer.body, 'post');
    const plan = answer.body as ITransferPlan;
    assert.deepEqual(plan.copy, [{ path: 'a.txt', size: 1 }]);
  });

  test('DELETE cancels a running job', async () => {
    const created = await api('POST', JOBS, {
      op: 'copy',
      src: 'large/huge.bin',
      dst: `${S3}/large/`
    });
    assert.equal(created.status, 201);
    const id = (created.body as ITransferJob).id;
    const cancelled = await api('DELETE', `${JOBS}/${id}`, undefined, {
      [REQUEST_HEADER]: '1'
    });
    assert.equal(cancelled.status, 200, cancelled.text);
    assertMatchesSpec(JOB, 200, cancelled.body, 'delete');
    assert.equal((cancelled.body as ITransferJob).state, 'cancelled');
    const gone = await backends(store.get('demo-s3')!)
      .stat('scratch', `${RUN}/large/huge.bin`)
      .catch(() => undefined);
    assert.equal(gone, undefined, 'nothing partial at the destination');
  });

  test('bad requests are refused with clear 4xx', async () => {
    const cases: [unknown, number, string][] = [
      [
        { op: 'copy', src: `${S3}/up/`, dst: `${S3}/up/` },
        400,
        'invalid_request'
      ],
      [
        { op: 'copy', src: `${S3}/up/`, dst: `${S3}/up/inner/` },
        400,
        'invalid_request'
      ],
      [
        { op: 'copy', src: 'up/', dst: 'demo-s3:no-such-bucket-jb/x/' },
        404,
        'bucket_not_found'
      ],
      [
        { op: 'copy', src: '../outside/', dst: `${S3}/x/` },
        403,
        'path_outside_root'
      ],
      [
        { op: 'copy', src: '/etc/passwd', dst: `${S3}/x/` },
        403,
        'path_outside_root'
      ],
      [{ op: 'zip', src: 'up/', dst: `${S3}/x/` }, 400, 'invalid_request'],
      [
        { op: 'copy', src: 'up/', dst: 'nobody:bucket/x' },
        404,
        'remote_not_found'
      ],
      [
        { op: 'copy', src: 'up/', dst: `${S3}/x/`, options: { delete: true } },
        400,
        'invalid_request'
      ]
    ];
    for (const [body, status, code] of cases) {
      const answer = await api('POST', JOBS, body);
      assert.equal(
        answer.status,
        status,
        `${JSON.stringify(body)}: ${answer.text}`
      );
      assertMatchesSpec(JOBS, status, answer.body, 'post');
      assert.equal(
        (answer.body as { error: { code: string } }).error.code,
        code
      );
    }
    const form = await call({ port }, JOBS, {
      method: 'POST',
      headers: {
        [TOKEN_HEADER]: TOKEN,
        'content-type': 'application/x-www-form-urlencoded'
      },
      body: 'op=copy'
    });
    assert.equal(form.status, 415);
    const missing = await api('GET', `${JOBS}/no-such-job`);
    assert.equal(missing.status, 404);
    assertMatchesSpec(JOB, 404, missing.body);
  });
});
