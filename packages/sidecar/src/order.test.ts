// Orders without the ICU collator still read as a listing does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareCharacters, compareNames } from './order.js';

test('names sort ignoring case, equal ones by their characters', () => {
  assert.deepEqual(
    ['osn', 'Zeta', 'demo-s3', 'alpha', 'Alpha', 'demo-gcs'].sort(compareNames),
    ['Alpha', 'alpha', 'demo-gcs', 'demo-s3', 'osn', 'Zeta']
  );
});

test('ISO timestamps sort in time order', () => {
  assert.deepEqual(
    [
      '2026-12-02T10:00:00.000Z',
      '2025-01-31T23:59:59.999Z',
      '2026-12-02T09:59:59.999Z'
    ].sort(compareCharacters),
    [
      '2025-01-31T23:59:59.999Z',
      '2026-12-02T09:59:59.999Z',
      '2026-12-02T10:00:00.000Z'
    ]
  );
});
