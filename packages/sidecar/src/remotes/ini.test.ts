// The INI document: what rclone and the AWS CLI write must come back byte for
// byte, and what we cannot read is reported with its line number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IniDocument } from './ini.js';

test('comments, blank lines and odd spacing are kept verbatim', () => {
  const text = [
    '# a comment',
    '; another comment',
    '',
    '[first]',
    'key=value',
    '  spaced   =   out  ',
    '',
    '[second]  ',
    'type = s3\r',
    'empty ='
  ].join('\n');
  const doc = IniDocument.parse(text);
  assert.equal(doc.toString(), text);
  assert.deepEqual(doc.errors, []);
  assert.deepEqual(
    doc.sections.map(s => s.name),
    ['first', 'second']
  );
  assert.equal(doc.sections[0].get('key'), 'value');
  assert.equal(doc.sections[0].get('spaced'), 'out');
  assert.equal(doc.sections[1].get('type'), 's3');
  assert.equal(doc.sections[1].get('empty'), '');
});

test('CRLF files and a byte-order mark round-trip unchanged', () => {
  const text = '\uFEFF[a]\r\nk = v\r\n';
  const doc = IniDocument.parse(text);
  assert.equal(doc.toString(), text);
  assert.equal(doc.sections[0].name, 'a');
  assert.equal(doc.sections[0].get('k'), 'v');
});

test('section names may contain dots and spaces', () => {
  const doc = IniDocument.parse(
    '[profile osn.pod 1]\nregion = x\n[services my.s3]\n'
  );
  assert.deepEqual(
    doc.sections.map(s => s.name),
    ['profile osn.pod 1', 'services my.s3']
  );
});

test('values keep "=" and "#" characters after the first "="', () => {
  const doc = IniDocument.parse('[a]\nsecret = ab=cd#ef\n');
  assert.equal(doc.sections[0].get('secret'), 'ab=cd#ef');
});

test('bad lines are reported with their line numbers and sections', () => {
  const text =
    'orphan = 1\n[good]\nk = v\n[bad]\nthis line has no equals\n[broken\n= no key\n';
  const doc = IniDocument.parse(text);
  assert.deepEqual(
    doc.errors.map(e => [e.line, e.section]),
    [
      [1, undefined],
      [5, 'bad'],
      [6, 'broken'],
      [7, 'broken']
    ]
  );
  assert.match(
    doc.errors[0].message,
    /^line 1: 'orphan' is outside any \[section\]/
  );
  assert.match(doc.errors[1].message, /^line 5: expected 'key = value'/);
  assert.match(doc.errors[2].message, /^line 6: .*closing '\]'/);
  assert.deepEqual(doc.section('good')[0].errors, []);
  // A header missing its ']' still starts a section, so its keys do not land in [bad].
  assert.deepEqual(
    doc.sections.map(s => s.name),
    ['good', 'bad', 'broken']
  );
  // Even a broken file is kept byte for byte.
  assert.equal(doc.toString(), text);
});

test('indented lines are AWS sub-properties of the key before them', () => {
  const doc = IniDocument.parse(
    '[services osn]\ns3 =\n  endpoint_url = https://osn.example\n  region = x\nother = 1\n'
  );
  const section = doc.sections[0];
  assert.equal(
    section.subProperties('s3').get('endpoint_url'),
    'https://osn.example'
  );
  assert.equal(section.subProperties('s3').get('region'), 'x');
  assert.equal(section.subProperties('s3').has('other'), false);
  assert.equal(section.get('other'), '1');
  // A sub-property is not a top-level key.
  assert.equal(section.get('endpoint_url'), undefined);
});

test('a lone carriage return ends a line, as in the AWS CLI (Python universal newlines)', () => {
  // Read as one line, this would hide from us a section botocore sees and runs.
  const text =
    '[profile x]\rendpoint_url = http://127.0.0.1:1\r[profile evil]\rcredential_process = touch /tmp/pwned\r\n[y]\nk = v';
  const doc = IniDocument.parse(text);
  assert.deepEqual(doc.errors, []);
  assert.equal(doc.toString(), text);
  assert.deepEqual(
    doc.sections.map(s => s.name),
    ['profile x', 'profile evil', 'y']
  );
  assert.equal(doc.sections[0].get('endpoint_url'), 'http://127.0.0.1:1');
  assert.equal(doc.sections[1].get('credential_process'), 'touch /tmp/pwned');
  assert.equal(doc.sections[2].get('k'), 'v');
});
