import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IniDocument } from './ini.js';
import { IniEditor } from './ini-edit.js';

const CREDENTIALS = [
  '# my AWS keys, do not share',
  '[default]',
  'aws_access_key_id=AKIADEFAULT',
  '  aws_secret_access_key   =   defaultsecret   ; odd spacing',
  '',
  '; a foreign tool wrote this',
  '[work]',
  'aws_access_key_id = AKIAWORK',
  'aws_secret_access_key = worksecret',
  'x_custom_unknown = keep me',
  '',
  '# about the last one',
  '[last]',
  'aws_access_key_id = AKIALAST'
].join('\r\n'); // CRLF and no trailing newline

const RCLONE = `# rclone config
[gdrive]
type = drive
token = {"access_token":"x"}

[osn]
type = s3
provider = Ceph
endpoint = https://old.osn.mghpcc.org
# keep this comment inside the section
access_key_id = OLD
secret_access_key = OLDSECRET

[sftp-box]
type = sftp
host = example.org
`;

test('setting a key changes only that line; CRLF and the missing final newline are kept', () => {
  const edit = new IniEditor(CREDENTIALS);
  edit.set('work', 'aws_secret_access_key', 'NEWSECRET');
  assert.equal(
    edit.toString(),
    CREDENTIALS.replace(
      'aws_secret_access_key = worksecret',
      'aws_secret_access_key = NEWSECRET'
    )
  );
});

test('odd spacing around = is kept when a value changes', () => {
  const edit = new IniEditor(CREDENTIALS);
  edit.set('default', 'aws_secret_access_key', 'S2');
  assert.ok(
    edit.toString().includes('  aws_secret_access_key   =   S2\r\n'),
    edit.toString()
  );
  assert.equal(
    edit
      .toString()
      .replace('=   S2\r\n', '=   defaultsecret   ; odd spacing\r\n'),
    CREDENTIALS
  );
});

test('a new key goes after the last key of its section, with the file line ending', () => {
  const edit = new IniEditor(CREDENTIALS);
  edit.set('work', 'region', 'us-west-2');
  assert.equal(
    edit.toString(),
    CREDENTIALS.replace(
      'x_custom_unknown = keep me\r\n',
      'x_custom_unknown = keep me\r\nregion = us-west-2\r\n'
    )
  );
});

test('a key added to the last section keeps the file without a final newline', () => {
  const edit = new IniEditor(CREDENTIALS);
  edit.set('last', 'aws_secret_access_key', 'LASTSECRET');
  assert.equal(
    edit.toString(),
    `${CREDENTIALS}\r\naws_secret_access_key = LASTSECRET`
  );
});

test('a new section is appended after a blank line; everything before is identical', () => {
  const edit = new IniEditor(RCLONE);
  edit.addSection('new', [
    ['type', 's3'],
    ['provider', 'Other']
  ]);
  assert.equal(
    edit.toString(),
    `${RCLONE}\n[new]\ntype = s3\nprovider = Other\n`
  );
  assert.deepEqual(IniDocument.parse(edit.toString()).errors, []);
});

test('removing a section leaves the sections around it byte for byte', () => {
  const edit = new IniEditor(RCLONE);
  edit.removeSection('osn');
  assert.equal(
    edit.toString(),
    RCLONE.replace(/\[osn\][\s\S]*?OLDSECRET\n\n/, '')
  );
});

test('removing the last section drops the blank line before it too', () => {
  const edit = new IniEditor(RCLONE);
  edit.removeSection('sftp-box');
  assert.equal(edit.toString(), RCLONE.replace(/\n\[sftp-box\][\s\S]*$/, ''));
});

test('renaming keeps the section body, comments included', () => {
  const edit = new IniEditor(RCLONE);
  edit.renameSection('osn', 'osn-pod');
  assert.equal(edit.toString(), RCLONE.replace('[osn]', '[osn-pod]'));
});

test('assign sets and removes keys; unknown keys and comments in the section stay', () => {
  const edit = new IniEditor(RCLONE);
  edit.assign('osn', {
    endpoint: 'https://new.osn.mghpcc.org',
    secret_access_key: undefined,
    region: 'us-east-1'
  });
  assert.equal(
    edit.toString(),
    RCLONE.replace('old.osn', 'new.osn').replace(
      'secret_access_key = OLDSECRET\n',
      'region = us-east-1\n'
    )
  );
});

