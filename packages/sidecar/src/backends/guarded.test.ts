// The admin's rules below everything that writes: each writing method of a
// guarded backend refuses outside the rules before the store sees anything,
// and everything else passes through unchanged.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LOCAL_BUCKET, type IRemotePolicy } from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { tempDir, type ITempDir } from '../testing/tempdir.js';
import { guardedBackend } from './guarded.js';
import { featuresOf } from './lazy.js';
import { LocalBackend } from './local/backend.js';
import { deletePrefix } from './operations.js';

const FILE = '/etc/jupyter/jupyter_buckets.json';
const B = LOCAL_BUCKET;

function refusedWith(code: string, file: RegExp = /jupyter_buckets\.json/) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.status, 403);
    assert.match(error.message, file);
    return true;
  };
}

describe('a guarded backend', () => {
  let dir: ITempDir;
  let inner: LocalBackend;
  before(() => {
    dir = tempDir();
    dir.write('alice/a.txt', 'a');
    dir.write('bob/b.txt', 'b');
    inner = new LocalBackend(dir.path);
  });
  after(() => dir.remove());

  test('without rules that restrict writes, it is the backend itself', () => {
    assert.equal(guardedBackend(inner, 'r', undefined), inner);
    assert.equal(
      guardedBackend(inner, 'r', { purgeAfterDays: 7, setBy: {} }),
      inner
    );
  });

  test('keeps exactly the optional features of the backend', () => {
    const guarded = guardedBackend(inner, 'r', {
      readOnly: true,
      setBy: { readOnly: FILE }
    });
    assert.deepEqual(featuresOf(guarded), featuresOf(inner));
    assert.equal(guarded.capabilities, inner.capabilities);
  });

  test('writablePrefixes: writes inside go through, every kind of write outside is refused', async () => {
    const policy: IRemotePolicy = {
      writablePrefixes: [`${B}/alice/`],
      setBy: { writablePrefixes: FILE }
    };
    const guarded = guardedBackend(inner, 'persistent', policy);
    const outside = refusedWith('outside_writable_prefix');
    await assert.rejects(
      guarded.put(B, 'bob/new.txt', Buffer.from('x'), {}),
      outside
    );
    await assert.rejects(
      guarded.writer(B, 'bob/big.bin', { size: 10 }),
      outside
    );
    await assert.rejects(guarded.delete(B, 'bob/b.txt'), outside);
    // A batch is refused whole: alice's file stays too.
    await assert.rejects(
      guarded.deleteMany(B, ['alice/a.txt', 'bob/b.txt']),
      outside
    );
    await assert.rejects(
      guarded.copy!(B, 'alice/a.txt', B, 'bob/copy.txt'),
      outside
    );
    await assert.rejects(guarded.makeDirectory!(B, 'bob/sub/'), outside);
    assert.ok(!existsSync(join(dir.path, 'bob', 'new.txt')));
    assert.ok(!existsSync(join(dir.path, 'bob', 'copy.txt')));
    assert.ok(!existsSync(join(dir.path, 'bob', 'sub')));
    assert.ok(existsSync(join(dir.path, 'bob', 'b.txt')));
    assert.ok(existsSync(join(dir.path, 'alice', 'a.txt')));

    // Reads anywhere, writes inside.
    assert.equal((await guarded.stat(B, 'bob/b.txt')).size, 1);
    await guarded.copy!(B, 'bob/b.txt', B, 'alice/from-bob.txt');
    await guarded.put(B, 'alice/new.txt', Buffer.from('new'), {});
    await guarded.makeDirectory!(B, 'alice/sub/');
    await guarded.delete(B, 'alice/new.txt');
    assert.ok(existsSync(join(dir.path, 'alice', 'from-bob.txt')));
    assert.ok(existsSync(join(dir.path, 'alice', 'sub')));
    assert.ok(!existsSync(join(dir.path, 'alice', 'new.txt')));
  });

  test('readOnly: every write refused, naming the rule and its file', async () => {
    const guarded = guardedBackend(inner, 'pubs', {
      readOnly: true,
      writablePrefixes: [`${B}/alice/`],
      setBy: { readOnly: FILE }
    });
    await assert.rejects(
      guarded.put(B, 'alice/x.txt', Buffer.from('x'), {}),
      (error: unknown) => {
        refusedWith('read_only')(error);
        assert.match(
          (error as Error).message,
          /^Remote pubs is read-only \("readOnly": true in \/etc\/jupyter\/jupyter_buckets\.json\)/
        );
        return true;
      }
    );
    await assert.rejects(
      guarded.delete(B, 'alice/a.txt'),
      refusedWith('read_only')
    );
    assert.equal(
      (await guarded.list(B, { prefix: '', limit: 10 })).prefixes.length >= 2,
      true
    );
  });

  test('a folder delete is all or nothing: one key outside the rules and none goes', async () => {
    dir.write('team/alice/x.txt', 'x');
    dir.write('team/bob/y.txt', 'y');
    const guarded = guardedBackend(inner, 'persistent', {
      writablePrefixes: [`${B}/team/alice/`],
      setBy: { writablePrefixes: FILE }
    });
    await assert.rejects(
      deletePrefix(guarded, B, 'team/'),
      refusedWith('outside_writable_prefix')
    );
    assert.ok(existsSync(join(dir.path, 'team', 'alice', 'x.txt')));
    assert.ok(existsSync(join(dir.path, 'team', 'bob', 'y.txt')));
    assert.equal(await deletePrefix(guarded, B, 'team/alice/'), 1);
    assert.ok(!existsSync(join(dir.path, 'team', 'alice', 'x.txt')));
    // Unguarded, the same call is not checked.
    assert.equal(await deletePrefix(inner, B, 'team/bob/'), 1);
  });

  test('a key with control characters is shown without them', async () => {
    const guarded = guardedBackend(inner, 'r', {
      readOnly: true,
      setBy: { readOnly: FILE }
    });
    await assert.rejects(
      guarded.put(B, 'evil\n\u001b[31mname', Buffer.from('x'), {}),
      (error: unknown) => {
        // eslint-disable-next-line no-control-regex -- what must not be there
        assert.doesNotMatch((error as Error).message, /[\n\u001b]/);
        return true;
      }
    );
  });
});
