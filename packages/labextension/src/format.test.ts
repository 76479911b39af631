/// <reference types="node" />
// Node's test runner on the pure helpers (the widgets need a browser: ui-tests).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatDuration, formatModified, formatSize } from './format.js';

test('sizes read like the file browser: powers of 1024, one decimal below 10', () => {
  assert.equal(formatSize(0), '0 B');
  assert.equal(formatSize(1023), '1023 B');
  assert.equal(formatSize(1024), '1.0 KB');
  assert.equal(formatSize(1536), '1.5 KB');
  assert.equal(formatSize(20 * 1024), '20 KB');
  assert.equal(formatSize(5 * 1024 ** 3), '5.0 GB');
  assert.equal(formatSize(-1), '');
});

test('modified times that are missing or unreadable show nothing', () => {
  // The human text needs a DOM (JupyterLab's Time.formatHuman): see ui-tests.
  assert.deepEqual(formatModified(undefined), {
    text: '',
    narrow: '',
    title: ''
  });
  assert.deepEqual(formatModified('not a date'), {
    text: '',
    narrow: '',
    title: ''
  });
});

test('times left read in seconds, then minutes, then hours', () => {
  assert.equal(formatDuration(0), '0 s');
  assert.equal(formatDuration(44.6), '45 s');
  assert.equal(formatDuration(60), '1 min');
  assert.equal(formatDuration(200), '3 min 20 s');
  assert.equal(formatDuration(7500), '2 h 5 min');
  assert.equal(formatDuration(Number.NaN), '');
});
