// Each provider's SDK loads when one of its remotes is used, and only then
// (the bundled CLI on the demo remotes), and the code cache of a command
// grows to the providers its runs used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { codeCacheRoot } from '../cli/code-cache.js';
import { evaluatedModules, FRONT_DOOR } from '../testing/evaluated.js';
import { harness } from '../testing/harness.js';
import { tempDir } from '../testing/tempdir.js';

harness();

const AWS = /(^|\/)node_modules\/(@aws-sdk|@smithy)\//;
const GOOGLE =
  /(^|\/)node_modules\/(@google-cloud|google-auth-library|gaxios|gcp-metadata)\//;
// undici's index and what only it loads (fetch, WebSocket, cookies, mocks),
// which bring Node's own copy of undici too: ~45 ms of every start.
const UNDICI_INDEX =
  /(^|\/)node_modules\/undici\/(index\.js|lib\/(web|mock|cache)\/)/;
const S3_FOLDER = 'demo-s3:climate-data/';
const GCS_FOLDER = 'demo-gcs:leap-persistent/';

for (const [provider, folder, needed, unneeded] of [
  ['s3', S3_FOLDER, AWS, GOOGLE],
  ['gcs', GCS_FOLDER, GOOGLE, AWS]
] as const) {
  test(`ls of a ${provider} remote evaluates its own SDK, not the other's`, () => {
    const run = evaluatedModules(['ls', folder]);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(run.stdout.length > 0);
    assert.ok(run.evaluated.some(path => needed.test(path)));
    assert.ok(run.evaluated.includes(`lib/backends/${provider}/backend.js`));
    assert.deepEqual(
      run.evaluated.filter(path => unneeded.test(path)),
      []
    );
    assert.ok(run.skipped.some(path => unneeded.test(path)));
    assert.ok(
      run.evaluated.some(path => path.includes('node_modules/undici/')),
      'undici sends the requests'
    );
    assert.deepEqual(
      run.evaluated.filter(path => UNDICI_INDEX.test(path)),
      [],
      "only undici's dispatcher and request API"
    );
  });
}

test("a command's code cache is written again when a run uses a provider it lacks", () => {
  const dir = tempDir();
  try {
    dir.write('local/a.txt', 'a');
    const env = {
      ...process.env,
      HOME: dir.path,
      XDG_CACHE_HOME: join(dir.path, 'cache'),
      NODE_DISABLE_COMPILE_CACHE: ''
    };
    const root = codeCacheRoot(env, process.platform, () => dir.path);
    const ls = (location: string) => {
      const result = spawnSync(process.execPath, [FRONT_DOOR, 'ls', location], {
        encoding: 'utf8',
        timeout: 30_000,
        env
      });
      assert.equal(result.status, 0, result.stderr);
      const files = existsSync(root)
        ? readdirSync(root, { recursive: true, withFileTypes: true })
            .filter(entry => entry.isFile())
            .map(entry => join(entry.parentPath, entry.name))
        : [];
      assert.equal(files.length, 1, String(files));
      return {
        name: basename(files[0]).replace(/^[0-9a-f]{8}-[0-9a-f]{8}-/, ''),
        data: readFileSync(files[0])
      };
    };
    const local = ls(join(dir.path, 'local'));
    assert.equal(local.name, 'ls.bin');
    const s3 = ls(S3_FOLDER);
    assert.equal(s3.name, 'ls+s3.bin', 'the cache without S3 is replaced');
    assert.ok(s3.data.length > local.data.length);
    assert.deepEqual(ls(S3_FOLDER), s3, 'a cache with S3 is kept for S3');
    const both = ls(GCS_FOLDER);
    assert.equal(both.name, 'ls+gcs+s3.bin');
    assert.deepEqual(ls(join(dir.path, 'local')), both, 'and for the disk');
  } finally {
    dir.remove();
  }
});
