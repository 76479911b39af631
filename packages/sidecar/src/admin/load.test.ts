// The admin's jupyter_buckets.json: where it is looked for, how files merge,
// {username}, and what a broken file or entry does (reported, naming the file
// and the key; the good entries still apply; a broken entry closes writes).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { discoverRemotes } from '../remotes/discover.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { readAdminConfig } from './load.js';
import { configFiles, jupyterConfigPath } from './paths.js';

describe("Jupyter's config path", () => {
  const base = { HOME: '/home/u' };
  test('a virtualenv puts its own directory first, as jupyter --paths does', () => {
    assert.deepEqual(
      jupyterConfigPath({
        ...base,
        JUPYTER_BUCKETS_PYTHON_PREFIX: '/opt/venv',
        JUPYTER_BUCKETS_PYTHON_BASE_PREFIX: '/usr'
      }),
      [
        '/opt/venv/etc/jupyter',
        '/home/u/.jupyter',
        '/usr/local/etc/jupyter',
        '/etc/jupyter'
      ]
    );
  });
  test('JUPYTER_CONFIG_PATH comes first; JUPYTER_PREFER_ENV_PATH=0 puts the user first', () => {
    assert.deepEqual(
      jupyterConfigPath({
        ...base,
        JUPYTER_CONFIG_PATH: '/a/:/b',
        JUPYTER_PREFER_ENV_PATH: '0',
        JUPYTER_CONFIG_DIR: '/cfg',
        JUPYTER_BUCKETS_PYTHON_PREFIX: '/opt/venv',
        JUPYTER_BUCKETS_PYTHON_BASE_PREFIX: '/usr'
      }),
      [
        '/a',
        '/b',
        '/cfg',
        '/opt/venv/etc/jupyter',
        '/usr/local/etc/jupyter',
        '/etc/jupyter'
      ]
    );
  });
  test("the Jupyter server's own list wins, and $JUPYTER_BUCKETS_CONFIG is above it", () => {
    assert.deepEqual(
      configFiles({
        ...base,
        JUPYTER_BUCKETS_CONFIG_PATH: '/x:/y',
        JUPYTER_BUCKETS_CONFIG: '/z/hub.json'
      }),
      ['/z/hub.json', '/x/jupyter_buckets.json', '/y/jupyter_buckets.json']
    );
    assert.deepEqual(jupyterConfigPath({ ...base, JUPYTER_NO_CONFIG: '1' }), [
      '/home/u/.jupyter'
    ]);
  });
});

