// A hub admin's rules (jupyter_buckets.json) enforced by the engine against
// SeaweedFS and fake-gcs-server: through the HTTP API (403 with read_only or
// outside_writable_prefix, nothing written) and through the CLI (non-zero
// exit, the message names the rule and its file). demo-s3 may be written
// only under scratch/<run>/{username}/, demo-gcs not at all.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  REQUEST_HEADER,
  TOKEN_HEADER,
  type IErrorBody,
  type IRemoteList,
  type ITransferJob
} from '@jupyter-buckets/core';
import { createBackendFactory } from '../backends/index.js';
import { remoteStore } from '../remotes/discover.js';
import { createServices } from '../services.js';
import { startApp, type IRunningApp } from '../testing/app.js';
import { harness } from '../testing/harness.js';
import { call, type IAnswer } from '../testing/http.js';
import { assertMatchesSpec } from '../testing/openapi.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';

harness();
const TOKEN = 'admin-policy-secret-19c2';
const RUN = `admin-policy-test/${randomBytes(4).toString('hex')}/`;
const MINE = `${RUN}alice/`;
const S3 = 'scratch';
const GCS = 'leap-scratch';
const BUNDLE = fileURLToPath(
  new URL(
    '../../../../jupyter_buckets/sidecar/jupyter-buckets.cjs',
    import.meta.url
  )
);

let dir: ITempDir;
let policyFile: string;
let env: NodeJS.ProcessEnv;
let app: IRunningApp;
const backends = createBackendFactory();
const plain = () => remoteStore(process.env);

before(async () => {
  dir = tempDir();
  dir.write('disk/notes.txt', 'local notes');
  policyFile = dir.write(
    'etc/jupyter_buckets.json',
    JSON.stringify({
      remotes: {
        'demo-s3': {
          writablePrefixes: [`${S3}/${RUN}{username}/`],
          purgeAfterDays: 7
        },
        'demo-gcs': { readOnly: true }
      }
    })
  );
  env = {
    ...process.env,
    JUPYTERHUB_USER: 'alice',
    JUPYTER_BUCKETS_CONFIG: policyFile
  };
  // Something to read, move and delete, written past the rules.
  const s3 = backends(plain().get('demo-s3')!);
  await s3.put(S3, `${RUN}bob/data.txt`, Buffer.from('bob data'), {});
  await s3.put(S3, `${MINE}mine.txt`, Buffer.from('my data'), {});
  const gcs = backends(plain().get('demo-gcs')!);
  await gcs.put(GCS, `${RUN}pub.txt`, Buffer.from('published'), {});
  app = await startApp({
    token: TOKEN,
    logger: { info: () => undefined, error: () => undefined },
    services: createServices({
      env,
      remotes: remoteStore(env),
      backends,
      localRoot: `${dir.path}/disk`
    })
  });
});

after(async () => {
  await app?.close();
  const store = plain();
  for (const [remote, bucket] of [
    ['demo-s3', S3],
    ['demo-gcs', GCS]
  ]) {
    const backend = backends(store.get(remote)!);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await backend.list(bucket, {
        prefix: RUN,
        recursive: true,
        limit: 1000,
        token
      });
      keys.push(...page.objects.map(o => o.key));
      token = page.nextToken ?? undefined;
    } while (token);
    if (keys.length) {
      await backend.deleteMany(bucket, keys);
    }
  }
  dir.remove();
});

function send(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {}
): Promise<IAnswer> {
  return call({ port: app.port }, path, {
    method,
    headers: {
      [TOKEN_HEADER]: TOKEN,
      ...((body !== undefined && typeof body !== 'string') ||
      method === 'DELETE'
        ? { 'content-type': 'application/json' }
        : {}),
      ...headers
    },
    body:
      body === undefined || typeof body === 'string'
        ? (body as string | undefined)
        : JSON.stringify(body)
  });
}

const at = (remote: string, bucket: string) =>
  `/api/v1/remotes/${remote}/buckets/${bucket}`;
const q = (key: string) => `?key=${encodeURIComponent(key)}`;

