// Saving remotes to real files in a temporary folder: both worlds written,
// everything else byte for byte, modes, symlinks, conflicts, backups, refusals.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import { join } from 'node:path';
import type { IErrorBody, IRemoteInput } from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { BACKUP_SUFFIX } from './atomic.js';
import { RemoteManager } from './manager.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const KEY_ID = 'JBTESTKEYIDEXAMPLE01';

const CREDENTIALS =
  '# keys\r\n[other]\r\naws_access_key_id = AKIAOTHER\r\naws_secret_access_key = othersecret\r\n';
const CONFIG =
  '[default]\nregion = eu-west-1\n\n[profile other]\nregion=us-west-2\n; mine\n[sso-session corp]\nsso_region = us-east-1';
const RCLONE =
  '# rclone\n[gdrive]\ntype = drive\ntoken = {"a":1}\n\n  [  spaced  ]\ntype = sftp\n';

let dir: ITempDir;
let env: NodeJS.ProcessEnv;
let paths: { credentials: string; config: string; rclone: string };

function osn(overrides: Partial<IRemoteInput> = {}): IRemoteInput {
  return {
    name: 'pod',
    preset: 'osn',
    endpoint: 'https://ncar.osn.mghpcc.org',
    accessKeyId: KEY_ID,
    secretAccessKey: SECRET,
    ...overrides
  };
}

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

function snapshotAll(): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else {
        result[full] = readFileSync(full, 'utf8');
      }
    }
  };
  walk(dir.path);
  return result;
}

function refusal(work: () => unknown): IErrorBody['error'] {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof ApiError, String(error));
    return error.toBody().error;
  }
  assert.fail('expected a refusal');
}

beforeEach(() => {
  dir = tempDir();
  paths = {
    credentials: dir.write('aws/credentials', CREDENTIALS),
    config: dir.write('aws/config', CONFIG),
    rclone: dir.write('rclone/rclone.conf', RCLONE)
  };
  chmodSync(paths.credentials, 0o600);
  chmodSync(paths.config, 0o644);
  env = {
    AWS_SHARED_CREDENTIALS_FILE: paths.credentials,
    AWS_CONFIG_FILE: paths.config,
    RCLONE_CONFIG: paths.rclone,
    XDG_CONFIG_HOME: join(dir.path, 'xdg'),
    HOME: join(dir.path, 'home')
  };
});

afterEach(() => dir.remove());