describe('reading and merging jupyter_buckets.json', () => {
  let dir: ITempDir;
  let env: NodeJS.ProcessEnv;
  before(() => {
    dir = tempDir();
    env = {
      HOME: dir.path,
      JUPYTERHUB_USER: 'alice',
      JUPYTER_BUCKETS_CONFIG_PATH: `${dir.path}/user:${dir.path}/system`,
      AWS_CONFIG_FILE: `${dir.path}/aws/config`,
      AWS_SHARED_CREDENTIALS_FILE: `${dir.path}/aws/credentials`,
      RCLONE_CONFIG: `${dir.path}/rclone.conf`
    };
  });
  after(() => dir.remove());

  test('higher precedence wins setting by setting; {username} is filled in', () => {
    const system = dir.write(
      'system/jupyter_buckets.json',
      JSON.stringify({
        remotes: {
          persistent: {
            provider: 'gcs',
            readOnly: true,
            writablePrefixes: ['leap-persistent/{username}'],
            bookmarks: ['leap-persistent/{username}/']
          },
          scratch: { provider: 'gcs', purgeAfterDays: 7 }
        }
      })
    );
    const user = dir.write(
      'user/jupyter_buckets.json',
      JSON.stringify({ remotes: { persistent: { readOnly: false } } })
    );
    const config = readAdminConfig(env);
    assert.deepEqual(config.problems, []);
    assert.deepEqual(config.files, [user, system]);
    const persistent = config.remotes.get('persistent');
    assert.equal(persistent?.readOnly, false);
    assert.equal(persistent?.setBy.readOnly, user);
    assert.deepEqual(persistent?.writablePrefixes, ['leap-persistent/alice']);
    assert.equal(persistent?.setBy.writablePrefixes, system);
    assert.deepEqual(persistent?.bookmarks, ['leap-persistent/alice/']);
    assert.equal(config.remotes.get('scratch')?.purgeAfterDays, 7);
  });

  test('remotes it defines and rules it adds reach the remote list', () => {
    dir.write(
      'aws/credentials',
      '[osn]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secretsecret\n'
    );
    dir.write(
      'aws/config',
      '[profile osn]\nendpoint_url = https://ex.osn.example.org\n'
    );
    dir.write(
      'user/jupyter_buckets.json',
      JSON.stringify({
        remotes: {
          osn: { writablePrefixes: ['bucket/{username}/'] },
          pubs: {
            provider: 's3',
            endpoint: 'https://pubs.example.org',
            anonymous: true,
            readOnly: true
          },
          hubs3: { provider: 's3' }
        }
      })
    );
    const { remotes, problems } = discoverRemotes(env);
    assert.deepEqual(problems, []);
    const byName = new Map(remotes.map(r => [r.name, r]));
    const osn = byName.get('osn');
    assert.deepEqual(osn?.sources, ['aws', 'admin']);
    assert.deepEqual(osn?.policy?.writablePrefixes, ['bucket/alice/']);
    assert.equal(osn?.s3?.accessKeyId, 'AKIAEXAMPLE', 'its own keys are kept');
    const pubs = byName.get('pubs');
    assert.equal(pubs?.anonymous, true);
    assert.equal(pubs?.policy?.readOnly, true);
    assert.equal(pubs?.s3?.forcePathStyle, true);
    // No secret in the file: the SDK's default chain (IRSA, instance role, AWS_*).
    assert.deepEqual(byName.get('hubs3')?.s3, {
      forcePathStyle: false,
      envAuth: true
    });
    assert.deepEqual(byName.get('hubs3')?.sources, ['admin', 'env']);
    assert.deepEqual(pubs?.sources, ['admin']);
  });

  test('a broken entry is reported with file and key, closes its remote to writes, and the rest applies', () => {
    dir.write(
      'aws/credentials',
      '[osn]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secretsecret\n'
    );
    const user = dir.write(
      'user/jupyter_buckets.json',
      JSON.stringify({
        remotes: {
          osn: { readOnly: 'no', colour: 'red' },
          'bad name': { provider: 's3' },
          pubs: { provider: 's3', anonymous: true, readOnly: true }
        },
        extra: true
      })
    );
    const { remotes, problems } = discoverRemotes(env);
    const messages = problems.map(
      p => `${p.file}|${p.remote ?? ''}|${p.message}`
    );
    assert.ok(
      messages.some(m =>
        m.startsWith(`${user}|osn|remotes.osn.readOnly must be boolean`)
      ),
      messages.join('\n')
    );
    assert.ok(
      messages.some(m =>
        m.startsWith(`${user}|osn|remotes.osn.colour is not a setting`)
      ),
      messages.join('\n')
    );
    assert.ok(
      messages.some(m =>
        m.startsWith(`${user}||remotes."bad name" is not a usable remote name`)
      ),
      messages.join('\n')
    );
    assert.ok(
      messages.some(m => m.startsWith(`${user}||extra is not a setting`)),
      messages.join('\n')
    );
    const osn = remotes.find(r => r.name === 'osn');
    assert.equal(osn?.policy?.readOnly, true, 'a broken rule closes writes');
    assert.equal(osn?.policy?.setBy.readOnly, user);
    assert.equal(remotes.find(r => r.name === 'pubs')?.policy?.readOnly, true);
    assert.ok(!remotes.some(r => r.name === 'bad name'));
  });

  test('a file that is not JSON is reported and skipped; the other files apply', () => {
    const user = dir.write('user/jupyter_buckets.json', '{"remotes": {,}');
    dir.write(
      'system/jupyter_buckets.json',
      JSON.stringify({
        remotes: { scratch: { provider: 'gcs', purgeAfterDays: 3 } }
      })
    );
    const config = readAdminConfig(env);
    assert.equal(config.problems.length, 1);
    assert.equal(config.problems[0].file, user);
    assert.match(config.problems[0].message, /^Not valid JSON/);
    assert.equal(config.remotes.get('scratch')?.purgeAfterDays, 3);
  });

  test('a user name that cannot be part of a path leaves out the paths that use it', () => {
    dir.write(
      'user/jupyter_buckets.json',
      JSON.stringify({
        remotes: {
          persistent: {
            provider: 'gcs',
            writablePrefixes: ['p/{username}/', 'shared/']
          }
        }
      })
    );
    const config = readAdminConfig({ ...env, JUPYTERHUB_USER: '../bob' });
    assert.deepEqual(config.remotes.get('persistent')?.writablePrefixes, [
      'shared/'
    ]);
    assert.match(
      config.problems[0].message,
      /\{username\} cannot be filled in/
    );
  });
});
