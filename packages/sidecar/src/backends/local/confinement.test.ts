// The local root as a wall: nothing outside it is read, written, listed or
// removed, also not through a symlink swapped in after a path was checked,
// and FIFOs or sockets in it never hang a request. No servers needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LOCAL_BUCKET } from '@jupyter-buckets/core';
import { ApiError } from '../../api-error.js';
import { tempDir, type ITempDir } from '../../testing/tempdir.js';
import { remoteStore } from '../../remotes/discover.js';
import { createServices } from '../../services.js';
import { LocalBackend } from './backend.js';
import type { IObjectInfo } from '../types.js';

const B = LOCAL_BUCKET;

/** A root and a folder beside it that must stay untouched. */
function setUp(): { dir: ITempDir; root: string; outside: string } {
  const dir = tempDir();
  const root = join(dir.path, 'root');
  const outside = join(dir.path, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'SECRET');
  mkdirSync(join(outside, 'empty'));
  return { dir, root, outside };
}

function refused(code: string) {
  return (error: unknown): boolean =>
    error instanceof ApiError && error.code === code;
}

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString();
}

/**
 * The race made deterministic: right after the backend checked a path (its
 * resolve()), `swap` runs, as an attacker's process would between the
 * check and the open.
 */
class SwapAfterCheck extends LocalBackend {
  swap?: () => void;
  /** Checks to let pass before the swap (a copy checks its source first). */
  skip = 0;

  override async resolve(bucket: string, key: string): Promise<string> {
    const path = await super.resolve(bucket, key);
    if (this.skip > 0) {
      this.skip -= 1;
      return path;
    }
    const swap = this.swap;
    this.swap = undefined;
    swap?.();
    return path;
  }
}

test('a symlink as last name that points outside the root is refused for read, stat and write', async () => {
  const { dir, root, outside } = setUp();
  try {
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link.txt'));
    const disk = new LocalBackend(root);
    const out = refused('path_outside_root');
    await assert.rejects(disk.read(B, 'link.txt'), out);
    await assert.rejects(disk.readBuffer(B, 'link.txt', 0, 6, 6), out);
    await assert.rejects(disk.stat(B, 'link.txt'), out);
    await assert.rejects(disk.put(B, 'link.txt', Buffer.from('x'), {}), out);
    await assert.rejects(disk.writer(B, 'link.txt', {}), out);
    await assert.rejects(disk.copy(B, 'link.txt', B, 'copy.txt'), out);
    assert.equal(readFileSync(join(outside, 'secret.txt'), 'utf8'), 'SECRET');
    assert.deepEqual(readdirSync(outside).sort(), ['empty', 'secret.txt']);
    assert.ok(!existsSync(join(root, 'copy.txt')));
  } finally {
    dir.remove();
  }
});

test('a symlink inside the root to a file inside it still reads and stats', async () => {
  const { dir, root } = setUp();
  try {
    mkdirSync(join(root, 'data'));
    writeFileSync(join(root, 'data/real.txt'), 'inside');
    symlinkSync(join(root, 'data/real.txt'), join(root, 'alias.txt'));
    symlinkSync(join(root, 'data'), join(root, 'folder-alias'));
    const disk = new LocalBackend(root);
    assert.equal(await text(await disk.read(B, 'alias.txt')), 'inside');
    assert.equal((await disk.stat(B, 'alias.txt')).size, 6);
    assert.equal(
      await text(await disk.read(B, 'folder-alias/real.txt')),
      'inside'
    );
    await disk.put(B, 'folder-alias/new.txt', Buffer.from('new'), {});
    assert.equal(readFileSync(join(root, 'data/new.txt'), 'utf8'), 'new');
    const page = await disk.list(B, { prefix: '', limit: 100 });
    assert.deepEqual(
      page.objects.map(o => [o.key, o.size]),
      [['alias.txt', 6]]
    );
    assert.deepEqual(page.prefixes, ['data/', 'folder-alias/']);
  } finally {
    dir.remove();
  }
});