describe('saving an OSN remote', () => {
  test('writes both worlds and leaves every other byte alone', () => {
    new RemoteManager(env).create(osn({ bookmarks: ['climate-data'] }));
    assert.equal(
      read(paths.credentials),
      `${CREDENTIALS}\r\n[pod]\r\naws_access_key_id = ${KEY_ID}\r\naws_secret_access_key = ${SECRET}\r\n`
    );
    // The config file had no final newline: the new section is separated properly.
    assert.equal(
      read(paths.config),
      `${CONFIG}\n\n[profile pod]\nregion = us-east-1\nendpoint_url = https://ncar.osn.mghpcc.org`
    );
    assert.equal(
      read(paths.rclone),
      `${RCLONE}\n[pod]\ntype = s3\nprovider = Ceph\naccess_key_id = ${KEY_ID}\nsecret_access_key = ${SECRET}\nregion = us-east-1\nendpoint = https://ncar.osn.mghpcc.org\n`
    );
    const extras = JSON.parse(
      read(join(dir.path, 'xdg/jupyter-buckets/remotes.json'))
    );
    assert.deepEqual(extras.remotes.pod, {
      preset: 'osn',
      bookmarks: ['climate-data']
    });
    assert.equal(
      mode(join(dir.path, 'xdg/jupyter-buckets/remotes.json')),
      0o600
    );
  });

  test('files holding secrets end up 0600; a looser config file is tightened, a tighter one kept', () => {
    chmodSync(paths.rclone, 0o400);
    new RemoteManager(env).create(osn());
    assert.equal(mode(paths.credentials), 0o600);
    assert.equal(mode(paths.config), 0o600);
    assert.equal(mode(paths.rclone), 0o400);
  });

  test('new files are created 0600 in new folders', () => {
    const fresh = {
      ...env,
      AWS_SHARED_CREDENTIALS_FILE: join(dir.path, 'new/aws/credentials'),
      RCLONE_CONFIG: join(dir.path, 'new/rclone.conf')
    };
    new RemoteManager(fresh).create(osn());
    assert.equal(mode(fresh.AWS_SHARED_CREDENTIALS_FILE), 0o600);
    assert.equal(mode(fresh.RCLONE_CONFIG), 0o600);
    assert.equal(existsSync(`${fresh.RCLONE_CONFIG}${BACKUP_SUFFIX}`), false);
  });

  test('a symlinked config file is written through to its target', () => {
    const target = dir.write('dotfiles/rclone.conf', RCLONE);
    const link = join(dir.path, 'rclone/linked.conf');
    symlinkSync(target, link);
    new RemoteManager({ ...env, RCLONE_CONFIG: link }).create(osn());
    assert.ok(
      statSync(link, { throwIfNoEntry: true }) &&
        readFileSync(link, 'utf8').includes('[pod]')
    );
    assert.ok(read(target).startsWith(RCLONE));
    assert.ok(read(target).includes('[pod]'));
    // Still a link: the target was replaced, not the link.
    assert.ok(readdirSync(join(dir.path, 'rclone')).includes('linked.conf'));
    assert.ok(existsSync(`${target}${BACKUP_SUFFIX}`));
  });

  test('the first rewrite keeps a backup (same bytes, 0600); later ones keep that first backup', () => {
    const manager = new RemoteManager(env);
    manager.create(osn());
    const backup = `${paths.rclone}${BACKUP_SUFFIX}`;
    assert.equal(read(backup), RCLONE);
    assert.equal(mode(backup), 0o600);
    manager.update('pod', {
      name: 'pod',
      preset: 'osn',
      endpoint: 'https://other.osn.mghpcc.org'
    });
    assert.equal(read(backup), RCLONE);
  });

  test('a file changed on disk between read and write: conflict, and no file is written', () => {
    const before = snapshotAll();
    const manager = new RemoteManager(env, {
      beforeRename: () =>
        writeFileSync(paths.rclone, `${RCLONE}# edited by hand\n`)
    });
    const error = refusal(() => manager.create(osn()));
    assert.equal(error.code, 'conflict');
    assert.match(error.message, /rclone\.conf changed on disk/);
    const after = snapshotAll();
    assert.equal(after[paths.rclone], `${RCLONE}# edited by hand\n`);
    delete after[paths.rclone];
    delete before[paths.rclone];
    assert.deepEqual(after, before, 'nothing else written, no temp files left');
  });

  test('a config file that is not valid INI is never rewritten: config_invalid names the file and line', () => {
    writeFileSync(
      paths.config,
      '[profile x]\nregion = us-east-1\nthis line is not ini\n'
    );
    const before = snapshotAll();
    const error = refusal(() => new RemoteManager(env).create(osn()));
    assert.equal(error.code, 'config_invalid');
    assert.ok(error.message.includes(paths.config), error.message);
    assert.match(error.message, /line 3/);
    assert.deepEqual(snapshotAll(), before);
  });
});

