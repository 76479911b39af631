// The cursor is opaque, but checked: a forged one or one for another folder is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../api-error.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { folderPrefix } from '../locations/folders.js';
import { parseLimit, parseStartsWith } from './level.js';

function invalidCursor(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    error.code === 'invalid_cursor' &&
    Boolean(error.hint)
  );
}

test('a cursor round-trips to the provider token for the same prefix', () => {
  const cursor = encodeCursor('many/', 'token/with+odd=chars');
  assert.match(cursor, /^[A-Za-z0-9_-]+$/);
  assert.equal(decodeCursor(cursor, 'many/'), 'token/with+odd=chars');
});

test('garbage, tampered and foreign cursors are invalid_cursor', () => {
  const cursor = encodeCursor('many/', 'abc');
  assert.throws(() => decodeCursor('not a cursor!', 'many/'), invalidCursor);
  assert.throws(
    () => decodeCursor(`${cursor.slice(0, -3)}x`, 'many/'),
    invalidCursor
  );
  assert.throws(
    () =>
      decodeCursor(
        Buffer.from('{"v":2,"p":"many/","t":"x"}').toString('base64url'),
        'many/'
      ),
    invalidCursor
  );
  assert.throws(() => decodeCursor(cursor, 'other/'), invalidCursor);
});

test('limits outside 1..1000 are invalid_request; none means 1000', () => {
  assert.equal(parseLimit(undefined), 1000);
  assert.equal(parseLimit('400'), 400);
  for (const bad of ['0', '1001', '-1', '2.5', 'ten']) {
    assert.throws(
      () => parseLimit(bad),
      (e: unknown) => e instanceof ApiError && e.code === 'invalid_request'
    );
  }
});

test("a prefix names a folder: '' is the root, others end with '/'", () => {
  assert.equal(folderPrefix(undefined), '');
  assert.equal(folderPrefix(''), '');
  assert.equal(folderPrefix('cmip6'), 'cmip6/');
  assert.equal(folderPrefix('cmip6/tas/'), 'cmip6/tas/');
});

test('startsWith: a name start within the folder, checked', () => {
  assert.equal(parseStartsWith(undefined), '');
  assert.equal(parseStartsWith(''), '');
  assert.equal(parseStartsWith('tas_ 2020+ü'), 'tas_ 2020+ü');
  for (const bad of [
    'a/b',
    '/',
    'a\0',
    'x'.repeat(1025),
    'é'.repeat(513),
    '\uD800'
  ]) {
    assert.throws(
      () => parseStartsWith(bad),
      (e: unknown) =>
        e instanceof ApiError && e.code === 'invalid_request' && Boolean(e.hint)
    );
  }
});

test('a cursor made with a filter is only good for that filter', () => {
  const cursor = encodeCursor('many/item-01', 'tok');
  assert.equal(decodeCursor(cursor, 'many/item-01'), 'tok');
  assert.throws(() => decodeCursor(cursor, 'many/'), invalidCursor);
  assert.throws(() => decodeCursor(cursor, 'many/item-0'), invalidCursor);
});
