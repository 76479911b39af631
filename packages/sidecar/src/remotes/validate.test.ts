// What may reach an INI file: every field of a remote refuses line breaks and
// control characters with the field named and the value not echoed;
// endpoints are stored as parsed; names are letters, digits and - _ . + @.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { checkEndpoint, checkName, FieldError, toSpec } from './validate.js';
import { thrown } from '../testing/refusal.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SERVICE_ACCOUNT = JSON.stringify({
  type: 'service_account',
  private_key: 'not-a-real-key',
  client_email: 'tester@test-project.iam.gserviceaccount.com'
});

/** Characters that end a line for some reader of these files, or are controls. */
const BAD: [string, string][] = [
  ['a line feed', '\n'],
  ['a lone carriage return', '\r'],
  ['CRLF', '\r\n'],
  ['a tab', '\t'],
  ['a vertical tab', '\u000b'],
  ['a form feed', '\u000c'],
  ['an escape', '\u001b'],
  ['DEL', '\u007f'],
  ['NEXT LINE (U+0085)', '\u0085'],
  ['a C1 control (U+009B)', '\u009b'],
  ['LINE SEPARATOR (U+2028)', '\u2028'],
  ['PARAGRAPH SEPARATOR (U+2029)', '\u2029']
];

let dir: ITempDir;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

function s3Input(): Record<string, unknown> {
  return {
    name: 'pod',
    preset: 's3-compatible',
    endpoint: 'https://s3.example.org',
    region: 'us-east-1',
    accessKeyId: 'TESTEXAMPLEKEYID0001',
    secretAccessKey: SECRET,
    bookmarks: ['bucket/prefix/']
  };
}

function refusal(work: () => unknown): FieldError {
  return thrown(work, FieldError);
}

/** The input with `bad` injected into `field`, as an attacker would. */
function injected(field: string, bad: string): Record<string, unknown> {
  const payload = `${bad}[profile evil]${bad}credential_process = touch /tmp/pwned`;
  switch (field) {
    case 'endpoint':
      return { ...s3Input(), endpoint: `https://s3.example.org/x${payload}` };
    case 'bookmarks':
      return { ...s3Input(), bookmarks: [`bucket/x${payload}`] };
    case 'serviceAccountFile':
      // A real file: the old check only tried to read it.
      return {
        name: 'leap',
        preset: 'gcs',
        serviceAccountFile: dir.write(`key${bad}evil.json`, SERVICE_ACCOUNT)
      };
    default:
      return {
        ...s3Input(),
        [field]: `${String(s3Input()[field])}${payload}`
      };
  }
}

describe('every field that reaches a config file refuses line breaks and controls', () => {
  const fields = [
    'name',
    'endpoint',
    'region',
    'accessKeyId',
    'secretAccessKey',
    'bookmarks',
    'serviceAccountFile'
  ];
  for (const field of fields) {
    for (const [label, bad] of BAD) {
      test(`${field} with ${label}`, () => {
        const error = refusal(() => toSpec(injected(field, bad), 'create'));
        assert.equal(error.field, field);
        assert.equal(error.code, 'invalid_request');
        assert.match(error.message, /line breaks? or control characters?/);
        const body = JSON.stringify(error.toBody());
        assert.ok(!body.includes(SECRET), 'no secret in the error');
        assert.ok(!body.includes('credential_process'), 'no echo');
      });
    }
  }

  test('an edit refuses them in the saved name too', () => {
    const saved = {
      provider: 's3' as const,
      name: 'a\u2028b',
      accessKeyId: 'TESTEXAMPLEKEYID0001',
      secretAccessKey: SECRET
    };
    const error = refusal(() =>
      toSpec({ ...s3Input(), name: 'a\u2028b' }, 'edit', saved)
    );
    assert.equal(error.field, 'name');
  });
});

describe('endpoints are stored as parsed, not as typed', () => {
  const cases: [string, string][] = [
    ['HTTPS://S3.Example.ORG:443/a/b/', 'https://s3.example.org/a/b'],
    ['http://127.0.0.1:9000/', 'http://127.0.0.1:9000'],
    ['  https://s3.example.org  ', 'https://s3.example.org'],
    ['https://s3.example.org/a b', 'https://s3.example.org/a%20b'],
    ['http://[::1]:9000', 'http://[::1]:9000']
  ];
  for (const [typed, stored] of cases) {
    test(JSON.stringify(typed), () => {
      assert.equal(checkEndpoint(typed), stored);
    });
  }
});

describe('remote names: letters, digits and - _ . + @', () => {
  for (const name of [
    'osn-pod_1.2+x@y',
    'données-été',
    'δεδομένα',
    '数据2024',
    // e + COMBINING ACUTE ACCENT, as some keyboards type it
    'e\u0301te\u0301'
  ]) {
    test(`accepts ${JSON.stringify(name)}`, () => {
      assert.equal(checkName(name), name);
    });
  }
  const refused: [string, string][] = [
    ['a right-to-left override', '\u202Eevil'],
    ['a left-to-right embedding', 'a\u202Ab'],
    ['an isolate', 'a\u2066b\u2069'],
    ['a zero-width space', 'a\u200Bb'],
    ['a zero-width joiner', 'a\u200Db'],
    ['a byte order mark', 'a\uFEFFb'],
    ['a soft hyphen', 'a\u00ADb'],
    ['a variation selector', 'a\uFE0Fb'],
    ['a C1 control', 'a\u009Bb'],
    ['NEXT LINE', 'a\u0085b'],
    ['a line separator', 'a\u2028b'],
    ['a mark with nothing before it', '\u0301ab'],
    ['a dollar sign', 'a$b'],
    ['a quote', 'a"b'],
    ['an exclamation mark', 'a!b']
  ];
  for (const [label, name] of refused) {
    test(`refuses ${label}`, () => {
      const error = refusal(() => checkName(name));
      assert.equal(error.field, 'name');
      assert.match(error.hint ?? '', /letters, digits and - _ \. \+ @/);
    });
  }

  test('an edit keeps a name the user already has, however odd, when it is not changed', () => {
    const saved = {
      provider: 's3' as const,
      name: 'my$remote',
      accessKeyId: 'TESTEXAMPLEKEYID0001',
      secretAccessKey: SECRET
    };
    const spec = toSpec({ ...s3Input(), name: 'my$remote' }, 'edit', saved);
    assert.equal(spec.name, 'my$remote');
    // A rename to such a name is a new name: refused.
    const error = refusal(() =>
      toSpec({ ...s3Input(), name: 'their$remote' }, 'edit', saved)
    );
    assert.equal(error.field, 'name');
  });
});

test('a service-account file path must be absolute', () => {
  const file = dir.write('key.json', SERVICE_ACCOUNT);
  const spec = toSpec(
    { name: 'leap', preset: 'gcs', serviceAccountFile: file },
    'create'
  );
  assert.equal(spec.keyFile, file);
  const error = refusal(() =>
    toSpec(
      { name: 'leap', preset: 'gcs', serviceAccountFile: 'key.json' },
      'create'
    )
  );
  assert.equal(error.field, 'serviceAccountFile');
});
