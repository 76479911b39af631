// fsspec options from remotes as the config files define them: the secret
// stays in its file unless fsspec cannot find it there and it is asked for.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { discoverRemotes } from './discover.js';
import { fsspecOptions } from './fsspec.js';
import type { IRemoteConfig } from './types.js';

let dir: ITempDir;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = tempDir();
  env = {
    AWS_SHARED_CREDENTIALS_FILE: join(dir.path, 'aws', 'credentials'),
    AWS_CONFIG_FILE: join(dir.path, 'aws', 'config'),
    RCLONE_CONFIG: join(dir.path, 'rclone', 'rclone.conf')
  };
  dir.write(
    'aws/credentials',
    '[osn]\naws_access_key_id = AK1\naws_secret_access_key = aws-secret-1\n'
  );
  dir.write(
    'aws/config',
    '[profile osn]\nregion = us-east-1\nendpoint_url = https://osn.example.org\n\n[profile sso]\nsso_session = corp\nregion = us-west-2\n'
  );
  dir.write(
    'rclone/rclone.conf',
    [
      '[osn]\ntype = s3\nendpoint = https://osn.example.org\naccess_key_id = AK1\nsecret_access_key = aws-secret-1\n',
      '[only-rclone]\ntype = s3\nendpoint = minio.example.org:9000\naccess_key_id = AK2\nsecret_access_key = rclone-secret-2\nforce_path_style = false\n',
      '[aws-env]\ntype = s3\nenv_auth = true\nregion = eu-west-1\n',
      '[public]\ntype = s3\n',
      '[leap]\ntype = google cloud storage\nservice_account_file = /keys/leap.json\n',
      '[inline]\ntype = google cloud storage\nservice_account_credentials = {"type":"service_account","private_key":"gcs-secret-3"}\n',
      '[adc]\ntype = google cloud storage\nenv_auth = true\n',
      '[fake]\ntype = google cloud storage\nanonymous = true\nendpoint = http://127.0.0.1:4443/storage/v1/\n'
    ].join('\n')
  );
});
afterEach(() => dir.remove());

function remote(name: string): IRemoteConfig {
  const found = discoverRemotes(env).remotes.find(r => r.name === name);
  assert.ok(found, `remote ${name} discovered`);
  return found;
}

test('an AWS profile is passed by name, with its endpoint, region and path style', () => {
  assert.deepEqual(fsspecOptions(remote('osn'), { secrets: true }), {
    protocol: 's3',
    storage_options: {
      profile: 'osn',
      endpoint_url: 'https://osn.example.org',
      client_kwargs: { region_name: 'us-east-1' },
      config_kwargs: { s3: { addressing_style: 'path' } }
    }
  });
  // A profile without keys (SSO, roles) is the SDK's business, by name too.
  assert.deepEqual(fsspecOptions(remote('sso')).storage_options, {
    profile: 'sso',
    client_kwargs: { region_name: 'us-west-2' }
  });
});

test('keys in rclone.conf alone are copied only when secrets are asked for', () => {
  const without = fsspecOptions(remote('only-rclone'));
  assert.equal(without.storage_options.key, undefined);
  assert.doesNotMatch(JSON.stringify(without), /rclone-secret-2/);
  assert.match(without.missingSecret ?? '', /rclone\.conf only/);
  assert.deepEqual(fsspecOptions(remote('only-rclone'), { secrets: true }), {
    protocol: 's3',
    storage_options: {
      key: 'AK2',
      secret: 'rclone-secret-2',
      endpoint_url: 'https://minio.example.org:9000'
    }
  });
});

test("the environment's credentials and anonymous access need no secret", () => {
  assert.deepEqual(fsspecOptions(remote('aws-env')).storage_options, {
    client_kwargs: { region_name: 'eu-west-1' }
  });
  assert.deepEqual(fsspecOptions(remote('public')).storage_options, {
    anon: true
  });
});

test('GCS: a key file by path, an inline key only on request, ADC, and an emulator', () => {
  assert.deepEqual(fsspecOptions(remote('leap')), {
    protocol: 'gs',
    storage_options: { token: '/keys/leap.json' }
  });
  const inline = fsspecOptions(remote('inline'));
  assert.doesNotMatch(JSON.stringify(inline), /gcs-secret-3/);
  assert.match(inline.missingSecret ?? '', /inline/);
  assert.deepEqual(
    fsspecOptions(remote('inline'), { secrets: true }).storage_options,
    { token: { type: 'service_account', private_key: 'gcs-secret-3' } }
  );
  assert.deepEqual(fsspecOptions(remote('adc')).storage_options, {
    token: 'google_default'
  });
  assert.deepEqual(fsspecOptions(remote('fake')).storage_options, {
    token: 'anon',
    endpoint_url: 'http://127.0.0.1:4443'
  });
});