describe('editing, renaming, deleting', () => {
  test('an edit without the secret keeps the saved one; a rename moves both sections', () => {
    const manager = new RemoteManager(env);
    manager.create(osn());
    const detail = manager.update('pod', {
      name: 'pod2',
      preset: 'osn',
      endpoint: 'https://ncar.osn.mghpcc.org',
      region: 'us-west-1'
    });
    assert.equal(detail.name, 'pod2');
    assert.equal(detail.secretAccessKeyHint, '••••EKEY');
    assert.ok(
      read(paths.credentials).includes(
        `[pod2]\r\naws_access_key_id = ${KEY_ID}\r\naws_secret_access_key = ${SECRET}`
      )
    );
    assert.ok(!read(paths.credentials).includes('[pod]'));
    assert.ok(
      read(paths.config).includes('[profile pod2]\nregion = us-west-1')
    );
    assert.ok(read(paths.rclone).includes('[pod2]\ntype = s3'));
    assert.ok(!read(paths.rclone).includes('[pod]'));
    assert.ok(read(paths.rclone).includes(`secret_access_key = ${SECRET}`));
  });

  test("a remote with the hub admin's rules keeps its name: a rename is refused, nothing changes", () => {
    const manager = new RemoteManager(env);
    manager.create(osn());
    const rules = dir.write(
      'etc/jupyter_buckets.json',
      JSON.stringify({ remotes: { pod: { readOnly: true } } })
    );
    const governed = new RemoteManager({
      ...env,
      JUPYTER_BUCKETS_CONFIG: rules
    });
    const before = snapshotAll();
    const error = refusal(() =>
      governed.update('pod', {
        name: 'pod2',
        preset: 'osn',
        endpoint: 'https://ncar.osn.mghpcc.org'
      })
    );
    assert.equal(error.code, 'invalid_request');
    assert.ok(error.message.includes(rules), error.message);
    assert.deepEqual(snapshotAll(), before);
    // Other settings can still change.
    assert.equal(
      governed.update('pod', {
        name: 'pod',
        preset: 'osn',
        endpoint: 'https://ncar.osn.mghpcc.org'
      }).endpoint,
      'https://ncar.osn.mghpcc.org'
    );
  });

  test('delete removes the remote from both files and leaves the rest as it was', () => {
    const manager = new RemoteManager(env);
    manager.create(osn());
    manager.remove('pod');
    assert.equal(read(paths.credentials), CREDENTIALS);
    assert.equal(read(paths.rclone), RCLONE);
    // The file had no final newline; its last line now has one (the only change).
    assert.equal(read(paths.config), `${CONFIG}\n`);
  });

  test('a GCS key is stored 0600 in a 0700 folder, used by rclone, and deleted with the remote', () => {
    const manager = new RemoteManager(env);
    const key = JSON.stringify({
      type: 'service_account',
      client_email: 'sa@p.iam.gserviceaccount.com',
      // Not a key: only its PEM shape (built so no scanner mistakes it for one).
      private_key: ['BEGIN', 'END']
        .map(word => `-----${word} PRIVATE KEY-----`)
        .join('\nabc\n'),
      project_id: 'p'
    });
    const detail = manager.create({
      name: 'leap',
      preset: 'gcs',
      serviceAccountJson: key
    });
    const keyFile = join(dir.path, 'xdg/jupyter-buckets/keys/leap.json');
    assert.equal(detail.serviceAccountFile, keyFile);
    assert.equal(detail.serviceAccountEmail, 'sa@p.iam.gserviceaccount.com');
    assert.equal(read(keyFile), key);
    assert.equal(mode(keyFile), 0o600);
    assert.equal(mode(join(dir.path, 'xdg/jupyter-buckets/keys')), 0o700);
    assert.ok(
      read(paths.rclone).endsWith(
        `[leap]\ntype = google cloud storage\nservice_account_file = ${keyFile}\n`
      )
    );
    assert.equal(
      read(paths.credentials),
      CREDENTIALS,
      'GCS writes no AWS profile'
    );
    manager.remove('leap');
    assert.equal(existsSync(keyFile), false);
    assert.equal(read(paths.rclone), RCLONE);
  });

  test('a public S3 remote: config profile only, no keys anywhere, read back as anonymous', () => {
    const manager = new RemoteManager(env);
    const detail = manager.create({
      name: 'open',
      preset: 'public',
      endpoint: 'https://data.example.org'
    });
    assert.equal(detail.anonymous, true);
    assert.equal(read(paths.credentials), CREDENTIALS);
    assert.ok(
      read(paths.rclone).endsWith(
        '[open]\ntype = s3\nprovider = Other\nregion = us-east-1\nendpoint = https://data.example.org\n'
      )
    );
    // Even with the rclone copy gone, the AWS profile alone reads as anonymous.
    writeFileSync(paths.rclone, RCLONE);
    const list = manager.list();
    assert.equal(list.remotes.find(r => r.name === 'open')?.anonymous, true);
  });

  test('differences are listed by field, secrets masked; sync makes the other side a copy', () => {
    const manager = new RemoteManager(env);
    manager.create(osn());
    writeFileSync(
      paths.rclone,
      read(paths.rclone)
        .replace(
          `secret_access_key = ${SECRET}`,
          'secret_access_key = ANOTHERSECRETVALUE9'
        )
        .replace('region = us-east-1', 'region = us-west-2')
    );
    const detail = manager.detail('pod');
    assert.deepEqual(detail.differences, [
      { field: 'region', aws: 'us-east-1', rclone: 'us-west-2' },
      { field: 'secretAccessKey', aws: '••••EKEY', rclone: '••••LUE9' }
    ]);
    assert.equal(
      manager.list().remotes.find(r => r.name === 'pod')?.differs,
      true
    );
    const synced = manager.sync('pod', { from: 'aws' });
    assert.deepEqual(synced.differences, []);
    assert.ok(read(paths.rclone).includes(`secret_access_key = ${SECRET}`));
  });

  test('sync creates the missing side: an rclone-only remote gets its AWS profile', () => {
    writeFileSync(
      paths.rclone,
      `${RCLONE}\n[solo]\ntype = s3\nprovider = Other\nendpoint = https://s3.example.org\naccess_key_id = ${KEY_ID}\nsecret_access_key = ${SECRET}\n`
    );
    const manager = new RemoteManager(env);
    assert.deepEqual(manager.detail('solo').sources, ['rclone']);
    const detail = manager.sync('solo', { from: 'rclone' });
    assert.deepEqual(detail.sources, ['aws', 'rclone']);
    assert.ok(
      read(paths.config).includes(
        '[profile solo]\nregion = us-east-1\nendpoint_url = https://s3.example.org'
      )
    );
  });
});

