// The snippets' quoting, read back by the real bash and Python: a remote's
// odd name or a key's quote, '$' or line break stays one word or one string.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pythonLiteral, shellQuote, takeHomeSnippets } from './snippets.js';

const NASTY = [
  "it's",
  'a b',
  '$(touch /tmp/pwned)',
  '`id`',
  'semi;colon',
  'back\\slash',
  'line\nbreak',
  'ünïcödé',
  '"double"',
  '',
  '-n'
];

test('bash reads every quoted value back as one unchanged word', () => {
  for (const value of NASTY) {
    const echoed = execFileSync(
      'bash',
      ['-c', `printf '%s\\0' ${shellQuote(value)}`],
      { encoding: 'utf8' }
    );
    assert.equal(echoed, `${value}\0`, JSON.stringify(value));
  }
});

test('Python reads every literal back unchanged', () => {
  // The project's venv (make install), else the system's Python.
  const venv = fileURLToPath(
    new URL('../../../../.venv/bin/python', import.meta.url)
  );
  const python = existsSync(venv) ? venv : 'python3';
  const value = { names: NASTY, flag: true, none: null, n: 3 };
  const echoed = execFileSync(
    python,
    [
      '-c',
      `import json, sys; sys.stdout.write(json.dumps(${pythonLiteral(value)}))`
    ],
    { encoding: 'utf8' }
  );
  assert.deepEqual(JSON.parse(echoed), value);
});

test('S3: one snippet per tool, path-style and the endpoint where the store needs them', () => {
  const snippets = takeHomeSnippets({
    name: "osn pod's",
    provider: 's3',
    endpoint: 'https://uma1.osn.mghpcc.org',
    region: 'us-east-1',
    pathStyle: true,
    rcloneProvider: 'Ceph',
    path: 'leap-pangeo/run 1/',
    anonymous: false,
    s3Keys: {
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: "s'cr/et+",
      sessionToken: 'tok='
    },
    oneBucket: true
  });
  assert.deepEqual(
    snippets.map(s => s.tool),
    ['aws-cli', 'rclone', 'fsspec']
  );
  const [aws, rclone, fsspec] = snippets.map(s => s.text);
  assert.match(
    aws,
    /aws configure set s3\.addressing_style path --profile 'osn pod'\\''s'/
  );
  assert.match(aws, /aws configure set aws_session_token tok= /);
  assert.match(aws, /aws s3 ls 's3:\/\/leap-pangeo\/run 1\/' --profile/);
  assert.match(rclone, /provider=Ceph/);
  assert.match(rclone, /no_check_bucket=true/);
  assert.match(rclone, /'secret_access_key=s'\\''cr\/et\+'/);
  assert.match(
    fsspec,
    /config_kwargs=\{"s3": \{"addressing_style": "path"\}\}/
  );
  assert.match(fsspec, /token="tok="/);
});

test('GCS: a token goes to rclone as access_token and to gcsfs as Credentials', () => {
  const [rclone, fsspec] = takeHomeSnippets({
    name: 'gcs',
    provider: 'gcs',
    pathStyle: false,
    rcloneProvider: 'Other',
    path: 'leap-scratch/alice/',
    anonymous: false,
    gcsToken: 'ya29.token',
    oneBucket: false
  }).map(s => s.text);
  assert.match(
    rclone,
    /rclone config create gcs 'google cloud storage' access_token=ya29\.token bucket_policy_only=true --non-interactive/
  );
  assert.doesNotMatch(rclone, /endpoint=/);
  assert.match(fsspec, /token=Credentials\("ya29\.token"\)/);
  assert.match(fsspec, /from google\.oauth2\.credentials import Credentials/);
});
