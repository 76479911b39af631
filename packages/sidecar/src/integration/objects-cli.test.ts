// `jupyter-buckets ls|stat|cat|rm|mkdir` from the bundled CLI on S3, GCS and
// local paths. Writes only under objects-cli-test/<random>/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IObjectStat } from '@jupyter-buckets/core';
import { createBackendFactory } from '../backends/index.js';
import { remoteStore } from '../remotes/discover.js';
import { harness } from '../testing/harness.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';

harness();
const BUNDLE = fileURLToPath(
  new URL(
    '../../../../jupyter_buckets/sidecar/jupyter-buckets.cjs',
    import.meta.url
  )
);
const RUN = `objects-cli-test/${randomBytes(4).toString('hex')}/`;

function run(...args: string[]) {
  assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run npm run bundle`);
  return spawnSync(process.execPath, [BUNDLE, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    stdio: ['ignore', 'pipe', 'pipe']
  });
}

const store = remoteStore(process.env);
const backends = createBackendFactory();

let dir: ITempDir;
before(() => {
  dir = tempDir();
});
after(() => dir.remove());

for (const [remote, bucket, scheme] of [
  ['demo-s3', 'scratch', 's3'],
  ['demo-gcs', 'leap-scratch', 'gs']
] as const) {
  describe(`${remote}`, () => {
    const backend = () => {
      const config = store.get(remote);
      assert.ok(config);
      return backends(config);
    };
    before(async () => {
      for (const [key, text] of [
        ['a.txt', 'alpha'],
        ['sub/b.txt', 'bravo'],
        ['sub/deep/c.txt', 'charlie'],
        ['with space+plus.txt', '0123456789']
      ]) {
        await backend().put!(bucket, `${RUN}${key}`, Buffer.from(text), {
          contentType: 'text/plain'
        });
      }
    });
    after(async () => {
      run('rm', '-r', '--yes', `${remote}:${bucket}/${RUN}`);
    });

    test('ls shows folders as PRE lines and objects with size and date', () => {
      const result = run('ls', `${remote}:${bucket}/${RUN}`);
      assert.equal(result.status, 0, result.stderr);
      const lines = result.stdout.trimEnd().split('\n');
      assert.match(lines[0], /^\s+PRE sub\/$/);
      assert.match(
        lines[1],
        /^\s+5 {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}a\.txt$/
      );
      assert.match(lines[2], /^\s+10 {2}.* {2}with space\+plus\.txt$/);
      assert.equal(lines.length, 3);
    });

    test('ls -R --json prints every key below, one JSON object a line', () => {
      const result = run(
        'ls',
        '-R',
        '--json',
        `${scheme}://${bucket}/${RUN}`,
        '--remote',
        remote
      );
      assert.equal(result.status, 0, result.stderr);
      const keys = result.stdout
        .trim()
        .split('\n')
        .map(line => (JSON.parse(line) as IObjectStat).key);
      assert.deepEqual(
        keys,
        ['a.txt', 'sub/b.txt', 'sub/deep/c.txt', 'with space+plus.txt'].map(
          k => RUN + k
        )
      );
    });

    test('du counts objects and bytes under a folder, or of one object; a remote alone is refused', () => {
      const all = run('du', '--json', `${remote}:${bucket}/${RUN}`);
      assert.equal(all.status, 0, all.stderr);
      assert.deepEqual(JSON.parse(all.stdout), { objects: 4, bytes: 27 });
      const sub = run('du', `${remote}:${bucket}/${RUN}sub`);
      assert.equal(sub.status, 0, sub.stderr);
      assert.equal(sub.stdout, '2 objects, 12 B (12 bytes)\n');
      const one = run('du', '--json', `${remote}:${bucket}/${RUN}a.txt`);
      assert.deepEqual(JSON.parse(one.stdout), { objects: 1, bytes: 5 });
      const bare = run('du', `${remote}:`);
      assert.notEqual(bare.status, 0);
      assert.match(bare.stderr, /is a remote, not a bucket or a folder/);
    });

    test('stat --json and cat (whole and --range)', () => {
      const stat = run(
        'stat',
        '--json',
        `${remote}:${bucket}/${RUN}with space+plus.txt`
      );
      assert.equal(stat.status, 0, stat.stderr);
      assert.equal((JSON.parse(stat.stdout) as IObjectStat).size, 10);
      assert.equal(
        run('cat', `${remote}:${bucket}/${RUN}a.txt`).stdout,
        'alpha'
      );
      assert.equal(
        run(
          'cat',
          '--range',
          '2-4',
          `${remote}:${bucket}/${RUN}with space+plus.txt`
        ).stdout,
        '234'
      );
      assert.equal(
        run(
          'cat',
          '--range',
          '-3',
          `${remote}:${bucket}/${RUN}with space+plus.txt`
        ).stdout,
        '789'
      );
    });

    test('rm deletes an object; rm -r --yes a folder with a count; a missing object fails with a hint', () => {
      const one = run('rm', `${remote}:${bucket}/${RUN}a.txt`);
      assert.equal(one.status, 0, one.stderr);
      const many = run('rm', '-r', '--yes', `${remote}:${bucket}/${RUN}sub`);
      assert.equal(many.status, 0, many.stderr);
      assert.match(many.stdout, /deleted 2 objects/);
      const missing = run('stat', `${remote}:${bucket}/${RUN}a.txt`);
      assert.notEqual(missing.status, 0);
      assert.match(missing.stderr, /^jupyter-buckets: No object .*\nhint: /);
    });

    test('mkdir on a bucket makes an empty folder that ls shows as a folder', async () => {
      const result = run('mkdir', `${remote}:${bucket}/${RUN}new-folder`);
      assert.equal(result.status, 0, result.stderr);
      const listed = run('ls', `${remote}:${bucket}/${RUN}`);
      assert.equal(listed.status, 0, listed.stderr);
      assert.match(listed.stdout, /^ +PRE new-folder\/$/m);
      const inside = run('ls', `${remote}:${bucket}/${RUN}new-folder/`);
      assert.equal(inside.status, 0, inside.stderr);
      assert.equal(inside.stdout.trim(), '', 'the marker is not a file');
      // The folder marker, as the S3 and GCS consoles make it.
      const marker = await backend().stat(bucket, `${RUN}new-folder/`);
      assert.equal(marker.size, 0);
      assert.equal(
        run('mkdir', `${remote}:${bucket}/${RUN}new-folder/`).status,
        0
      );
    });
  });
}