test('setting a key in a missing section creates it', () => {
  const edit = new IniEditor('');
  edit.set('profile x', 'region', 'eu-west-1');
  assert.equal(edit.toString(), '[profile x]\nregion = eu-west-1\n');
});

// A value, key or section name with a line break would write lines of its own
// (a `[profile x]` with a `credential_process` that botocore runs): the editor
// refuses them whatever its caller checked, and the text stays as it was.
const BREAKS: [string, string][] = [
  ['a line feed', '\n'],
  ['a lone carriage return', '\r'],
  ['CRLF', '\r\n'],
  ['a tab', '\t'],
  ['a NUL', '\u0000'],
  ['a vertical tab', '\u000b'],
  ['a form feed', '\u000c'],
  ['DEL', '\u007f'],
  ['NEXT LINE (U+0085)', '\u0085'],
  ['a C1 control (U+009B)', '\u009b'],
  ['LINE SEPARATOR (U+2028)', '\u2028'],
  ['PARAGRAPH SEPARATOR (U+2029)', '\u2029']
];

for (const [label, bad] of BREAKS) {
  test(`the editor refuses ${label} in a value, a key or a section name`, () => {
    const edit = new IniEditor(RCLONE);
    const injected = `x${bad}[profile evil]${bad}credential_process = touch /tmp/pwned`;
    const attempts: [string, () => void][] = [
      ['set value', () => edit.set('osn', 'endpoint', injected)],
      ['set value, new key', () => edit.set('osn', 'region', injected)],
      ['set value, new section', () => edit.set('fresh', 'type', injected)],
      ['set key', () => edit.set('osn', injected, 'v')],
      ['set section', () => edit.set(injected, 'type', 's3')],
      ['assign value', () => edit.assign('osn', { endpoint: injected })],
      ['addSection name', () => edit.addSection(injected, [['type', 's3']])],
      ['addSection value', () => edit.addSection('new', [['type', injected]])],
      ['addSection key', () => edit.addSection('new', [[injected, 's3']])],
      ['renameSection', () => edit.renameSection('osn', injected)]
    ];
    for (const [what, attempt] of attempts) {
      assert.throws(
        attempt,
        /line break or control character/,
        `${what} with ${label}`
      );
      assert.equal(edit.toString(), RCLONE, `${what} changed the text`);
    }
  });
}

test('the editor refuses what would read back differently: padded values, odd keys and section names', () => {
  const edit = new IniEditor(RCLONE);
  const attempts: [string, () => void][] = [
    ['padded value', () => edit.set('osn', 'endpoint', ' https://x.org ')],
    ['key with =', () => edit.set('osn', 'a=b', 'v')],
    ['key starting with [', () => edit.set('osn', '[a', 'v')],
    ['key starting with #', () => edit.set('osn', '#a', 'v')],
    ['empty key', () => edit.set('osn', '', 'v')],
    ['section with ]', () => edit.addSection('a]b', [['type', 's3']])],
    ['padded section', () => edit.addSection(' a ', [['type', 's3']])],
    ['empty section', () => edit.renameSection('osn', '')]
  ];
  for (const [what, attempt] of attempts) {
    assert.throws(attempt, /config file/, what);
    assert.equal(edit.toString(), RCLONE, `${what} changed the text`);
  }
});

test('a file with lone carriage returns: the editor sees the lines the reader sees', () => {
  // Python's universal newlines (botocore) end a line at a lone '\r'; so do
  // the reader and the editor, so a key set here is the key tools read.
  const text = '[a]\rendpoint = http://old\r[b]\rtype = s3\r';
  const edit = new IniEditor(text);
  edit.set('a', 'endpoint', 'http://new');
  assert.equal(edit.toString(), text.replace('http://old', 'http://new'));
  const doc = IniDocument.parse(edit.toString());
  assert.deepEqual(
    doc.sections.map(s => [s.name, s.entries.map(e => e.key)]),
    [
      ['a', ['endpoint']],
      ['b', ['type']]
    ]
  );
});
