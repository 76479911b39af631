// AWS profiles from the credentials and config files, as the AWS CLI reads them.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { awsPaths, readAwsRemotes } from './aws.js';

let dir: ITempDir;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = tempDir();
  env = {
    AWS_SHARED_CREDENTIALS_FILE: join(dir.path, 'credentials'),
    AWS_CONFIG_FILE: join(dir.path, 'config')
  };
});
afterEach(() => dir.remove());

test('a profile in both files: keys from credentials, endpoint and region from config', () => {
  dir.write(
    'credentials',
    '[osn]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\n'
  );
  dir.write(
    'config',
    '[profile osn]\nregion = us-west-2\nendpoint_url = https://osn.example.org\n'
  );
  const { remotes, problems } = readAwsRemotes(env);
  assert.deepEqual(problems, []);
  assert.equal(remotes.length, 1);
  const [osn] = remotes;
  assert.equal(osn.name, 'osn');
  assert.equal(osn.provider, 's3');
  assert.deepEqual(osn.sources, ['aws']);
  assert.equal(osn.endpoint, 'https://osn.example.org');
  assert.equal(osn.region, 'us-west-2');
  assert.equal(osn.hasCredentials, true);
  assert.equal(osn.s3?.accessKeyId, 'AKID');
  assert.equal(osn.s3?.secretAccessKey, 'SECRET');
});

test('the endpoint may come from a services section (and wins over the top-level one)', () => {
  dir.write(
    'config',
    [
      '[profile ceph]',
      'services = my-ceph',
      'endpoint_url = https://global.example',
      '',
      '[services my-ceph]',
      's3 =',
      '  endpoint_url = https://ceph.example:8443',
      ''
    ].join('\n')
  );
  const [ceph] = readAwsRemotes(env).remotes;
  assert.equal(ceph.endpoint, 'https://ceph.example:8443');
});

test('profiles found in only one of the two files are listed too', () => {
  dir.write(
    'credentials',
    '[only-keys]\naws_access_key_id = A\naws_secret_access_key = B\n'
  );
  dir.write(
    'config',
    '[default]\nregion = eu-west-1\n[profile only-config]\nregion = us-east-2\n[sso-session x]\nsso_region = y\n'
  );
  const remotes = readAwsRemotes(env).remotes;
  assert.deepEqual(remotes.map(r => r.name).sort(), [
    'default',
    'only-config',
    'only-keys'
  ]);
  const onlyConfig = remotes.find(r => r.name === 'only-config');
  assert.equal(onlyConfig?.hasCredentials, false);
  // Without keys of its own the AWS SDK resolves credentials for this profile.
  assert.equal(onlyConfig?.s3?.profile, 'only-config');
  assert.equal(remotes.find(r => r.name === 'default')?.region, 'eu-west-1');
});

test('in the config file a section without "profile " (other than default) is not a profile', () => {
  dir.write('config', '[notaprofile]\nregion = x\n');
  assert.deepEqual(readAwsRemotes(env).remotes, []);
});

test('missing files are not a problem', () => {
  assert.deepEqual(readAwsRemotes(env), { remotes: [], problems: [] });
});

test('AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE are honoured, with ~ expanded', () => {
  assert.deepEqual(
    awsPaths({
      AWS_SHARED_CREDENTIALS_FILE: '~/x/creds',
      AWS_CONFIG_FILE: '/etc/aws'
    }),
    {
      credentials: join(homedir(), 'x', 'creds'),
      config: '/etc/aws'
    }
  );
  assert.deepEqual(awsPaths({}), {
    credentials: join(homedir(), '.aws', 'credentials'),
    config: join(homedir(), '.aws', 'config')
  });
});

test('a profile with an unreadable line is reported, not used; the others still are', () => {
  const file = dir.write(
    'credentials',
    '[good]\naws_access_key_id = A\naws_secret_access_key = B\n\n[bad]\naws_access_key_id A2\n'
  );
  const { remotes, problems } = readAwsRemotes(env);
  assert.deepEqual(
    remotes.map(r => r.name),
    ['good']
  );
  assert.equal(problems.length, 1);
  assert.equal(problems[0].file, file);
  assert.equal(problems[0].remote, 'bad');
  assert.equal(problems[0].source, 'aws');
  assert.match(problems[0].message, /line 6/);
});