describe('local paths', () => {
  test('ls, stat, cat, rm, mkdir on the disk', () => {
    dir.write('data/one.txt', 'one');
    dir.write('data/nested/two.txt', 'two!');
    const ls = run('ls', join(dir.path, 'data'));
    assert.equal(ls.status, 0, ls.stderr);
    assert.match(ls.stdout, /^\s+PRE nested\/\n\s+3 {2}.* {2}one\.txt\n$/);
    const stat = run('stat', '--json', join(dir.path, 'data/one.txt'));
    assert.equal((JSON.parse(stat.stdout) as IObjectStat).size, 3);
    assert.equal(
      run('cat', join(dir.path, 'data/nested/two.txt')).stdout,
      'two!'
    );
    assert.equal(run('mkdir', join(dir.path, 'made/deeper')).status, 0);
    assert.ok(statSync(join(dir.path, 'made/deeper')).isDirectory());
    const rm = run('rm', '-r', '--yes', join(dir.path, 'data'));
    assert.equal(rm.status, 0, rm.stderr);
    assert.ok(!existsSync(join(dir.path, 'data')));
  });

  test('a missing local file fails with a readable message', () => {
    const result = run('cat', join(dir.path, 'nope.txt'));
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^jupyter-buckets: No file .*nope\.txt/);
  });
});
