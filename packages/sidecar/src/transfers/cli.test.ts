// `jupyter-buckets cp|mv|sync` from the bundled CLI: JSON lines, dry runs,
// a second sync that copies nothing, exit codes. Writes only under
// transfers-cli-test/<random>/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ITransferJob } from '@jupyter-buckets/core';
import { createBackendFactory } from '../backends/index.js';
import { deletePrefix } from '../backends/operations.js';
import { remoteStore } from '../remotes/discover.js';
import { harness } from '../testing/harness.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { progressLine } from '../cli/transfers.js';

harness();
const BUNDLE = fileURLToPath(
  new URL(
    '../../../../jupyter_buckets/sidecar/jupyter-buckets.cjs',
    import.meta.url
  )
);
const RUN = `transfers-cli-test/${randomBytes(4).toString('hex')}`;
let dir: ITempDir;

function cli(...args: string[]) {
  assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run npm run bundle`);
  const result = spawnSync(process.execPath, [BUNDLE, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  const lines = result.stdout
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line) as { type: string; job?: ITransferJob });
  return { ...result, lines, end: lines.find(l => l.type === 'end')?.job };
}

before(() => {
  dir = tempDir();
  dir.write('src/one.txt', 'one');
  dir.write('src/notes/two.md', 'two two');
  dir.write('src/skip.log', 'log');
});

after(async () => {
  const store = remoteStore(process.env);
  const backends = createBackendFactory();
  await deletePrefix(backends(store.get('demo-s3')!), 'scratch', `${RUN}/`);
  await deletePrefix(
    backends(store.get('demo-gcs')!),
    'leap-scratch',
    `${RUN}/`
  );
  dir.remove();
});

describe('jupyter-buckets cp|mv|sync', () => {
  test('cp prints JSON lines and exits 0; the bytes arrive', () => {
    const up = cli(
      'cp',
      '--json',
      join(dir.path, 'src') + '/',
      `demo-s3:scratch/${RUN}/cp/`
    );
    assert.equal(up.status, 0, up.stderr);
    assert.equal(up.end?.state, 'done');
    assert.equal(up.end?.progress.files, 3);
    assert.ok(up.lines.some(l => l.type === 'file-done'));
    assert.equal(
      up.lines.filter(l => l.type === 'end').length,
      1,
      'one end line'
    );
    // s3:// with --remote, to GCS, then back to disk.
    const across = cli(
      'cp',
      '--remote',
      'demo-s3',
      `s3://scratch/${RUN}/cp/`,
      `demo-gcs:leap-scratch/${RUN}/cp/`
    );
    assert.equal(across.status, 0, across.stderr);
    const down = cli(
      'cp',
      `demo-gcs:leap-scratch/${RUN}/cp/notes/two.md`,
      join(dir.path, 'back') + '/'
    );
    assert.equal(down.status, 0, down.stderr);
    assert.equal(
      readFileSync(join(dir.path, 'back/two.md'), 'utf8'),
      'two two'
    );
  });

  test('sync twice: the second copies nothing; filters and dry run', () => {
    const target = `demo-s3:scratch/${RUN}/sync/`;
    const dry = cli(
      'sync',
      '--dry-run',
      '--exclude',
      '*.log',
      join(dir.path, 'src'),
      target
    );
    assert.equal(dry.status, 0, dry.stderr);
    const plan = dry.lines[0] as unknown as {
      type: string;
      copy: { path: string }[];
    };
    assert.equal(plan.type, 'plan');
    assert.deepEqual(plan.copy.map(f => f.path).sort(), [
      'notes/two.md',
      'one.txt'
    ]);
    const first = cli(
      'sync',
      '--exclude',
      '*.log',
      join(dir.path, 'src'),
      target
    );
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.end?.progress.files, 2);
    const second = cli(
      'sync',
      '--exclude',
      '*.log',
      join(dir.path, 'src'),
      target
    );
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.end?.totals.files, 0);
    assert.equal(second.end?.progress.skipped, 2);
    const only = cli(
      'sync',
      '--delete',
      '--yes',
      '--include',
      'one.txt',
      join(dir.path, 'src'),
      target
    );
    assert.equal(only.status, 0, only.stderr);
  });

  test('--on-conflict: rename keeps both, fail copies nothing and lists them', () => {
    const target = `demo-s3:scratch/${RUN}/conflict/`;
    const source = join(dir.path, 'src', 'one.txt');
    assert.equal(cli('cp', source, target).status, 0);
    const renamed = cli('cp', '--on-conflict', 'rename', source, target);
    assert.equal(renamed.status, 0, renamed.stderr);
    const listed = spawnSync(
      process.execPath,
      [BUNDLE, 'ls', '--json', target],
      { encoding: 'utf8' }
    );
    assert.deepEqual(
      listed.stdout
        .trim()
        .split('\n')
        .map(line => (JSON.parse(line) as { name: string }).name)
        .sort(),
      ['one (1).txt', 'one.txt']
    );
    const refused = cli(
      'cp',
      '--json',
      '--on-conflict',
      'fail',
      source,
      target
    );
    assert.equal(refused.status, 1);
    const error = refused.lines.find(l => l.type === 'error') as unknown as {
      error: { code: string; conflicts: { path: string }[] };
    };
    assert.equal(error.error.code, 'destination_exists');
    assert.deepEqual(
      error.error.conflicts.map(c => c.path),
      ['one.txt']
    );
  });

  test('refused or failed transfers exit non-zero with a message', () => {
    const missing = cli(
      'cp',
      join(dir.path, 'src'),
      'demo-s3:no-such-bucket-jb/x/'
    );
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /does not exist/);
    const itself = cli(
      'sync',
      `demo-s3:scratch/${RUN}/sync/`,
      `demo-s3:scratch/${RUN}/sync/in/`
    );
    assert.notEqual(itself.status, 0);
    assert.match(itself.stderr, /into itself/);
    const nothing = cli(
      'mv',
      join(dir.path, 'no-such-folder'),
      `demo-s3:scratch/${RUN}/x/`
    );
    assert.notEqual(nothing.status, 0);
  });
});

test('the progress line says the totals are still counted while the source is listed', () => {
  const job = {
    totals: { files: 1000, bytes: 16 * 1024 * 1000, counting: true },
    progress: { bytes: 1024 * 1024, files: 64, failed: 0, rate: 1024 * 1024 }
  } as unknown as ITransferJob;
  const counting = progressLine(job);
  assert.match(counting, /1\.0 MiB \/ 15\.6 MiB\+ \(counting\)/);
  assert.match(counting, /files 64\/1000\+/);
  delete job.totals.counting;
  const known = progressLine(job);
  assert.match(known, /1\.0 MiB \/ 15\.6 MiB \(6%\)/);
  assert.match(known, /files 64\/1000(?!\+)/);
});
