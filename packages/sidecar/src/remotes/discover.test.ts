// Discovery across AWS, rclone and GOOGLE_APPLICATION_CREDENTIALS: merged by
// name, tolerant of broken files, never writing, never exposing a secret.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { discoverRemotes, publicRemoteList } from './discover.js';

let dir: ITempDir;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = tempDir();
  env = {
    AWS_SHARED_CREDENTIALS_FILE: join(dir.path, 'aws', 'credentials'),
    AWS_CONFIG_FILE: join(dir.path, 'aws', 'config'),
    RCLONE_CONFIG: join(dir.path, 'rclone', 'rclone.conf')
  };
});
afterEach(() => dir.remove());

const AWS_SECRET = 'aws-secret-wJalrXUtnFEMI';
const RCLONE_SECRET = 'rclone-secret-K7MDENG';
const SESSION = 'session-token-FwoGZXIvYXdz';

function writeSamples(): void {
  dir.write(
    'aws/credentials',
    `[shared]\naws_access_key_id = AK1\naws_secret_access_key = ${AWS_SECRET}\naws_session_token = ${SESSION}\n`
  );
  dir.write(
    'aws/config',
    '[profile shared]\nregion = us-east-1\nendpoint_url = http://aws-side.example\n'
  );
  dir.write(
    'rclone/rclone.conf',
    `[shared]\ntype = s3\nendpoint = http://rclone-side.example\nregion = eu-west-1\naccess_key_id = AK2\nsecret_access_key = ${RCLONE_SECRET}\n\n[only-rclone]\ntype = s3\nendpoint = http://only.example\naccess_key_id = AK3\nsecret_access_key = ${RCLONE_SECRET}\n`
  );
}

test('a name in both AWS and rclone is one remote with both sources; AWS values win', () => {
  writeSamples();
  const { remotes, problems } = discoverRemotes(env);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    remotes.map(r => r.name),
    ['only-rclone', 'shared']
  );
  const shared = remotes.find(r => r.name === 'shared');
  assert.deepEqual(shared?.sources, ['aws', 'rclone']);
  assert.equal(shared?.endpoint, 'http://aws-side.example');
  assert.equal(shared?.region, 'us-east-1');
  assert.equal(shared?.s3?.accessKeyId, 'AK1');
});

test('GOOGLE_APPLICATION_CREDENTIALS becomes a gcs remote unless one is named gcs already', () => {
  const key = dir.write(
    'key.json',
    '{"type":"service_account","private_key":"PRIVATE"}'
  );
  let remotes = discoverRemotes({
    ...env,
    GOOGLE_APPLICATION_CREDENTIALS: key
  }).remotes;
  assert.deepEqual(
    remotes.map(r => [r.name, r.provider, r.sources.join()]),
    [['gcs', 'gcs', 'env']]
  );
  dir.write(
    'rclone/rclone.conf',
    '[gcs]\ntype = google cloud storage\nanonymous = true\n'
  );
  remotes = discoverRemotes({
    ...env,
    GOOGLE_APPLICATION_CREDENTIALS: key
  }).remotes;
  assert.deepEqual(
    remotes.map(r => [r.name, r.sources.join()]),
    [['gcs', 'rclone']]
  );
});

test('malformed files: the good remotes are listed, the bad ones reported, no file rewritten', () => {
  const files = [
    dir.write(
      'aws/credentials',
      '[good-aws]\naws_access_key_id = A\naws_secret_access_key = B\n[bad-aws\naws_access_key_id = C\n'
    ),
    dir.write('aws/config', '[profile good-aws]\nregion = us-east-1\n'),
    dir.write(
      'rclone/rclone.conf',
      '[good-rclone]\ntype = s3\n\n[bad-rclone]\ntype = s3\nthis is not ini\n'
    )
  ];
  const before = files.map(file => ({
    bytes: readFileSync(file),
    mtime: statSync(file).mtimeMs
  }));

  const list = publicRemoteList(discoverRemotes(env));

  assert.deepEqual(
    list.remotes.map(r => r.name),
    ['good-aws', 'good-rclone']
  );
  assert.deepEqual(
    list.problems.map(p => [p.source, p.file, p.remote]),
    [
      ['aws', files[0], 'bad-aws'],
      ['rclone', files[2], 'bad-rclone']
    ]
  );
  assert.match(list.problems[0].message, /line 4/);
  assert.match(list.problems[1].message, /line 6/);

  files.forEach((file, index) => {
    assert.deepEqual(
      readFileSync(file),
      before[index].bytes,
      `${file} was rewritten`
    );
    assert.equal(
      statSync(file).mtimeMs,
      before[index].mtime,
      `${file} was touched`
    );
  });
});

test('the public view never contains a secret', () => {
  writeSamples();
  const key = dir.write('key.json', '{"private_key":"PRIVATE-KEY-MATERIAL"}');
  dir.write(
    'rclone/rclone.conf',
    `${readFileSync(env.RCLONE_CONFIG as string, 'utf8')}\n[inline-gcs]\ntype = google cloud storage\nservice_account_credentials = {"private_key":"INLINE-PRIVATE"}\n`
  );
  const discovered = discoverRemotes({
    ...env,
    GOOGLE_APPLICATION_CREDENTIALS: key
  });
  // The internal records do hold the secrets...
  assert.match(JSON.stringify(discovered), new RegExp(AWS_SECRET));
  // ...the public list does not, nor the key ids or key file paths.
  const text = JSON.stringify(publicRemoteList(discovered));
  for (const secret of [
    AWS_SECRET,
    RCLONE_SECRET,
    SESSION,
    'AK1',
    'AK2',
    'AK3',
    'INLINE-PRIVATE',
    key
  ]) {
    assert.ok(!text.includes(secret), `public remote list contains ${secret}`);
  }
  assert.ok(text.includes('"hasCredentials":true'));
});
