// Config-file injection through every entry point that writes a remote: the
// HTTP API (POST, PUT, sync) and the CLI (add, edit). A field carrying a line
// break would add a `[profile evil]` with a `credential_process` that botocore
// and the sidecar's AWS SDK run. Each attempt must be refused with the field
// named, and the AWS files and rclone.conf must stay byte for byte as they were.
// Nothing here talks to a store: refused input never gets that far.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOKEN_HEADER, type IErrorBody } from '@jupyter-buckets/core';
import { createBackendFactory } from '../backends/index.js';
import type { ILogger } from '../log.js';
import { remoteStore } from '../remotes/discover.js';
import { startApp, type IRunningApp } from '../testing/app.js';
import { call, type IAnswer } from '../testing/http.js';
import { assertMatchesSpec } from '../testing/openapi.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { createServices } from '../services.js';

const TOKEN = 'injection-secret-51c2';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SERVICE_ACCOUNT = JSON.stringify({
  type: 'service_account',
  private_key: 'not-a-real-key',
  client_email: 'tester@test-project.iam.gserviceaccount.com'
});
const BUNDLE = fileURLToPath(
  new URL(
    '../../../../jupyter_buckets/sidecar/jupyter-buckets.cjs',
    import.meta.url
  )
);

/** Line breaks as each reader of these files sees them, and a control. */
const BREAKS: [string, string][] = [
  ['a line feed', '\n'],
  ['a lone carriage return', '\r'],
  ['CRLF', '\r\n'],
  ['LINE SEPARATOR (U+2028)', '\u2028'],
  ['NEXT LINE (U+0085)', '\u0085'],
  ['a tab', '\t']
];

const CREDENTIALS =
  '# mine\n[keep]\naws_access_key_id = TESTKEEPKEEPKEEP0001\naws_secret_access_key = keepsecret\n';
// A hand-written profile whose endpoint holds a NEXT LINE: copying it into
// rclone.conf (sync) must be refused by the writer itself.
const CONFIG =
  '[profile keep]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:1\n\n' +
  '[profile odd]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:1/a\u0085[odd2]\u0085credential_process = x\n' +
  'aws_access_key_id = TESTODDODDODDODD0001\naws_secret_access_key = oddsecret\n';
const RCLONE =
  '[keep]\ntype = s3\nprovider = Other\naccess_key_id = TESTKEEPKEEPKEEP0001\nsecret_access_key = keepsecret\nregion = us-east-1\nendpoint = http://127.0.0.1:1\n';

const logger: ILogger = { info: () => undefined, error: () => undefined };

let running: IRunningApp;
let port: number;
let dir: ITempDir;
let files: Record<string, string>;
let marker: string;
let keyFiles = 0;

before(async () => {
  dir = tempDir();
  files = {
    AWS_SHARED_CREDENTIALS_FILE: dir.write('aws/credentials', CREDENTIALS),
    AWS_CONFIG_FILE: dir.write('aws/config', CONFIG),
    RCLONE_CONFIG: dir.write('rclone/rclone.conf', RCLONE),
    XDG_CONFIG_HOME: join(dir.path, 'xdg'),
    HOME: join(dir.path, 'home')
  };
  marker = join(dir.path, 'pwned');
  running = await startApp({
    token: TOKEN,
    logger,
    services: createServices({
      remotes: remoteStore(files),
      backends: createBackendFactory()
    })
  });
  port = running.port;
});

after(async () => {
  await running.close();
  dir.remove();
});

/** Every file under the test folder, with its bytes. */
function snapshotAll(): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else {
        result[full] = readFileSync(full, 'latin1');
      }
    }
  };
  walk(dir.path);
  return result;
}

function assertUntouched(before: Record<string, string>, what: string): void {
  assert.deepEqual(snapshotAll(), before, `${what}: a file changed`);
  for (const name of ['AWS_CONFIG_FILE', 'RCLONE_CONFIG']) {
    assert.ok(
      !readFileSync(files[name], 'utf8').includes('[profile evil]'),
      `${what}: a new section in ${name}`
    );
  }
  assert.ok(!existsSync(marker), `${what}: the injected command ran`);
}

/** A payload that, written as is, opens a section that runs a command. */
function payload(bad: string): string {
  return `${bad}[profile evil]${bad}credential_process = touch ${marker}`;
}

/** The remote input with `field` carrying the payload (a key file really on disk). */
function injected(
  field: string,
  bad: string,
  name = 'evil'
): Record<string, unknown> {
  const s3 = {
    name,
    preset: 's3-compatible',
    endpoint: 'http://127.0.0.1:1',
    region: 'us-east-1',
    accessKeyId: 'TESTEVILEVILEVIL0001',
    secretAccessKey: SECRET
  };
  switch (field) {
    case 'name':
      return { ...s3, name: `${name}${payload(bad)}` };
    case 'endpoint':
      // With a path: URL parsing drops the breaks and accepts it.
      return { ...s3, endpoint: `http://127.0.0.1:1/x${payload(bad)}` };
    case 'bookmarks':
      return { ...s3, bookmarks: [`bucket/x${payload(bad)}`] };
    case 'serviceAccountFile':
      // A real key file whose name carries the payload: the old check only
      // tried to read it.
      return {
        name,
        preset: 'gcs',
        serviceAccountFile: dir.write(
          `keys/k${keyFiles++}${bad}[profile evil]${bad}x.json`,
          SERVICE_ACCOUNT
        )
      };
    default:
      return {
        ...s3,
        [field]: `${String(s3[field as keyof typeof s3])}${payload(bad)}`
      };
  }
}

