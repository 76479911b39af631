// rclone remotes: s3 and google cloud storage types; others ignored.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { gcsApiEndpoint, rclonePath, readRcloneRemotes } from './rclone.js';

let dir: ITempDir;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = tempDir();
  env = { RCLONE_CONFIG: dir.write('rclone.conf', '') };
});
afterEach(() => dir.remove());

const SAMPLE = `[osn]
type = s3
provider = Ceph
endpoint = https://osn.example.org
access_key_id = AKID
secret_access_key = SECRET
region = us-east-1
force_path_style = false

[public-s3]
type = s3
provider = AWS

[env-s3]
type = s3
env_auth = true

[leap]
type = google cloud storage
service_account_file = ~/keys/leap.json
project_number = 123

[fake-gcs]
type = google cloud storage
anonymous = true
endpoint = http://127.0.0.1:4443/storage/v1/

[my drive]
type = drive
token = {"access_token":"x"}
`;

test('s3 and google cloud storage remotes are read, other types ignored', () => {
  dir.write('rclone.conf', SAMPLE);
  const { remotes, problems } = readRcloneRemotes(env);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    remotes.map(r => [r.name, r.provider]),
    [
      ['osn', 's3'],
      ['public-s3', 's3'],
      ['env-s3', 's3'],
      ['leap', 'gcs'],
      ['fake-gcs', 'gcs']
    ]
  );
  const byName = new Map(remotes.map(r => [r.name, r]));
  const osn = byName.get('osn');
  assert.equal(osn?.endpoint, 'https://osn.example.org');
  assert.equal(osn?.region, 'us-east-1');
  assert.equal(osn?.s3?.accessKeyId, 'AKID');
  assert.equal(osn?.s3?.forcePathStyle, false);
  assert.equal(osn?.anonymous, false);
  assert.deepEqual(osn?.sources, ['rclone']);
  // rclone: no keys and no env_auth means anonymous.
  assert.equal(byName.get('public-s3')?.anonymous, true);
  assert.equal(byName.get('env-s3')?.anonymous, false);
  assert.equal(byName.get('env-s3')?.s3?.envAuth, true);
  assert.equal(byName.get('leap')?.gcs?.projectId, '123');
  assert.match(byName.get('leap')?.gcs?.keyFile ?? '', /\/keys\/leap\.json$/);
  assert.equal(byName.get('leap')?.hasCredentials, true);
  assert.equal(byName.get('fake-gcs')?.anonymous, true);
  assert.equal(byName.get('fake-gcs')?.endpoint, 'http://127.0.0.1:4443');
});

test("rclone's /storage/v1/ endpoint form becomes the SDK's API root", () => {
  assert.equal(
    gcsApiEndpoint('http://127.0.0.1:4443/storage/v1/'),
    'http://127.0.0.1:4443'
  );
  assert.equal(
    gcsApiEndpoint('https://storage.example/storage/v1'),
    'https://storage.example'
  );
  assert.equal(gcsApiEndpoint('storage.example'), 'https://storage.example');
  assert.equal(gcsApiEndpoint(undefined), undefined);
});

test('a broken remote is reported with its line; the good ones are still listed', () => {
  const file = dir.write(
    'rclone.conf',
    '[good]\ntype = s3\n\n[bad]\ntype = s3\nendpoint\n'
  );
  const { remotes, problems } = readRcloneRemotes(env);
  assert.deepEqual(
    remotes.map(r => r.name),
    ['good']
  );
  assert.deepEqual(
    problems.map(p => [p.file, p.remote, p.source]),
    [[file, 'bad', 'rclone']]
  );
  assert.match(problems[0].message, /line 6/);
});

test('a missing rclone.conf is not a problem', () => {
  assert.deepEqual(
    readRcloneRemotes({ RCLONE_CONFIG: `${dir.path}/nope.conf` }),
    {
      remotes: [],
      problems: []
    }
  );
});

describe('rclone.conf is the file rclone itself would use', () => {
  // rclone (fs/config makeConfigPath): $RCLONE_CONFIG; else
  // <dir>/rclone.conf where <dir> is $XDG_CONFIG_HOME/rclone when that is
  // set, ~/.config/rclone otherwise; else ~/.rclone.conf; and a new file
  // goes to <dir>/rclone.conf.
  let home: string;
  let xdg: string;
  beforeEach(() => {
    home = join(dir.path, 'home');
    xdg = join(dir.path, 'xdg');
  });

  test('$RCLONE_CONFIG wins over every other file', () => {
    dir.write('xdg/rclone/rclone.conf', '');
    dir.write('home/.rclone.conf', '');
    const chosen = join(dir.path, 'mine.conf');
    assert.equal(
      rclonePath({ RCLONE_CONFIG: chosen, XDG_CONFIG_HOME: xdg, HOME: home }),
      chosen
    );
  });

  test('$XDG_CONFIG_HOME/rclone/rclone.conf comes first when it exists', () => {
    const file = dir.write('xdg/rclone/rclone.conf', SAMPLE);
    dir.write('home/.config/rclone/rclone.conf', '');
    dir.write('home/.rclone.conf', '');
    assert.equal(rclonePath({ XDG_CONFIG_HOME: xdg, HOME: home }), file);
    const names = readRcloneRemotes({
      XDG_CONFIG_HOME: xdg,
      HOME: home
    }).remotes.map(r => r.name);
    assert.ok(names.includes('osn'), names.join(', '));
  });

  test('with $XDG_CONFIG_HOME set, ~/.config/rclone is not where rclone looks', () => {
    dir.write('home/.config/rclone/rclone.conf', '');
    const legacy = dir.write('home/.rclone.conf', '');
    assert.equal(rclonePath({ XDG_CONFIG_HOME: xdg, HOME: home }), legacy);
  });

  test('without $XDG_CONFIG_HOME: ~/.config/rclone/rclone.conf, then ~/.rclone.conf', () => {
    const legacy = dir.write('home/.rclone.conf', '');
    assert.equal(rclonePath({ HOME: home }), legacy);
    const file = dir.write('home/.config/rclone/rclone.conf', '');
    assert.equal(rclonePath({ HOME: home }), file);
  });

  test('when none exists, a new one goes where rclone would create it', () => {
    assert.equal(
      rclonePath({ XDG_CONFIG_HOME: xdg, HOME: home }),
      join(xdg, 'rclone', 'rclone.conf')
    );
    assert.equal(
      rclonePath({ HOME: home }),
      join(home, '.config', 'rclone', 'rclone.conf')
    );
  });
});
