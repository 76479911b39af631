// The local backend: the Jupyter disk, confined to one root folder. One
// "bucket" (LOCAL_BUCKET) is the root; keys are relative POSIX paths; folders
// are real directories. Nothing outside the root is read or written, also not
// through symlinks.
import { randomBytes } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  realpathSync,
  type Dirent
} from 'node:fs';
import {
  copyFile,
  mkdir,
  open,
  readdir,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  type FileHandle
} from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LOCAL_BUCKET, type IBucket } from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { DEFAULT_PART_SIZE } from './parts.js';
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
} from './types.js';

const CAPABILITIES: ICapabilities = {
  serverSideCopy: true,
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
  maxKeyBytes: 4096
};

/** The root the HTTP API confines local paths to: the Jupyter server's root_dir. */
export function localRootFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.JUPYTER_BUCKETS_ROOT || process.cwd();
}

/** Keys sort by their UTF-8 bytes, like S3 listings. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function temporaryName(path: string): string {
  return join(
    dirname(path),
    `.${basename(path)}.jb-${randomBytes(6).toString('hex')}.partial`
  );
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && codes.includes(code);
}

interface IEntry {
  /** Key of a file, or prefix (ending '/') of a directory. */
  key: string;
  path: string;
  directory: boolean;
}

export class LocalBackend implements IBackend {
  readonly capabilities = CAPABILITIES;
  readonly root: string;

