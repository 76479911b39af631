// Whether a destination holds its source's bytes, by the rules of a copy
// (checksums) and of a sync (size and modification time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentDifference } from './operations.js';
import type { IObjectInfo } from './types.js';

function info(modified: string, size = 4): IObjectInfo {
  return { key: 'a.csv', size, modified: new Date(modified) };
}

test('a sync counts a copy made in the second its source was written as the same', () => {
  const source = info('2026-12-03T02:41:56.571Z');
  // S3 keeps whole seconds: the upload at 56.9 reads as 56.000.
  assert.equal(
    contentDifference(source, info('2026-12-03T02:41:56.000Z'), {
      byModified: true
    }),
    undefined
  );
  assert.match(
    contentDifference(source, info('2026-12-03T02:41:55.000Z'), {
      byModified: true
    }) ?? '',
    /older/
  );
  assert.match(
    contentDifference(source, info('2026-12-03T02:41:57.000Z', 5), {
      byModified: true
    }) ?? '',
    /size/
  );
});