test('a folder swapped for a symlink out of the root after the check leads nothing outside', async t => {
  // Each case in a root and outside folder of its own.
  let { dir, root, outside } = setUp();
  let disk = new SwapAfterCheck(root);
  const before = (): void => {
    dir.remove();
    ({ dir, root, outside } = setUp());
    disk = new SwapAfterCheck(root);
    mkdirSync(join(root, 'd/empty'), { recursive: true });
    writeFileSync(join(root, 'd/secret.txt'), 'inside');
    writeFileSync(join(root, 'a.txt'), 'a');
  };
  // The folder the key was checked in becomes a link to `outside`.
  const swapFolder = (): void => {
    renameSync(join(root, 'd'), join(root, 'd-moved'));
    symlinkSync(outside, join(root, 'd'));
  };
  const untouched = (): void => {
    assert.deepEqual(
      readdirSync(outside).sort(),
      ['empty', 'secret.txt'],
      'nothing was created or removed outside the root'
    );
    assert.equal(readFileSync(join(outside, 'secret.txt'), 'utf8'), 'SECRET');
    assert.deepEqual(readdirSync(join(outside, 'empty')), []);
  };
  const cases: Record<string, () => Promise<unknown>> = {
    put: () => disk.put(B, 'd/new.txt', Buffer.from('written'), {}),
    'put in a new subfolder': () =>
      disk.put(B, 'd/sub/new.txt', Buffer.from('written'), {}),
    writer: async () => {
      const writer = await disk.writer(B, 'd/parts.bin', { partSize: 4 });
      await writer.writePart(1, Buffer.from('abcd'));
      return writer.complete();
    },
    read: async () => text(await disk.read(B, 'd/secret.txt')),
    readBuffer: () => disk.readBuffer(B, 'd/secret.txt', 0, 6, 6),
    stat: () => disk.stat(B, 'd/secret.txt'),
    'copy from': () => disk.copy(B, 'd/secret.txt', B, 'copied.txt'),
    'copy to': () => {
      disk.skip = 1; // swapped after the target's check
      return disk.copy(B, 'a.txt', B, 'd/copied.txt');
    },
    delete: () => disk.delete(B, 'd/secret.txt'),
    'delete folder': () => disk.delete(B, 'd/empty/'),
    makeDirectory: () => disk.makeDirectory(B, 'd/x/y/'),
    list: async () => {
      const page = await disk.list(B, { prefix: 'd/', limit: 100 });
      return [...page.prefixes, ...page.objects.map(o => o.key)];
    }
  };
  try {
    for (const [name, operation] of Object.entries(cases)) {
      await t.test(name, async () => {
        before();
        disk.swap = swapFolder;
        let result: unknown;
        try {
          result = await operation();
        } catch (error) {
          assert.ok(
            refused('path_outside_root')(error),
            `refused as outside the root, not: ${String(error)}`
          );
        }
        assert.equal(disk.swap, undefined, 'the swap happened');
        untouched();
        // Whatever it answered, it never answered with what is outside.
        assert.ok(!JSON.stringify(result ?? '').includes('SECRET'));
        assert.ok(
          !(result instanceof Buffer && result.toString() === 'SECRET')
        );
        if (Array.isArray(result)) {
          assert.deepEqual(result, [], 'nothing outside was listed');
        }
        if (name === 'copy from') {
          assert.ok(!existsSync(join(root, 'copied.txt')));
        }
        if (name === 'stat') {
          assert.equal(result, undefined, 'no stat of the file outside');
        }
      });
    }
  } finally {
    dir.remove();
  }
});

test('a file swapped for a symlink out of the root after the check is not read', async () => {
  const { dir, root, outside } = setUp();
  try {
    writeFileSync(join(root, 'f.txt'), 'inside');
    const disk = new SwapAfterCheck(root);
    const swapFile = (): void => {
      renameSync(join(root, 'f.txt'), join(root, 'f-moved.txt'));
      symlinkSync(join(outside, 'secret.txt'), join(root, 'f.txt'));
    };
    disk.swap = swapFile;
    await assert.rejects(
      disk.read(B, 'f.txt').then(text),
      refused('path_outside_root')
    );
    renameSync(join(root, 'f-moved.txt'), join(root, 'g.txt'));
    disk.swap = () => {
      renameSync(join(root, 'g.txt'), join(root, 'g-moved.txt'));
      symlinkSync(join(outside, 'secret.txt'), join(root, 'g.txt'));
    };
    await assert.rejects(
      disk.readBuffer(B, 'g.txt', 0, 6, 6),
      refused('path_outside_root')
    );
  } finally {
    dir.remove();
  }
});