/** The job once it has ended, polled as the Transfers panel would. */
async function ended(id: string): Promise<ITransferJob> {
  for (;;) {
    await new Promise(resolve => setTimeout(resolve, 100));
    const job = (await send('GET', `/api/v1/transfers/${id}`))
      .body as ITransferJob;
    if (job.state !== 'queued' && job.state !== 'running') {
      return job;
    }
  }
}

/** A 403 with `code`, whose message names the rule's file. */
function assertRefused(answer: IAnswer, code: string): void {
  assert.equal(answer.status, 403, answer.text);
  const { error } = answer.body as IErrorBody;
  assert.equal(error.code, code);
  assert.ok(error.message.includes(policyFile), error.message);
}

async function exists(
  remote: string,
  bucket: string,
  key: string
): Promise<boolean> {
  const answer = await send('GET', `${at(remote, bucket)}/object${q(key)}`);
  return answer.status === 200;
}

describe('the API under the admin rules', () => {
  test('the remote list shows each rule and the file that set it', async () => {
    const answer = await send('GET', '/api/v1/remotes');
    assert.equal(answer.status, 200);
    assertMatchesSpec('/api/v1/remotes', 200, answer.body);
    const list = answer.body as IRemoteList;
    const s3 = list.remotes.find(r => r.name === 'demo-s3');
    assert.deepEqual(s3?.policy, {
      writablePrefixes: [`${S3}/${MINE}`],
      purgeAfterDays: 7,
      setBy: { writablePrefixes: policyFile, purgeAfterDays: policyFile }
    });
    assert.deepEqual(s3?.sources, ['aws', 'rclone', 'admin']);
    assert.equal(
      list.remotes.find(r => r.name === 'demo-gcs')?.policy?.readOnly,
      true
    );
  });

  test('a read-only remote refuses upload, delete, rename and delete-by-folder; reads work', async () => {
    const gcs = at('demo-gcs', GCS);
    assertRefused(
      await send('PUT', `${gcs}/content${q(`${RUN}new.txt`)}`, 'new', {
        [REQUEST_HEADER]: '1',
        'content-type': 'text/plain'
      }),
      'read_only'
    );
    assertRefused(
      await send('DELETE', `${gcs}/object${q(`${RUN}pub.txt`)}`),
      'read_only'
    );
    assertRefused(
      await send('POST', `${gcs}/copy`, {
        fromKey: `${RUN}pub.txt`,
        toKey: `${RUN}renamed.txt`
      }),
      'read_only'
    );
    assertRefused(
      await send('POST', `${gcs}/delete`, { prefix: RUN }),
      'read_only'
    );
    assertRefused(
      await send('POST', `${gcs}/folder`, { prefix: `${RUN}made/` }),
      'read_only'
    );
    assert.equal(await exists('demo-gcs', GCS, `${RUN}pub.txt`), true);
    assert.equal(await exists('demo-gcs', GCS, `${RUN}new.txt`), false);
    assert.equal(await exists('demo-gcs', GCS, `${RUN}renamed.txt`), false);
    const read = await send('GET', `${gcs}/content${q(`${RUN}pub.txt`)}`);
    assert.equal(read.text, 'published');
  });

  test('writablePrefixes: writes under {username} go through, elsewhere are refused', async () => {
    const s3 = at('demo-s3', S3);
    const upload = (key: string) =>
      send('PUT', `${s3}/content${q(key)}`, 'x', {
        [REQUEST_HEADER]: '1',
        'content-type': 'text/plain'
      });
    assertRefused(
      await upload(`${RUN}bob/evil.txt`),
      'outside_writable_prefix'
    );
    assertRefused(await upload(`${RUN}alice`), 'outside_writable_prefix');
    assertRefused(
      await upload(`${RUN}alice2/x.txt`),
      'outside_writable_prefix'
    );
    assertRefused(
      await send('DELETE', `${s3}/object${q(`${RUN}bob/data.txt`)}`),
      'outside_writable_prefix'
    );
    assert.equal((await upload(`${MINE}ok.txt`)).status, 201);
    // A server-side copy of bob's file into alice's folder reads outside and writes inside.
    const copied = await send('POST', `${s3}/copy`, {
      fromKey: `${RUN}bob/data.txt`,
      toKey: `${MINE}from-bob.txt`
    });
    assert.equal(copied.status, 200, copied.text);
    // A rename out of alice's folder would delete inside and write outside.
    assertRefused(
      await send('POST', `${s3}/copy`, {
        fromKey: `${MINE}ok.txt`,
        toKey: `${RUN}bob/ok.txt`
      }),
      'outside_writable_prefix'
    );
    assert.equal(await exists('demo-s3', S3, `${RUN}bob/evil.txt`), false);
    assert.equal(await exists('demo-s3', S3, `${RUN}bob/ok.txt`), false);
    assert.equal(await exists('demo-s3', S3, `${RUN}bob/data.txt`), true);
  });

  test('transfers into a read-only remote or outside the prefixes are refused before any job exists', async () => {
    const before = (
      (await send('GET', '/api/v1/transfers')).body as { jobs: ITransferJob[] }
    ).jobs.length;
    const refusals: [unknown, string][] = [
      [
        {
          op: 'copy',
          src: 'notes.txt',
          dst: `demo-gcs:${GCS}/${RUN}notes.txt`
        },
        'read_only'
      ],
      [
        { op: 'move', src: `demo-gcs:${GCS}/${RUN}pub.txt`, dst: 'moved.txt' },
        'read_only'
      ],
      [
        {
          op: 'sync',
          src: 'notes.txt',
          dst: `demo-s3:${S3}/${RUN}bob/`,
          options: { delete: true }
        },
        'outside_writable_prefix'
      ],
      [
        {
          op: 'copy',
          src: 'notes.txt',
          dst: `demo-s3:${S3}/${RUN}bob/notes.txt`,
          options: { dryRun: true }
        },
        'outside_writable_prefix'
      ],
      [{ op: 'delete', src: `demo-gcs:${GCS}/${RUN}` }, 'read_only'],
      // All or nothing: the folder holds alice's files and bob's.
      [{ op: 'delete', src: `demo-s3:${S3}/${RUN}` }, 'outside_writable_prefix']
    ];
    for (const [request, code] of refusals) {
      assertRefused(await send('POST', '/api/v1/transfers', request), code);
    }
    // Uploads from the user's computer too, before any part is taken.
    const files = [{ path: 'notes.txt', size: 11, lastModified: 1 }];
    assertRefused(
      await send('POST', '/api/v1/uploads', {
        dst: `demo-gcs:${GCS}/${RUN}`,
        files
      }),
      'read_only'
    );
    assertRefused(
      await send('POST', '/api/v1/uploads', {
        dst: `demo-s3:${S3}/${RUN}bob`,
        files
      }),
      'outside_writable_prefix'
    );
    const after = (
      (await send('GET', '/api/v1/transfers')).body as { jobs: ITransferJob[] }
    ).jobs.length;
    assert.equal(after, before, 'no job was created');
    assert.equal(await exists('demo-gcs', GCS, `${RUN}notes.txt`), false);
    assert.ok(existsSync(`${dir.path}/disk/notes.txt`));
    assert.ok(await exists('demo-gcs', GCS, `${RUN}pub.txt`));
    assert.ok(await exists('demo-s3', S3, `${MINE}mine.txt`), 'nothing went');
    assert.ok(await exists('demo-s3', S3, `${RUN}bob/data.txt`));
  });

  test('a delete job inside the writable folder runs', async () => {
    const s3 = backends(plain().get('demo-s3')!);
    await s3.put(S3, `${MINE}old/a.txt`, Buffer.from('a'), {});
    await s3.put(S3, `${MINE}old/b.txt`, Buffer.from('b'), {});
    const created = await send('POST', '/api/v1/transfers', {
      op: 'delete',
      src: `demo-s3:${S3}/${MINE}old/`
    });
    assert.equal(created.status, 201, created.text);
    const job = await ended((created.body as ITransferJob).id);
    assert.equal(job.state, 'done', JSON.stringify(job));
    assert.equal(job.progress.files, 2);
    assert.equal(await exists('demo-s3', S3, `${MINE}old/a.txt`), false);
    assert.ok(await exists('demo-s3', S3, `${MINE}mine.txt`));
  });

  test('a copy from the read-only remote into the writable folder runs', async () => {
    const created = await send('POST', '/api/v1/transfers', {
      op: 'copy',
      src: `demo-gcs:${GCS}/${RUN}pub.txt`,
      dst: `demo-s3:${S3}/${MINE}pub.txt`
    });
    assert.equal(created.status, 201, created.text);
    const job = await ended((created.body as ITransferJob).id);
    assert.equal(job.state, 'done', JSON.stringify(job));
    const read = await send(
      'GET',
      `${at('demo-s3', S3)}/content${q(`${MINE}pub.txt`)}`
    );
    assert.equal(read.text, 'published');
  });
});