describe('hub bookmarks', () => {
  test('$SCRATCH_BUCKET (gcs://) and $PERSISTENT_BUCKET_URL (gs://) become bookmarks under an application-default gcs remote', () => {
    const manager = new RemoteManager({
      ...env,
      SCRATCH_BUCKET: 'gcs://leap-scratch/funky-user',
      PERSISTENT_BUCKET_URL: 'gs://leap-persistent/funky-user'
    });
    const gcs = manager.list().remotes.find(r => r.name === 'gcs');
    assert.deepEqual(gcs?.sources, ['hub']);
    assert.deepEqual(gcs?.bookmarks, [
      { path: 'leap-scratch/funky-user/', label: 'scratch', source: 'hub' },
      {
        path: 'leap-persistent/funky-user/',
        label: 'persistent',
        source: 'hub'
      }
    ]);
    assert.equal(manager.detail('gcs').editable, false);
  });
});

describe('bad input: a clear message, the field, no file touched', () => {
  const cases: [
    string,
    Partial<IRemoteInput> & Record<string, unknown>,
    string,
    RegExp
  ][] = [
    ['empty name', { name: '' }, 'name', /needs a name/],
    ['name with a space', { name: 'my pod' }, 'name', /spaces/],
    ['name with [', { name: 'a[b' }, 'name', /'\['/],
    ['name with ]', { name: 'a]b' }, 'name', /'\]'/],
    ['name with =', { name: 'a=b' }, 'name', /'='/],
    ['name with :', { name: 'a:b' }, 'name', /':'/],
    ['name starting with profile', { name: 'profile x' }, 'name', /'profile '/],
    ['name too long', { name: 'x'.repeat(65) }, 'name', /at most 64/],
    ['duplicate name', { name: 'other' }, 'name', /exists already/],
    [
      'empty access key',
      { accessKeyId: '' },
      'accessKeyId',
      /access key id is empty/
    ],
    [
      'padded access key',
      { accessKeyId: ` ${KEY_ID}` },
      'accessKeyId',
      /access key id has spaces/
    ],
    [
      'empty secret',
      { secretAccessKey: '' },
      'secretAccessKey',
      /secret key is empty/
    ],
    [
      'padded secret',
      { secretAccessKey: `${SECRET}\n` },
      'secretAccessKey',
      /secret key has spaces/
    ],
    [
      'missing secret',
      { secretAccessKey: undefined },
      'secretAccessKey',
      /secret key is missing/
    ],
    [
      'endpoint without scheme',
      { endpoint: 'ncar.osn.mghpcc.org' },
      'endpoint',
      /no scheme/
    ],
    [
      'endpoint not http(s)',
      { endpoint: 'ftp://x.org' },
      'endpoint',
      /http:\/\/ or https:\/\//
    ],
    [
      'osn without endpoint',
      { endpoint: undefined },
      'endpoint',
      /needs an endpoint/
    ],
    [
      'aws without region',
      { preset: 'aws', endpoint: undefined },
      'region',
      /needs a region/
    ],
    ['bad preset', { preset: 'dropbox' as never }, 'preset', /preset must be/],
    [
      'key not JSON',
      { preset: 'gcs', serviceAccountJson: 'not json' },
      'serviceAccountJson',
      /not JSON/
    ],
    [
      'key without private key',
      { preset: 'gcs', serviceAccountJson: '{"client_email":"a@b"}' },
      'serviceAccountJson',
      /no private_key/
    ],
    [
      'key without client_email',
      { preset: 'gcs', serviceAccountJson: '{"private_key":"k"}' },
      'serviceAccountJson',
      /no client_email/
    ],
    [
      'missing key file',
      { preset: 'gcs', serviceAccountFile: '/nonexistent/key.json' },
      'serviceAccountFile',
      /Cannot read/
    ],
    [
      'gcs with nothing',
      { preset: 'gcs' },
      'serviceAccountJson',
      /needs a service-account key/
    ]
  ];
  for (const [label, change, field, message] of cases) {
    test(label, () => {
      const before = snapshotAll();
      const input = { ...osn(), ...change };
      const error = refusal(() => new RemoteManager(env).create(input));
      assert.equal(error.field, field);
      assert.match(error.message, message);
      assert.ok(
        !JSON.stringify(error).includes(SECRET),
        'no secret in the error'
      );
      assert.deepEqual(snapshotAll(), before);
    });
  }
});

test('an invalid remotes.json does not break discovery', () => {
  mkdirSync(join(dir.path, 'xdg/jupyter-buckets'), { recursive: true });
  writeFileSync(join(dir.path, 'xdg/jupyter-buckets/remotes.json'), '{broken');
  assert.ok(new RemoteManager(env).list());
});