const FIELDS = [
  'name',
  'endpoint',
  'region',
  'accessKeyId',
  'secretAccessKey',
  'bookmarks',
  'serviceAccountFile'
];

async function api(
  method: string,
  route: string,
  path: string,
  body: unknown
): Promise<IAnswer> {
  const answer = await call({ port }, path, {
    method,
    headers: { [TOKEN_HEADER]: TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify(body)
  });
  assertMatchesSpec(route, answer.status, answer.body, method.toLowerCase());
  return answer;
}

function assertRefused(answer: IAnswer, field: string, what: string): void {
  assert.equal(answer.status, 400, `${what}: ${answer.text}`);
  const error = (answer.body as IErrorBody).error;
  assert.equal(error.code, 'invalid_request', what);
  assert.equal(error.field, field, what);
  assert.match(error.message, /line breaks? or control characters?/, what);
  assert.ok(!answer.text.includes(SECRET), `${what}: the secret was echoed`);
  assert.ok(!answer.text.includes('credential_process'), `${what}: echoed`);
}

describe('through the HTTP API', () => {
  for (const field of FIELDS) {
    for (const [label, bad] of BREAKS) {
      test(`POST /remotes: ${field} with ${label} is refused, no file touched`, async () => {
        const input = injected(field, bad);
        const before = snapshotAll();
        const answer = await api(
          'POST',
          '/api/v1/remotes',
          '/api/v1/remotes',
          input
        );
        assertRefused(answer, field, `POST ${field} ${label}`);
        assertUntouched(before, `POST ${field} ${label}`);
      });

      test(`PUT /remotes/keep: ${field} with ${label} is refused, no file touched`, async () => {
        const input = injected(field, bad, 'keep');
        const before = snapshotAll();
        const answer = await api(
          'PUT',
          '/api/v1/remotes/{name}',
          '/api/v1/remotes/keep',
          input
        );
        assertRefused(answer, field, `PUT ${field} ${label}`);
        assertUntouched(before, `PUT ${field} ${label}`);
      });
    }
  }

  test('sync copies no hand-written line break from one file into the other', async () => {
    const before = snapshotAll();
    const answer = await api(
      'POST',
      '/api/v1/remotes/{name}/sync',
      '/api/v1/remotes/odd/sync',
      { from: 'aws' }
    );
    assert.equal(answer.status, 400, answer.text);
    assert.equal((answer.body as IErrorBody).error.code, 'invalid_request');
    assert.match(
      (answer.body as IErrorBody).error.message,
      /line break or control character/
    );
    assertUntouched(before, 'sync');
  });
});

describe('through the CLI', () => {
  function cli(args: string[], input = `${SECRET}\n`) {
    assert.ok(
      existsSync(BUNDLE),
      `${BUNDLE} is missing: run npm run bundle --workspace=@jupyter-buckets/sidecar`
    );
    return spawnSync(process.execPath, [BUNDLE, 'remotes', ...args], {
      encoding: 'utf8',
      timeout: 20_000,
      input,
      env: { PATH: process.env.PATH ?? '', ...files }
    });
  }

  const LABELS: Record<string, RegExp> = {
    name: /remote name/,
    endpoint: /endpoint/,
    region: /region/,
    accessKeyId: /access key id/,
    secretAccessKey: /secret key/,
    bookmarks: /bookmark/,
    serviceAccountFile: /key file/
  };

  /** The flags `remotes add|edit` take for the injected input. */
  function flags(input: Record<string, unknown>): string[] {
    const args = ['--preset', String(input.preset)];
    const pairs: [string, string][] = [
      ['endpoint', '--endpoint'],
      ['region', '--region'],
      ['accessKeyId', '--access-key-id'],
      ['serviceAccountFile', '--service-account-file']
    ];
    for (const [key, flag] of pairs) {
      if (typeof input[key] === 'string') {
        args.push(flag, input[key]);
      }
    }
    for (const bookmark of (input.bookmarks as string[] | undefined) ?? []) {
      args.push('--bookmark', bookmark);
    }
    if (input.preset !== 'gcs') {
      args.push('--secret-stdin');
    }
    return args;
  }

  for (const field of FIELDS) {
    for (const [label, bad] of BREAKS) {
      test(`add and edit: ${field} with ${label} fail with a message, no file touched`, () => {
        const input = injected(field, bad);
        const edited = injected(field, bad, 'keep');
        const before = snapshotAll();
        const secret =
          field === 'secretAccessKey'
            ? `${String(input.secretAccessKey)}\n`
            : `${SECRET}\n`;
        const add = cli(['add', String(input.name), ...flags(input)], secret);
        assert.notEqual(add.status, 0, `add ${field} ${label}: ${add.stdout}`);
        assert.match(add.stderr, LABELS[field], add.stderr);
        assert.match(add.stderr, /line breaks? or control characters?/);
        assert.ok(!add.stderr.includes(SECRET));
        assertUntouched(before, `add ${field} ${label}`);

        const editArgs = ['edit', 'keep', ...flags(edited)];
        if (field === 'name') {
          editArgs.push('--name', String(edited.name));
        }
        if (field !== 'secretAccessKey' && field !== 'serviceAccountFile') {
          // Only the field under test changes; the saved secret is kept.
          editArgs.splice(editArgs.indexOf('--secret-stdin'), 1);
        }
        const edit = cli(editArgs, secret);
        assert.notEqual(
          edit.status,
          0,
          `edit ${field} ${label}: ${edit.stdout}`
        );
        assert.match(edit.stderr, LABELS[field], edit.stderr);
        assert.match(edit.stderr, /line breaks? or control characters?/);
        assertUntouched(before, `edit ${field} ${label}`);
      });
    }
  }
});