  constructor(root: string) {
    // Compare against the real root: /tmp may itself be a symlink.
    this.root = realpathSync(root);
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
    const path = join(this.root, ...parts.filter(p => p !== '' && p !== '.'));
    let existing = path;
    for (;;) {
      try {
        const real = await realpath(existing);
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

  /** A directory's entries, sorted as their keys (directories as 'name/'); entries that cannot be read are left out. */
  private async entries(dir: string, prefix: string): Promise<IEntry[]> {
    let dirents: Dirent[];
    try {
      dirents = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (hasCode(error, 'ENOENT', 'ENOTDIR')) {
        return [];
      }
      throw this.fsError(error, prefix);
    }
    const result: IEntry[] = [];
    for (const dirent of dirents) {
      const path = join(dir, dirent.name);
      let directory = dirent.isDirectory();
      if (dirent.isSymbolicLink()) {
        try {
          const real = await realpath(path);
          if (!this.inside(real)) {
            continue; // never show what we would refuse to open
          }
          directory = (await stat(real)).isDirectory();
        } catch {
          continue; // a broken link
        }
      } else if (!dirent.isFile() && !directory) {
        continue; // sockets, fifos, devices
      }
      result.push({
        key: `${prefix}${dirent.name}${directory ? '/' : ''}`,
        path,
        directory
      });
    }
    return result.sort((a, b) => compareKeys(a.key, b.key));
  }

  private async info(key: string, path: string): Promise<IObjectInfo> {
    const stats = await stat(path);
    return { key, size: stats.size, modified: stats.mtime };
  }

  async list(bucket: string, options: IListOptions): Promise<IListPage> {
    // The token is the last key (or prefix) of the previous page.
    const after = options.token;
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
        if (after !== undefined && compareKeys(entry.key, after) <= 0) {
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
    const infos = await Promise.all(
      files.map(entry =>
        this.info(entry.key, entry.path).catch(() => undefined)
      )
    );
    // A file gone meanwhile is left out.
    page.objects = infos.filter((info): info is IObjectInfo => Boolean(info));
    return page;
  }

  async stat(bucket: string, key: string): Promise<IObjectInfo> {
    const path = await this.resolve(bucket, key);
    try {
      const stats = await stat(path);
      if (stats.isDirectory()) {
        throw new ApiError(
          'not_found',
          `${key} is a folder on the Jupyter disk, not a file.`,
          'List it instead.'
        );
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
    const stream = createReadStream(path, {
      start: range?.start,
      end: range?.end
    });
    try {
      await once(stream, 'open');
    } catch (error) {
      throw this.fsError(error, key);
    }
    return stream;
  }

  async readBuffer(
    bucket: string,
    key: string,
    start: number,
    length: number,
    size: number
  ): Promise<Buffer> {
    const path = await this.resolve(bucket, key);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw this.fsError(error, key);
    }
    try {
      const now = (await handle.stat()).size;
      if (now !== size) {
        throw new ApiError(
          'provider_error',
          `${key} changed during the copy (${now} bytes, ${size} when listed).`,
          'Try again once nothing writes to it.'
        );
      }
      const buffer = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await handle.read(
          buffer,
          got,
          length - got,
          start + got
        );
        if (bytesRead === 0) {
          throw new ApiError(
            'provider_error',
            `${key} ended after ${start + got} of ${size} bytes.`,
            'It may have changed during the copy: try again.'
          );
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

  async put(
    bucket: string,
    key: string,
    body: Buffer | Readable,
    _options: IPutOptions
  ): Promise<IObjectInfo> {
    const path = await this.resolve(bucket, key);
    const temporary = await this.prepare(path, key);
    try {
      await pipeline(
        Buffer.isBuffer(body) ? [body] : body,
        createWriteStream(temporary)
      );
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw this.fsError(error, key);
    }
    return this.stat(bucket, key);
  }

  /** The parent folders exist (object stores have none to create); returns a temporary name beside the target. */
  private async prepare(path: string, key: string): Promise<string> {
    try {
      await mkdir(dirname(path), { recursive: true });
    } catch (error) {
      throw this.fsError(error, key);
    }
    return temporaryName(path);
  }

  async writer(
    bucket: string,
    key: string,
    options: IWriterOptions
  ): Promise<IChunkedWriter> {
    const path = await this.resolve(bucket, key);
    const temporary = await this.prepare(path, key);
    let handle: FileHandle;
    try {
      handle = await open(temporary, 'wx');
    } catch (error) {
      throw this.fsError(error, key);
    }
    return new LocalWriter(
      handle,
      temporary,
      path,
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
    const temporary = await this.prepare(to, toKey);
    try {
      await copyFile(from, temporary);
      await rename(temporary, to);
    } catch (error) {
      await rm(temporary, { force: true });
      throw this.fsError(error, fromKey);
    }
    return this.stat(toBucket, toKey);
  }

  /** A key ending in '/' removes that folder's empty directories (what is left after its files were deleted). */
  async delete(bucket: string, key: string): Promise<void> {
    const path = await this.resolve(bucket, key);
    try {
      if (key.endsWith('/')) {
        await removeEmptyDirectories(path);
        return;
      }
      await unlink(path);
    } catch (error) {
      if (!hasCode(error, 'ENOENT')) {
        throw this.fsError(error, key);
      }
    }
  }

  async deleteMany(bucket: string, keys: string[]): Promise<IDeleteResult> {
    for (const key of keys) {
      await this.delete(bucket, key);
    }
    return { deleted: keys.length };
  }

  /** `mkdir -p` inside the root: on a disk, folders are real. */
  async makeDirectory(bucket: string, prefix: string): Promise<void> {
    const path = await this.resolve(bucket, prefix);
    try {
      await mkdir(path, { recursive: true });
    } catch (error) {
      throw this.fsError(error, prefix);
    }
  }
}

/** rmdir bottom-up; directories that still hold files stay. */
async function removeEmptyDirectories(path: string): Promise<boolean> {
  let entries: Dirent[];
  try {
    entries = await readdir(path, { withFileTypes: true });
  } catch (error) {
    if (hasCode(error, 'ENOENT')) {
      return true;
    }
    throw error;
  }
  let empty = true;
  for (const entry of entries) {
    if (entry.isDirectory()) {
      empty = (await removeEmptyDirectories(join(path, entry.name))) && empty;
    } else {
      empty = false;
    }
  }
  if (empty) {
    await rmdir(path);
  }
  return empty;
}

/** Bytes gathered before one write of a streamed part. */
const WRITE_BATCH = 1024 * 1024;

/** writev until every byte is written (a regular file rarely takes less at once). */
async function writeAll(
  handle: FileHandle,
  buffers: Buffer[],
  position: number
): Promise<void> {
  let left = buffers;
  while (left.length) {
    const { bytesWritten } = await handle.writev(left, position);
    position += bytesWritten;
    let skip = bytesWritten;
    while (left.length && skip >= left[0].length) {
      skip -= left[0].length;
      left = left.slice(1);
    }
    if (left.length && skip) {
      left = [left[0].subarray(skip), ...left.slice(1)];
    }
  }
}

/** Parts written at their offsets in a temporary file, renamed onto the target at complete. */
class LocalWriter implements IChunkedWriter {
  private closed = false;

  constructor(
    private readonly handle: FileHandle,
    private readonly temporary: string,
    private readonly path: string,
    readonly partSize: number,
    private readonly wrap: (error: unknown) => ApiError,
    private readonly stat: () => Promise<IObjectInfo>
  ) {}

  async writePart(partNumber: number, data: Buffer): Promise<void> {
    try {
      await this.handle.write(
        data,
        0,
        data.length,
        (partNumber - 1) * this.partSize
      );
    } catch (error) {
      throw this.wrap(error);
    }
  }

  async writePartFrom(
    partNumber: number,
    body: Readable,
    length: number
  ): Promise<void> {
    const start = (partNumber - 1) * this.partSize;
    // The pieces of a response are small (16-64 KiB): gathered into batches,
    // one positioned writev each instead of a write per piece.
    let batch: Buffer[] = [];
    let batched = 0;
    let written = 0;
    const flush = async (): Promise<void> => {
      try {
        await writeAll(this.handle, batch, start + written - batched);
      } catch (error) {
        body.destroy();
        throw this.wrap(error);
      }
      batch = [];
      batched = 0;
    };
    for await (const piece of body) {
      const data = piece as Buffer;
      if (written + data.length > length) {
        body.destroy();
        throw new ApiError(
          'provider_error',
          `The source sent more than the ${length} bytes asked for.`,
          'The source may have changed during the copy: try again.'
        );
      }
      batch.push(data);
      batched += data.length;
      written += data.length;
      if (batched >= WRITE_BATCH) {
        await flush();
      }
    }
    if (batched) {
      await flush();
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
    try {
      this.closed = true;
      await this.handle.close();
      await rename(this.temporary, this.path);
    } catch (error) {
      await rm(this.temporary, { force: true });
      throw this.wrap(error);
    }
    return this.stat();
  }

  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.handle.close().catch(() => undefined);
    }
    await rm(this.temporary, { force: true });
  }
}