test('writes and reads racing a folder swapped in and out of the root never touch what is outside', async () => {
  const { dir, root, outside } = setUp();
  mkdirSync(join(root, 'real'));
  writeFileSync(join(root, 'real/secret.txt'), 'inside');
  symlinkSync(join(root, 'real'), join(root, 'd'));
  // Another thread flips root/d between root/real and the outside folder,
  // atomically (a new link renamed over the old), as fast as it can.
  const swapper = new Worker(
    `
    const { renameSync, symlinkSync } = require('node:fs');
    const { workerData } = require('node:worker_threads');
    const { link, inside, outside, ms } = workerData;
    const end = Date.now() + ms;
    let flips = 0;
    while (Date.now() < end) {
      symlinkSync(flips % 2 ? inside : outside, link + '.new');
      renameSync(link + '.new', link);
      flips += 1;
    }
    symlinkSync(inside, link + '.new');
    renameSync(link + '.new', link);
    `,
    {
      eval: true,
      workerData: {
        link: join(root, 'd'),
        inside: join(root, 'real'),
        outside,
        ms: 1500
      }
    }
  );
  const stopped = new Promise(resolve => swapper.once('exit', resolve));
  let running = true;
  void stopped.then(() => (running = false));
  const disk = new LocalBackend(root);
  let writes = 0;
  let reads = 0;
  let leaks = 0;
  try {
    let n = 0;
    while (running) {
      const batch: Promise<unknown>[] = [];
      for (let i = 0; i < 8; i++, n++) {
        batch.push(
          disk
            .put(B, `d/put-${n}.txt`, Buffer.from('written'), {})
            .then(() => writes++),
          (async () => {
            const writer = await disk.writer(B, `d/parts-${n}.bin`, {
              partSize: 4
            });
            await writer.writePart(1, Buffer.from('abcd'));
            await writer.writePart(2, Buffer.from('ef'));
            await writer.complete();
            writes++;
          })(),
          disk.read(B, 'd/secret.txt').then(async stream => {
            leaks += (await text(stream)) === 'inside' ? 0 : 1;
            reads++;
          }),
          disk.readBuffer(B, 'd/secret.txt', 0, 6, 6).then(data => {
            leaks += data.toString() === 'inside' ? 0 : 1;
            reads++;
          })
        );
      }
      for (const outcome of await Promise.allSettled(batch)) {
        if (outcome.status === 'rejected') {
          // Refusals are expected; other failures are not.
          assert.ok(
            outcome.reason instanceof ApiError,
            `an ApiError, not: ${String(outcome.reason)}`
          );
        }
      }
    }
    await stopped;
    assert.deepEqual(
      readdirSync(outside).sort(),
      ['empty', 'secret.txt'],
      'no write landed outside the root'
    );
    assert.equal(readFileSync(join(outside, 'secret.txt'), 'utf8'), 'SECRET');
    assert.equal(leaks, 0, 'no read answered with the file outside the root');
    assert.ok(writes > 0 && reads > 0, `${writes} writes, ${reads} reads`);
  } finally {
    await swapper.terminate();
    dir.remove();
  }
});

/** Rejects if `promise` has not settled within `ms`: a hang fails the test instead of blocking it. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} hung for ${ms} ms`)),
        ms
      );
    })
  ]).finally(() => clearTimeout(timer));
}

/** Lets an open() stuck waiting for a FIFO's writer go, so a failed test still ends. */
function release(fifo: string): void {
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // ENXIO: nobody is waiting on it.
  }
}

test('a FIFO or socket in the root answers invalid_request at once, naming it, and is never listed', async () => {
  const { dir, root } = setUp();
  const fifo = join(root, 'pipe');
  const socketPath = join(root, 'sock');
  execFileSync('mkfifo', [fifo]);
  symlinkSync(fifo, join(root, 'pipe-link'));
  const server = createServer();
  await new Promise<void>(resolve => server.listen(socketPath, resolve));
  writeFileSync(join(root, 'a.txt'), 'a');
  const disk = new LocalBackend(root);
  const special = (name: string) => (error: unknown) =>
    refused('invalid_request')(error) &&
    (error as ApiError).message.includes(name) &&
    /not a regular file/.test((error as ApiError).message);
  try {
    for (const name of ['pipe', 'pipe-link', 'sock']) {
      await assert.rejects(
        within(disk.read(B, name), 5_000, `reading ${name}`),
        special(name)
      );
      await assert.rejects(
        within(disk.readBuffer(B, name, 0, 0, 0), 5_000, `reading ${name}`),
        special(name)
      );
      await assert.rejects(
        within(disk.stat(B, name), 5_000, `stat of ${name}`),
        special(name)
      );
      await assert.rejects(
        within(disk.copy(B, name, B, 'copy'), 5_000, `copying ${name}`),
        special(name)
      );
    }
    const page = await within(
      disk.list(B, { prefix: '', limit: 100 }),
      5_000,
      'listing'
    );
    assert.deepEqual(
      page.objects.map((o: IObjectInfo) => o.key),
      ['a.txt'],
      'FIFOs, sockets and links to them are not listed'
    );
  } finally {
    release(fifo);
    server.close();
    dir.remove();
  }
});

test('copying a folder that holds a FIFO copies its files and does not hang', async () => {
  const { dir, root } = setUp();
  const fifo = join(root, 'folder/pipe');
  mkdirSync(join(root, 'folder'));
  writeFileSync(join(root, 'folder/a.txt'), 'a');
  execFileSync('mkfifo', [fifo]);
  symlinkSync(fifo, join(root, 'folder/pipe-link'));
  const none = join(dir.path, 'none');
  const store = remoteStore({
    AWS_SHARED_CREDENTIALS_FILE: none,
    AWS_CONFIG_FILE: none,
    RCLONE_CONFIG: none
  });
  const jobs = createServices({ remotes: store, localRoot: root }).transfers;
  try {
    const job = await within(
      jobs.create({ op: 'copy', src: 'folder/', dst: 'copied/' }),
      5_000,
      'planning the copy'
    );
    const end = await within(jobs.wait(job.id), 10_000, 'the copy');
    assert.equal(end.state, 'done');
    assert.deepEqual(end.errors, []);
    assert.deepEqual(readdirSync(join(root, 'copied')), ['a.txt']);
  } finally {
    release(fifo);
    await jobs.shutdown();
    dir.remove();
  }
});
