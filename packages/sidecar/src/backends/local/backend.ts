// The local backend: the Jupyter disk, confined to one root folder. One
// "bucket" (LOCAL_BUCKET) is the root; keys are relative POSIX paths; folders
// are real directories. Nothing outside the root is read or written, also not
// through symlinks, not even one swapped in after a path was checked: files
// and folders are opened first, then checked where they really are, and used
// only through what was opened (see IFolder). Only regular files are objects.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  createReadStream,
  fstatSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  type Dirent,
  type Stats
} from 'node:fs';
import {
  copyFile,
  lstat,
  mkdir,
  open,
  readdir,
  realpath,
  rename,
  stat,
  statfs,
  rmdir,
  unlink,
  type FileHandle
} from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LOCAL_BUCKET, type IBucket } from '@jupyter-buckets/core';
import { ApiError } from '../../api-error.js';
import { DEFAULT_PART_SIZE } from '../parts.js';
import type {
  IBackend,
  IByteRange,
  ICapabilities,
  IChunkedWriter,
  IDeleteResult,
  IListOptions,
  IListPage,
  IObjectInfo,
  IPutOptions,
  IWriterOptions
} from '../types.js';
import { metadataCalls, smallReads } from './on-loop.js';
import { PartSink, writeAll } from './part-sink.js';

export const CAPABILITIES: ICapabilities = {
  rangedReads: true,
  multipartWrite: {
    minPartSize: 1,
    maxPartSize: 5 * 1024 * 1024 * 1024,
    maxParts: Number.MAX_SAFE_INTEGER,
    partSizeMultiple: 1,
    parallelParts: true
  },
  hashes: [],
  realDirectories: true,
  batchDelete: true,
  maxKeyBytes: 4096
};

/** The root the HTTP API confines local paths to: the Jupyter server's root_dir. */
export function localRootFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.JUPYTER_BUCKETS_ROOT || process.cwd();
}

function temporaryName(name: string): string {
  return `.${name}.jb-${randomBytes(6).toString('hex')}.partial`;
}

/**
 * Linux names every open file by its descriptor here; a path through
 * /proc/self/fd/N reaches the very folder N was opened on, whatever is
 * renamed or swapped for a symlink afterwards (what openat() gives C code).
 */
const PROC_FD = '/proc/self/fd';

/** Opening a file to read: never through a symlink as last name, and never waiting on a FIFO's writer. */
const READ_FLAGS =
  constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** Whether /proc/self/fd names open folders here (Linux; not macOS). */
