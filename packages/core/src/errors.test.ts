// Error codes: the statuses clients rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_STATUS, isErrorBody } from './errors.js';

test('a non-JSON state-changing request is refused with 415', () => {
  assert.equal(ERROR_STATUS.unsupported_media_type, 415);
});

test('isErrorBody recognises the error body and nothing else', () => {
  assert.ok(isErrorBody({ error: { code: 'forbidden', message: 'no' } }));
  assert.ok(!isErrorBody({ error: 'forbidden' }));
  assert.ok(!isErrorBody(null));
});
