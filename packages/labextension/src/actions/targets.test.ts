/// <reference types="node" />
// An action's targets come from the model's selection, never from the
// rendered rows: in a virtualized listing most selected entries have none.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { IBucketsEntry, IBucketsModel } from '../tokens.js';
import {
  describeTargets,
  resolveTargets,
  targetsOf,
  wholeFolderOf
} from './targets.js';

function objects(n: number): IBucketsEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    kind: 'object' as const,
    name: `obj-${i}.txt`,
    path: `big/obj-${i}.txt`,
    size: i
  }));
}

/** The part of the model targets read; `rest` is what select-all still has to load. */
function fakeModel(
  loaded: IBucketsEntry[],
  options: { all?: boolean; filter?: string; rest?: IBucketsEntry[] } = {}
): IBucketsModel {
  let entries = loaded;
  let selected = options.all ? loaded : [];
  const model = {
    location: { remote: 'demo-s3', bucket: 'climate-data', prefix: 'big/' },
    filter: options.filter ?? '',
    allSelected: options.all ?? false,
    get selection() {
      return new Set(selected.map(e => e.path));
    },
    get selectedEntries() {
      return selected;
    },
    entry: (path: string) => entries.find(e => e.path === path),
    completeSelection: async () => {
      if (options.all && options.rest) {
        entries = entries.concat(options.rest);
        selected = entries;
      }
      return selected;
    },
    select(paths: string[]) {
      selected = entries.filter(e => paths.includes(e.path));
    }
  };
  return model as unknown as IBucketsModel;
}

/** A row as the listing renders it: only its identity is read. */
const row = (path: string): HTMLElement =>
  ({ dataset: { path } }) as unknown as HTMLElement;

test('select-all acts on every entry, also those never rendered or loaded', async () => {
  const model = fakeModel(objects(1000), {
    all: true,
    rest: objects(100_000).slice(1000)
  });
  // A right-click on a selected row (the only ones the DOM has).
  const hit = row('big/obj-3.txt');
  assert.equal(targetsOf(hit, model).length, 1000);
  const all = await resolveTargets(hit, model);
  assert.equal(all.length, 100_000);
  assert.deepEqual(all[99_999], {
    kind: 'object',
    remote: 'demo-s3',
    bucket: 'climate-data',
    key: 'big/obj-99999.txt',
    name: 'obj-99999.txt',
    size: 99_999
  });
  assert.equal(describeTargets(all), '100,000 objects');
  assert.equal(wholeFolderOf(hit, model), 'big/');
});

test('a right-click outside the selection acts on that row alone', async () => {
  const model = fakeModel(objects(10));
  (model as unknown as { select(p: string[]): void }).select([
    'big/obj-1.txt',
    'big/obj-2.txt'
  ]);
  const alone = await resolveTargets(row('big/obj-7.txt'), model);
  assert.deepEqual(
    alone.map(t => t.key),
    ['big/obj-7.txt']
  );
  assert.equal(describeTargets(alone), 'obj-7.txt');
  // From the palette or a key: the selection.
  assert.deepEqual(
    (await resolveTargets(null, model)).map(t => t.key),
    ['big/obj-1.txt', 'big/obj-2.txt']
  );
  assert.equal(wholeFolderOf(null, model), null);
});

test('"the whole folder" only for a select-all without a filter', () => {
  assert.equal(
    wholeFolderOf(null, fakeModel(objects(3), { all: true })),
    'big/'
  );
  assert.equal(
    wholeFolderOf(null, fakeModel(objects(3), { all: true, filter: 'obj-1' })),
    null
  );
  assert.equal(
    wholeFolderOf(row('elsewhere.txt'), fakeModel(objects(3), { all: true })),
    null
  );
});

test('confirmations name what goes', () => {
  const folder = {
    kind: 'prefix' as const,
    remote: 'r',
    bucket: 'b',
    key: 'results/',
    name: 'results'
  };
  const file = { ...folder, kind: 'object' as const, key: 'a', name: 'a' };
  assert.equal(describeTargets([folder]), 'the folder results');
  assert.equal(describeTargets([folder, folder]), '2 folders');
  assert.equal(describeTargets([folder, file]), '2 items');
  assert.equal(describeTargets([file, file]), '2 objects');
});
