// The read-ahead serves page n + 1 from the listing started with page n, and
// never serves a page that is too old or that failed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IBackend, IListOptions, IListPage } from '../backends/types.js';
import { listPage } from './prefetch.js';

/** Three pages of a folder; counts the provider calls per token. */
function pagedFolder(fail: Set<string> = new Set()) {
  const calls: string[] = [];
  const backend = {
    list: async (
      _bucket: string,
      options: IListOptions
    ): Promise<IListPage> => {
      const token = options.token ?? 'first';
      calls.push(token);
      if (fail.has(token)) {
        fail.delete(token);
        throw new Error('connection reset');
      }
      const next = { first: 't2', t2: 't3', t3: null }[token] ?? null;
      return {
        prefixes: [],
        objects: [{ key: token, size: 1 }],
        nextToken: next
      };
    }
  } as unknown as IBackend;
  return { backend, calls };
}

test('page n + 1 comes from the listing started with page n', async () => {
  const { backend, calls } = pagedFolder();
  const one = await listPage(backend, 'b', { prefix: 'p/', limit: 1000 });
  assert.deepEqual(calls, ['first', 't2'], 'page 2 is read ahead');
  const two = await listPage(backend, 'b', {
    prefix: 'p/',
    token: one.nextToken!,
    limit: 1000
  });
  assert.equal(two.objects[0].key, 't2');
  assert.deepEqual(calls, ['first', 't2', 't3'], 'page 2 was not listed twice');
  const three = await listPage(backend, 'b', {
    prefix: 'p/',
    token: 't3',
    limit: 1000
  });
  assert.equal(three.nextToken, null);
  assert.deepEqual(calls, ['first', 't2', 't3'], 'nothing after the last page');
});

test('a failed read-ahead is listed again on demand', async () => {
  const { backend, calls } = pagedFolder(new Set(['t2']));
  await listPage(backend, 'b', { prefix: 'q/', limit: 1000 });
  const two = await listPage(backend, 'b', {
    prefix: 'q/',
    token: 't2',
    limit: 1000
  });
  assert.equal(two.objects[0].key, 't2');
  assert.deepEqual(calls.slice(0, 3), ['first', 't2', 't2']);
});

test('another folder, bucket or page size is not served from the read-ahead', async () => {
  const { backend, calls } = pagedFolder();
  await listPage(backend, 'b', { prefix: 'r/', limit: 1000 });
  await listPage(backend, 'b', { prefix: 'r/', token: 't2', limit: 10 });
  await listPage(backend, 'other', { prefix: 'r/', token: 't2', limit: 1000 });
  assert.deepEqual(calls.filter(c => c === 't2').length, 3);
});