describe('the CLI under the admin rules', () => {
  function run(...args: string[]) {
    return runWith(env, ...args);
  }
  function runWith(runEnv: NodeJS.ProcessEnv, ...args: string[]) {
    assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run npm run bundle`);
    return spawnSync(process.execPath, [BUNDLE, ...args], {
      encoding: 'utf8',
      timeout: 60_000,
      env: runEnv,
      cwd: `${dir.path}/disk`,
      stdio: ['ignore', 'pipe', 'pipe']
    });
  }

  test('cp, rm and sync --delete outside the rules exit non-zero, naming the rule and its file', () => {
    for (const [args, rule] of [
      [
        ['cp', 'notes.txt', `demo-gcs:${GCS}/${RUN}cli.txt`],
        'read-only ("readOnly": true in'
      ],
      [
        ['rm', `demo-gcs:${GCS}/${RUN}pub.txt`],
        'read-only ("readOnly": true in'
      ],
      [
        ['cp', 'notes.txt', `demo-s3:${S3}/${RUN}bob/cli.txt`],
        '("writablePrefixes" in'
      ],
      [
        ['sync', '--delete', '.', `demo-s3:${S3}/${RUN}bob/`],
        '("writablePrefixes" in'
      ]
    ] as const) {
      const result = run(...args);
      assert.notEqual(result.status, 0, `${args.join(' ')}: ${result.stdout}`);
      assert.ok(result.stderr.includes(rule), result.stderr);
      assert.ok(result.stderr.includes(policyFile), result.stderr);
    }
    const inside = run('cp', 'notes.txt', `demo-s3:${S3}/${MINE}cli.txt`);
    assert.equal(inside.status, 0, inside.stderr);
  });

  test('remotes list shows the rules', () => {
    const result = run('remotes', 'list');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /demo-gcs .*read-only/);
    assert.match(
      result.stdout,
      new RegExp(`demo-s3 .*writes under ${S3}/${MINE}; purged after 7 days`)
    );
  });

  test('a broken jupyter_buckets.json is reported with its file and key, and its good entries apply', () => {
    const broken = dir.write(
      'etc/broken.json',
      JSON.stringify({
        remotes: {
          'demo-gcs': { readOnly: 'yes' },
          'demo-s3': { purgeAfterDays: 3 }
        }
      })
    );
    const result = runWith(
      { ...env, JUPYTER_BUCKETS_CONFIG: broken },
      'remotes',
      'list'
    );
    assert.equal(result.status, 0, result.stderr);
    assert.ok(
      result.stderr.includes(
        `problem: ${broken} [demo-gcs]: remotes.demo-gcs.readOnly must be boolean.`
      ),
      result.stderr
    );
    // The good entry applies; the broken one closes its remote to writes.
    assert.match(result.stdout, /demo-s3 .*purged after 3 days/);
    assert.match(result.stdout, /demo-gcs .*read-only/);
    const write = runWith(
      { ...env, JUPYTER_BUCKETS_CONFIG: broken },
      'cp',
      'notes.txt',
      `demo-gcs:${GCS}/${RUN}broken.txt`
    );
    assert.notEqual(write.status, 0);
    assert.ok(write.stderr.includes(broken), write.stderr);
  });
});