function procFdWorks(root: string): boolean {
  try {
    const fd = openSync(root, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      return readlinkSync(`${PROC_FD}/${fd}`) === root;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * A folder opened and checked to be inside the root. `path` names it for
 * later calls (/proc/self/fd/N/name is the name inside that very folder);
 * it is only valid until close().
 */
interface IFolder {
  path: string;
  close(): Promise<void>;
}

/** A regular file opened for reading and checked to be inside the root. */
interface IOpenFile {
  handle: FileHandle;
  stats: Stats;
  /** Names the opened file itself (for copyFile); valid until the handle is closed. */
  path: string;
}

/** A file read whole on the event loop when the disk answers at once (readBuffer). */
const SMALL_READ = 256 * 1024;

/** A file of another size than listed: it changed since. */
function checkUnchanged(stats: Stats, size: number, key: string): void {
  if (stats.size !== size) {
    throw new ApiError(
      'provider_error',
      `${key} changed during the copy (${stats.size} bytes, ${size} when listed).`,
      'Try again once nothing writes to it.'
    );
  }
}

function endedEarly(key: string, at: number, size: number): ApiError {
  return new ApiError(
    'provider_error',
    `${key} ended after ${at} of ${size} bytes.`,
    'It may have changed during the copy: try again.'
  );
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && codes.includes(code);
}

interface IEntry {
  /** Key of a file, or prefix (ending '/') of a directory. */
  key: string;
  /** The key's UTF-8 bytes, made once: keys sort by them, like S3 listings. */
  bytes: Buffer;
  path: string;
  directory: boolean;
}

export class LocalBackend implements IBackend {
  readonly capabilities = CAPABILITIES;
  readonly root: string;
  /** Without /proc (macOS), opened files are checked by path: a swap remains possible there, between the check and the use. */
  private readonly procFd: boolean;

  constructor(root: string) {
    // Compare against the real root: /tmp may itself be a symlink.
    this.root = realpathSync(root);
    this.procFd = procFdWorks(this.root);
  }

  private outside(key: string, why: string): ApiError {
    return new ApiError(
      'path_outside_root',
      `'${key}' ${why}: only paths inside the Jupyter root (${this.root}) are allowed.`,
      'Use a path relative to the Jupyter root, without "..".'
    );
  }

  private checkBucket(bucket: string): void {
    if (bucket !== LOCAL_BUCKET) {
      throw new ApiError(
        'bucket_not_found',
        `The Jupyter disk has one bucket, '${LOCAL_BUCKET}', not '${bucket}'.`,
        `Use ${LOCAL_BUCKET}.`
      );
    }
  }

  private inside(path: string): boolean {
    // Absolute only: /proc names a few things ('pipe:[N]') with no path.
    if (!isAbsolute(path)) {
      return false;
    }
    const rel = relative(this.root, path);
    return (
      rel === '' ||
      (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep))
    );
  }

  /**
   * The absolute path of a key, refused when it leaves the root: '..',
   * absolute paths, NUL, or a symlink on the way that points out. The deepest
   * existing ancestor is resolved, so a path that does not exist yet is
   * checked too.
   */
  async resolve(bucket: string, key: string): Promise<string> {
    const path = this.lexical(bucket, key);
    let existing = path;
    for (;;) {
      try {
        const real = await metadataCalls.run(
          () => realpathSync.native(existing),
          () => realpath(existing)
        );
        if (!this.inside(real)) {
          throw this.outside(key, 'leads outside the root through a symlink');
        }
        break;
      } catch (error) {
        if (error instanceof ApiError) {
          throw error;
        }
        if (!hasCode(error, 'ENOENT', 'ENOTDIR') || existing === this.root) {
          throw this.fsError(error, key);
        }
        existing = dirname(existing);
      }
    }
    return path;
  }

  /** The absolute path of a key by its text alone: '..', absolute paths and NUL are refused; symlinks are resolve()'s. */
  private lexical(bucket: string, key: string): string {
    this.checkBucket(bucket);
    if (key.includes('\0')) {
      throw new ApiError(
        'invalid_request',
        'A path cannot contain a NUL character.',
        'Remove the NUL character from the path.'
      );
    }
    if (key.startsWith('/') || key.startsWith('\\') || /^[A-Za-z]:/.test(key)) {
      throw this.outside(key, 'is an absolute path');
    }
    const parts = key.split(/[/\\]/);
    if (parts.includes('..')) {
      throw this.outside(key, 'contains ".."');
    }
    return join(this.root, ...parts.filter(p => p !== '' && p !== '.'));
  }

  private notRegular(key: string): ApiError {
    return new ApiError(
      'invalid_request',
      `${key} on the Jupyter disk is not a regular file (a pipe, socket or device): only regular files are read or written.`,
      'Leave it out of the copy (--exclude), or copy the data it gives into a file first.'
    );
  }

  /**
   * Where an opened file or folder really is now. With /proc this is the
   * kernel's own answer for the descriptor; without it, the path as it
   * resolves now, accepted only if it still leads to the opened file.
   */
  private async whereIs(handle: FileHandle, opened: string): Promise<string> {
    if (this.procFd) {
      // Synchronous: /proc answers from memory, and a trip through the
      // thread pool cost more than the call itself, once per file.
      return readlinkSync(`${PROC_FD}/${handle.fd}`);
    }
    const real = await realpath(opened);
    const [held, named] = await Promise.all([handle.stat(), stat(real)]);
    if (held.dev !== named.dev || held.ino !== named.ino) {
      // Swapped between the open and this look: where it leads is unknown.
      throw new ApiError(
        'path_outside_root',
        `${opened} changed while it was opened; it is not used.`,
        'Try again once nothing renames it.'
      );
    }
    return real;
  }

  /** The path that keeps naming what `handle` opened (see PROC_FD). */
  private heldPath(handle: FileHandle, real: string): string {
    return this.procFd ? `${PROC_FD}/${handle.fd}` : real;
  }

  /**
   * Opens a folder (following symlinks) and refuses it unless it really is
   * inside the root; later calls name things inside it through the result,
   * so a link swapped in after this check is not followed. With
   * `noFollow`, a symlink as last name is refused rather than followed.
   */
  private async openFolder(
    path: string,
    key: string,
    noFollow = false
  ): Promise<IFolder> {
    const handle = await open(
      path,
      constants.O_RDONLY |
        constants.O_DIRECTORY |
        (noFollow ? constants.O_NOFOLLOW : 0)
    );
    try {
      const real = await this.whereIs(handle, path);
      if (!this.inside(real)) {
        throw this.outside(key, 'leads outside the root through a symlink');
      }
      return {
        path: this.heldPath(handle, real),
        close: () => handle.close()
      };
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * `mkdir -p` of a folder inside the root, one checked folder at a time
   * (a plain recursive mkdir follows a link swapped in on the way and makes
   * folders outside); returns the folder, open.
   */
  private async makeFolders(path: string, key: string): Promise<IFolder> {
    try {
      return await this.openFolder(path, key);
    } catch (error) {
      if (!hasCode(error, 'ENOENT')) {
        throw error;
      }
    }
    let folder = await this.openFolder(this.root, key);
    try {
      for (const name of relative(this.root, path).split(sep)) {
        if (!name) {
          continue;
        }
        const child = `${folder.path}/${name}`;
        await mkdir(child).catch((error: unknown) => {
          if (!hasCode(error, 'EEXIST')) {
            throw error;
          }
        });
        const next = await this.openFolder(child, key);
        const parent = folder;
        folder = next;
        await parent.close();
      }
      return folder;
    } catch (error) {
      await folder.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Opens a regular file for reading, checked inside the root after it was
   * opened. A symlink as last name is followed only to its real path, checked
   * first and opened without following again; FIFOs, sockets and devices are
   * refused without waiting on them (O_NONBLOCK, then fstat).
   */
  private async openFile(path: string, key: string): Promise<IOpenFile> {
    let opened = path;
    let handle: FileHandle;
    try {
      try {
        handle = await open(path, READ_FLAGS);
      } catch (error) {
        if (!hasCode(error, 'ELOOP')) {
          throw error;
        }
        opened = await realpath(path);
        if (!this.inside(opened)) {
          throw this.outside(key, 'leads outside the root through a symlink');
        }
        handle = await open(opened, READ_FLAGS);
      }
    } catch (error) {
      throw this.fsError(error, key);
    }
    try {
      const real = await this.whereIs(handle, opened);
      this.checkInside(real, key);
      const stats = await metadataCalls.run(
        () => fstatSync(handle.fd),
        () => handle.stat()
      );
      this.checkRegular(stats, key);
      return { handle, stats, path: this.heldPath(handle, real) };
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw this.fsError(error, key);
    }
  }

  /** An opened file, where it really is: refused outside the root. */
  private checkInside(real: string, key: string): void {
    if (!this.inside(real)) {
      throw this.outside(key, 'leads outside the root through a symlink');
    }
  }

  /** Only regular files are read. */
  private checkRegular(stats: Stats, key: string): void {
    if (stats.isDirectory()) {
      throw this.fsError({ code: 'EISDIR' }, key);
    }
    if (!stats.isFile()) {
      throw this.notRegular(key);
    }
  }

  /**
   * openFile() and a whole read of a small file, on the event loop: the
   * same checks, in calls the kernel answers from its caches in
   * microseconds. Through the thread pool each of open, read and close
   * cost a futex wake-up and a context switch on each side; copying a
   * folder of 5,000 files of 16 KiB, the main thread spent 1.1 s just
   * handing them over (CPU profile). Without /proc (macOS), the async
   * path.
   */
  private readSmallSync(
    path: string,
    key: string,
    size: number,
    into: Buffer
  ): Buffer {
    let opened = path;
    let fd: number;
    try {
      fd = openSync(path, READ_FLAGS);
    } catch (error) {
      if (!hasCode(error, 'ELOOP')) {
        throw error;
      }
      opened = realpathSync.native(path);
      this.checkInside(opened, key);
      fd = openSync(opened, READ_FLAGS);
    }
    try {
      this.checkInside(readlinkSync(`${PROC_FD}/${fd}`), key);
      const stats = fstatSync(fd);
      this.checkRegular(stats, key);
      checkUnchanged(stats, size, key);
      let got = 0;
      while (got < into.length) {
        const count = readSync(fd, into, got, into.length - got, got);
        if (count === 0) {
          throw endedEarly(key, got, size);
        }
        got += count;
      }
      return into;
    } finally {
      closeSync(fd);
    }
  }

  /** lstat of a path, named through its checked parent folder. */
  private async lstatInside(path: string, key: string): Promise<Stats> {
    if (path === this.root) {
      return stat(path);
    }
    const folder = await this.openFolder(dirname(path), key);
    try {
      return await lstat(`${folder.path}/${basename(path)}`);
    } finally {
      await folder.close();
    }
  }

  private fsError(error: unknown, key: string): ApiError {
    if (error instanceof ApiError) {
      return error;
    }
    if (hasCode(error, 'ENOENT', 'ENOTDIR')) {
      return new ApiError(
        'not_found',
        `No file ${key} on the Jupyter disk.`,
        'It may have been deleted or renamed: refresh the listing.'
      );
    }
    if (hasCode(error, 'EACCES', 'EPERM')) {
      return new ApiError(
        'access_denied',
        `Not allowed to access ${key} on the Jupyter disk.`,
        'Check the file permissions.'
      );
    }
    if (hasCode(error, 'EISDIR')) {
      return new ApiError(
        'invalid_request',
        `${key} is a folder, not a file.`,
        'Give the path of a file.'
      );
    }
    if (hasCode(error, 'ENXIO', 'ENODEV')) {
      return this.notRegular(key); // a socket, or a device without a driver
    }
    if (hasCode(error, 'ELOOP')) {
      return new ApiError(
        'invalid_request',
        `${key} is reached through a symlink that loops or changed while it was opened.`,
        'Try again; if it persists, replace the symlink by the file.'
      );
    }
    if (hasCode(error, 'ENOSPC')) {
      return new ApiError(
        'provider_error',
        `The Jupyter disk is full (writing ${key}).`,
        'Free some space and try again.'
      );
    }
    return new ApiError(
      'provider_error',
      `The Jupyter disk failed on ${key}: ${(error as Error)?.message ?? String(error)}`,
      'Try again.'
    );
  }

  async listBuckets(): Promise<IBucket[]> {
    return [{ name: LOCAL_BUCKET }];
  }

  /**
   * A directory's entries, sorted as their keys (directories as 'name/');
   * entries that cannot be read are left out, and so are FIFOs, sockets and
   * devices (reading one would wait forever), also behind a symlink.
   */
  private async entries(dir: string, prefix: string): Promise<IEntry[]> {
    let dirents: Dirent[];
    try {
      // Read through the checked folder: a folder swapped for a symlink
      // after the key was checked does not list what is outside.
      const folder = await this.openFolder(dir, prefix);
      try {
        dirents = await readdir(folder.path, { withFileTypes: true });
      } finally {
        await folder.close();
      }
    } catch (error) {
      if (hasCode(error, 'ENOENT', 'ENOTDIR')) {
        return [];
      }
      throw this.fsError(error, prefix);
    }
    const result: IEntry[] = [];
    for (const dirent of dirents) {
      let path = join(dir, dirent.name);
      let directory = dirent.isDirectory();
      if (dirent.isSymbolicLink()) {
        try {
          const real = await realpath(path);
          if (!this.inside(real)) {
            continue; // never show what we would refuse to open
          }
          const stats = await stat(real);
          directory = stats.isDirectory();
          if (!directory && !stats.isFile()) {
            continue; // a link to a FIFO, socket or device
          }
          path = real;
        } catch {
          continue; // a broken link
        }
      } else if (!dirent.isFile() && !directory) {
        continue; // sockets, fifos, devices
      }
      const key = `${prefix}${dirent.name}${directory ? '/' : ''}`;
      result.push({ key, bytes: Buffer.from(key, 'utf8'), path, directory });
    }
    return result.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  }

  /**
   * Sizes and dates of files, each folder opened (and checked) once for all
   * of its files; a file gone or no longer regular is left out.
   */
  private async infos(files: IEntry[]): Promise<IObjectInfo[]> {
    const byFolder = new Map<string, IEntry[]>();
    for (const file of files) {
      const dir = dirname(file.path);
      const list = byFolder.get(dir) ?? [];
      list.push(file);
      byFolder.set(dir, list);
    }
    const found = new Map<string, IObjectInfo>();
    await Promise.all(
      [...byFolder].map(async ([dir, entries]) => {
        let folder: IFolder;
        try {
          folder = await this.openFolder(dir, entries[0].key);
        } catch {
          return; // gone (or swapped) meanwhile
        }
        try {
          await Promise.all(
            entries.map(async entry => {
              const stats = await lstat(
                `${folder.path}/${basename(entry.path)}`
              ).catch(() => undefined);
              if (stats?.isFile()) {
                found.set(entry.key, {
                  key: entry.key,
                  size: stats.size,
                  modified: stats.mtime
                });
              }
            })
          );
        } finally {
          await folder.close();
        }
      })
    );
    return files
      .map(file => found.get(file.key))
      .filter((info): info is IObjectInfo => Boolean(info));
  }

  async list(bucket: string, options: IListOptions): Promise<IListPage> {
    // The token is the last key (or prefix) of the previous page.
    const after = options.token;
    const afterBytes =
      after === undefined ? undefined : Buffer.from(after, 'utf8');
    const page: IListPage = { prefixes: [], objects: [], nextToken: null };
    // The prefix may end inside a name ('many/item-0', a startsWith filter):
    // read the folder it is in and keep the entries that start with it.
    const folder = options.prefix.slice(0, options.prefix.lastIndexOf('/') + 1);
    const dir = await this.resolve(bucket, folder);
    let count = 0;
    let last = '';
    // Files of the page, stat'ed together at the end (one at a time, a page
    // of 1000 waited on 1000 round trips to the thread pool).
    const files: IEntry[] = [];
    const visit = async (
      directory: string,
      prefix: string
    ): Promise<boolean> => {
      for (const entry of await this.entries(directory, prefix)) {
        if (
          !entry.key.startsWith(options.prefix) &&
          !options.prefix.startsWith(entry.key)
        ) {
          continue;
        }
        if (
          after !== undefined &&
          Buffer.compare(entry.bytes, afterBytes!) <= 0
        ) {
          // A directory may still hold keys after the token.
          if (!(
            options.recursive &&
            entry.directory &&
            after.startsWith(entry.key)
          )) {
            continue;
          }
        }
        if (options.recursive && entry.directory) {
          if (!(await visit(entry.path, entry.key))) {
            return false;
          }
          continue;
        }
        if (!entry.key.startsWith(options.prefix)) {
          continue;
        }
        if (count === options.limit) {
          page.nextToken = last;
          return false;
        }
        if (entry.directory) {
          page.prefixes.push(entry.key);
        } else {
          files.push(entry);
        }
        count += 1;
        last = entry.key;
      }
      return true;
    };
    await visit(dir, folder);
    // A file gone meanwhile is left out.
    page.objects = await this.infos(files);
    return page;
  }

  /**
   * Every file under `prefix` (a folder's, or those whose names start with
   * what follows its last '/'), in key order, in pages of up to `pageSize`.
   * Each folder is read once: list() reads a folder again for every page,
   * which for a folder of 20,000 files was 20 reads and sorts of all of it.
   */
  async *walk(
    bucket: string,
    prefix: string,
    pageSize: number
  ): AsyncGenerator<IObjectInfo[]> {
    const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const dir = await this.resolve(bucket, folder);
    let files: IEntry[] = [];
    const visit = async function* (
      this: LocalBackend,
      directory: string,
      keys: string
    ): AsyncGenerator<IObjectInfo[]> {
      for (const entry of await this.entries(directory, keys)) {
        if (entry.directory) {
          if (entry.key.startsWith(prefix) || prefix.startsWith(entry.key)) {
            yield* visit.call(this, entry.path, entry.key);
          }
          continue;
        }
        if (!entry.key.startsWith(prefix)) {
          continue;
        }
        files.push(entry);
        if (files.length >= pageSize) {
          const page = files;
          files = [];
          yield await this.infos(page);
        }
      }
    };
    yield* visit.call(this, dir, folder);
    if (files.length) {
      yield await this.infos(files);
    }
  }

  async stat(bucket: string, key: string): Promise<IObjectInfo> {
    const path = await this.resolve(bucket, key);
    try {
      let stats = await this.lstatInside(path, key);
      if (stats.isSymbolicLink()) {
        // Followed only to a real path inside the root, itself no link.
        const real = await realpath(path);
        if (!this.inside(real)) {
          throw this.outside(key, 'leads outside the root through a symlink');
        }
        stats = await this.lstatInside(real, key);
      }
      if (stats.isDirectory()) {
        throw new ApiError(
          'not_found',
          `${key} is a folder on the Jupyter disk, not a file.`,
          'List it instead.'
        );
      }
      if (!stats.isFile()) {
        throw this.notRegular(key);
      }
      return { key, size: stats.size, modified: stats.mtime };
    } catch (error) {
      throw this.fsError(error, key);
    }
  }

  async read(
    bucket: string,
    key: string,
    range?: IByteRange
  ): Promise<Readable> {
    const path = await this.resolve(bucket, key);
    const file = await this.openFile(path, key);
    // The stream reads the checked descriptor (and closes it), never the path again.
    return createReadStream('', {
      fd: file.handle,
      start: range?.start,
      end: range?.end
    });
  }

  async readBuffer(
    bucket: string,
    key: string,
    start: number,
    length: number,
    size: number,
    into?: Buffer
  ): Promise<Buffer> {
    const path = await this.resolve(bucket, key);
    if (into && into.length !== length) {
      throw new RangeError(`into has ${into.length} bytes, not ${length}`);
    }
    const buffer = into ?? Buffer.allocUnsafe(length);
    if (this.procFd && start === 0 && length === size && size <= SMALL_READ) {
      const read = await smallReads.run<Buffer | undefined>(
        () => {
          try {
            return this.readSmallSync(path, key, size, buffer);
          } catch (error) {
            throw this.fsError(error, key);
          }
        },
        async () => undefined
      );
      if (read) {
        return read;
      }
    }
    const { handle, stats } = await this.openFile(path, key);
    try {
      checkUnchanged(stats, size, key);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await handle.read(
          buffer,
          got,
          length - got,
          start + got
        );
        if (bytesRead === 0) {
          throw endedEarly(key, start + got, size);
        }
        got += bytesRead;
      }
      return buffer;
    } catch (error) {
      throw this.fsError(error, key);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /**
   * The target's folder, made and opened (checked inside the root), and a
   * new temporary file in it: bytes go there, then a rename inside that same
   * folder puts them at the key, so nothing is visible half-written and no
   * swapped link leads the bytes out.
   */
  private async prepare(path: string, key: string): Promise<ITarget> {
    let folder: IFolder;
    try {
      folder = await this.makeFolders(dirname(path), key);
    } catch (error) {
      throw this.fsError(error, key);
    }
    const name = basename(path);
    const temporary = `${folder.path}/${temporaryName(name)}`;
    try {
      // O_EXCL: a name planted meanwhile (a symlink too) is never followed.
      const handle = await open(temporary, 'wx');
      return {
        folder,
        temporary,
        final: `${folder.path}/${name}`,
        handle
      };
    } catch (error) {
      await folder.close().catch(() => undefined);
      throw this.fsError(error, key);
    }
  }

  async put(
    bucket: string,
    key: string,
    body: Buffer | Readable,
    _options: IPutOptions
  ): Promise<IObjectInfo> {
    const path = await this.resolve(bucket, key);
    const target = await this.prepare(path, key);
    try {
      await pipeline(
        Buffer.isBuffer(body) ? [body] : body,
        target.handle.createWriteStream()
      );
      await rename(target.temporary, target.final);
    } catch (error) {
      await target.handle.close().catch(() => undefined);
      await unlink(target.temporary).catch(() => undefined);
      throw this.fsError(error, key);
    } finally {
      await target.folder.close().catch(() => undefined);
    }
    return this.stat(bucket, key);
  }

  async writer(
    bucket: string,
    key: string,
    options: IWriterOptions
  ): Promise<IChunkedWriter> {
    const path = await this.resolve(bucket, key);
    return new LocalWriter(
      await this.prepare(path, key),
      options.partSize ?? DEFAULT_PART_SIZE,
      error => this.fsError(error, key),
      () => this.stat(bucket, key)
    );
  }

  async copy(
    fromBucket: string,
    fromKey: string,
    toBucket: string,
    toKey: string
  ): Promise<IObjectInfo> {
    const from = await this.resolve(fromBucket, fromKey);
    const to = await this.resolve(toBucket, toKey);
    const source = await this.openFile(from, fromKey);
    try {
      const target = await this.prepare(to, toKey);
      try {
        await target.handle.close();
        // From the opened source itself: copyFile keeps the kernel's fast
        // paths (copy_file_range, reflinks) that a stream would lose.
        await copyFile(source.path, target.temporary);
        await rename(target.temporary, target.final);
      } catch (error) {
        await unlink(target.temporary).catch(() => undefined);
        throw this.fsError(error, fromKey);
      } finally {
        await target.folder.close().catch(() => undefined);
      }
    } finally {
      await source.handle.close().catch(() => undefined);
    }
    return this.stat(toBucket, toKey);
  }

  /** A key ending in '/' removes that folder's empty directories (what is left after its files were deleted). */
  async delete(bucket: string, key: string): Promise<void> {
    const path = await this.resolve(bucket, key);
    if (path === this.root && key.endsWith('/')) {
      return; // the root itself is never removed, not even when empty
    }
    let parent: IFolder;
    try {
      parent = await this.openFolder(dirname(path), key);
    } catch (error) {
      if (hasCode(error, 'ENOENT', 'ENOTDIR')) {
        return;
      }
      throw this.fsError(error, key);
    }
    const name = `${parent.path}/${basename(path)}`;
    try {
      if (key.endsWith('/')) {
        await this.removeEmptyFolders(name, key);
        return;
      }
      // unlink never follows the last name: a symlink is removed, not its target.
      await unlink(name);
    } catch (error) {
      if (!hasCode(error, 'ENOENT')) {
        throw this.fsError(error, key);
      }
    } finally {
      await parent.close().catch(() => undefined);
    }
  }

  /**
   * rmdir bottom-up; directories that still hold files stay. Each folder is
   * opened without following a link and checked, then emptied through it.
   */
  private async removeEmptyFolders(
    path: string,
    key: string
  ): Promise<boolean> {
    let folder: IFolder;
    try {
      folder = await this.openFolder(path, key, true);
    } catch (error) {
      if (hasCode(error, 'ENOENT')) {
        return true;
      }
      throw error;
    }
    let empty = true;
    try {
      for (const entry of await readdir(folder.path, { withFileTypes: true })) {
        if (entry.isDirectory()) {
          empty =
            (await this.removeEmptyFolders(
              `${folder.path}/${entry.name}`,
              key
            )) && empty;
        } else {
          empty = false;
        }
      }
    } finally {
      await folder.close();
    }
    if (empty) {
      // rmdir does not follow the last name either.
      await rmdir(path);
    }
    return empty;
  }

  async deleteMany(bucket: string, keys: string[]): Promise<IDeleteResult> {
    for (const key of keys) {
      await this.delete(bucket, key);
    }
    return { deleted: keys.length };
  }

  async isFolder(bucket: string, prefix: string): Promise<boolean> {
    const path = await this.resolve(bucket, prefix);
    return stat(path).then(
      s => s.isDirectory(),
      () => false
    );
  }

  /** Free bytes on the file system `key` would be written to (its deepest existing folder's). */
  async freeSpace(bucket: string, key: string): Promise<number | undefined> {
    let dir = await this.resolve(bucket, key || '.');
    for (;;) {
      try {
        const stats = await statfs(dir);
        return stats.bavail * stats.bsize;
      } catch {
        const parent = dirname(dir);
        if (parent === dir) {
          return undefined;
        }
        dir = parent;
      }
    }
  }

  /** `mkdir -p` inside the root: on a disk, folders are real. */
  async makeDirectory(bucket: string, prefix: string): Promise<void> {
    const path = await this.resolve(bucket, prefix);
    try {
      const folder = await this.makeFolders(path, prefix);
      await folder.close();
    } catch (error) {
      throw this.fsError(error, prefix);
    }
  }
}

/** Where a write goes: a temporary file open in the target's checked folder. */
interface ITarget {
  folder: IFolder;
  /** The temporary file's name, through the open folder. */
  temporary: string;
  /** The target's name, through the open folder. */
  final: string;
  handle: FileHandle;
}

/** Bytes gathered before one write of a streamed part. */
const WRITE_BATCH = 1024 * 1024;
/** Batches kept for reuse (one per part in flight is enough). */
const KEPT_BATCHES = 16;
const freeBatches: Buffer[] = [];

function takeBatch(): Buffer {
  return freeBatches.pop() ?? Buffer.allocUnsafeSlow(WRITE_BATCH);
}

function returnBatch(batch: Buffer): void {
  if (freeBatches.length < KEPT_BATCHES) {
    freeBatches.push(batch);
  }
}

/** Parts written at their offsets in a temporary file, renamed onto the target at complete. */
class LocalWriter implements IChunkedWriter {
  private closed = false;
  private readonly handle: FileHandle;

  constructor(
    /** Its folder stays open until complete or abort: the rename goes through it. */
    private readonly target: ITarget,
    readonly partSize: number,
    private readonly wrap: (error: unknown) => ApiError,
    private readonly stat: () => Promise<IObjectInfo>
  ) {
    this.handle = target.handle;
  }
  async writePart(partNumber: number, data: Buffer): Promise<void> {
    try {
      await writeAll(this.handle, [data], (partNumber - 1) * this.partSize);
    } catch (error) {
      throw this.wrap(error);
    }
  }

  partSink(partNumber: number, length: number): PartSink {
    return new PartSink(
      this.handle,
      (partNumber - 1) * this.partSize,
      length,
      this.wrap
    );
  }

  async writePartFrom(
    partNumber: number,
    body: Readable,
    length: number
  ): Promise<void> {
    const start = (partNumber - 1) * this.partSize;
    // The pieces of a response (16-64 KiB, in buffers the socket allocated)
    // are copied into one reused batch and written with one positioned
    // write: a piece then dies young, in the cheap collection, instead of
    // living until its write and being promoted (a GiB of them caused a
    // dozen full collections).
    const batch = takeBatch();
    let batched = 0;
    let written = 0;
    let flushed = 0;
    const flush = async (): Promise<void> => {
      try {
        await writeAll(
          this.handle,
          [batch.subarray(0, batched)],
          start + flushed
        );
      } catch (error) {
        body.destroy();
        throw this.wrap(error);
      }
      flushed += batched;
      batched = 0;
    };
    try {
      for await (const piece of body) {
        let data = piece as Buffer;
        if (written + data.length > length) {
          body.destroy();
          throw new ApiError(
            'provider_error',
            `The source sent more than the ${length} bytes asked for.`,
            'The source may have changed during the copy: try again.'
          );
        }
        written += data.length;
        while (data.length) {
          const taken = data.copy(batch, batched);
          batched += taken;
          data = data.subarray(taken);
          if (batched === batch.length) {
            await flush();
          }
        }
      }
      if (batched) {
        await flush();
      }
    } finally {
      returnBatch(batch);
    }
    if (written !== length) {
      throw new ApiError(
        'provider_error',
        `The source sent ${written} of ${length} bytes.`,
        'Try again.'
      );
    }
  }

  async complete(): Promise<IObjectInfo> {
    if (this.closed) {
      throw this.wrap(new Error('the upload has already ended'));
    }
    this.closed = true;
    try {
      await this.handle.close();
      await rename(this.target.temporary, this.target.final);
    } catch (error) {
      await unlink(this.target.temporary).catch(() => undefined);
      throw this.wrap(error);
    } finally {
      await this.target.folder.close().catch(() => undefined);
    }
    return this.stat();
  }

  async abort(): Promise<void> {
    if (this.closed) {
      // Once the folder is closed its /proc name may be another's: touch nothing.
      return;
    }
    this.closed = true;
    await this.handle.close().catch(() => undefined);
    await unlink(this.target.temporary).catch(() => undefined);
    await this.target.folder.close().catch(() => undefined);
  }
}
