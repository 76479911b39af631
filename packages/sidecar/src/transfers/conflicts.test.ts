import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choiceFor, keepBothKey, keepBothKeyAsync } from './conflicts.js';

test('keep both names the copy as file managers do', () => {
  const none = () => false;
  assert.equal(keepBothKey('a.txt', none), 'a (1).txt');
  assert.equal(keepBothKey('dir/sub/run 4.nc', none), 'dir/sub/run 4 (1).nc');
  assert.equal(keepBothKey('noext', none), 'noext (1)');
  assert.equal(keepBothKey('.env', none), '.env (1)');
  assert.equal(keepBothKey('dir/.hidden.cfg', none), 'dir/.hidden (1).cfg');
  assert.equal(keepBothKey('x.tar.gz', none), 'x.tar (1).gz');
  assert.equal(keepBothKey('data/', none), 'data (1)/');
  assert.equal(keepBothKey('out/data.zarr/', none), 'out/data.zarr (1)/');
  const taken = new Set(['a (1).txt', 'a (2).txt']);
  assert.equal(
    keepBothKey('a.txt', key => taken.has(key)),
    'a (3).txt'
  );
});

test('the async variant asks the destination and gives up after a limit', async () => {
  const existing = new Set(['r.csv', 'r (1).csv']);
  assert.equal(
    await keepBothKeyAsync('r.csv', async key => existing.has(key)),
    'r (2).csv'
  );
  await assert.rejects(
    keepBothKeyAsync('r.csv', async () => true, 5),
    /No free name/
  );
});

test('a per-file choice wins over the one for all', () => {
  assert.equal(choiceFor({}, 'a'), undefined);
  assert.equal(choiceFor({ onConflict: 'skip' }, 'a'), 'skip');
  assert.equal(
    choiceFor({ onConflict: 'skip', conflicts: { a: 'rename' } }, 'a'),
    'rename'
  );
  assert.equal(
    choiceFor({ onConflict: 'skip', conflicts: { a: 'rename' } }, 'b'),
    'skip'
  );
});
