// Writing the user's config files safely: read a snapshot (bytes + hash),
// then commit new text for several files at once. Every file is checked for
// outside changes before any is replaced, writes go to a temporary file next
// to the real target (symlinks are written through) that is fsynced and
// renamed over it, modes never loosen (0600 at most for these secret-bearing
// files), and the first rewrite keeps a backup.
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ApiError } from '../api-error.js';

export const BACKUP_SUFFIX = '.jupyter-buckets.bak';
const SECRET_MODE = 0o600;

export interface ISnapshot {
  /** The path as configured (shown to the user). */
  path: string;
  /** Where the bytes really live (symlinks resolved). */
  target: string;
  exists: boolean;
  text: string;
  /** The bytes read (kept for the backup, byte for byte). */
  bytes?: Buffer;
  hash: string;
  /** Permission bits of the existing file. */
  mode?: number;
}

function digest(bytes: Buffer | undefined): string {
  return bytes === undefined
    ? 'absent'
    : createHash('sha256').update(bytes).digest('hex');
}

/** The file a path really names: symlinks followed, even a dangling one. */
export function resolveTarget(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    // A missing file (or a symlink to a missing file): follow what links exist.
    let current = absolute;
    for (let hops = 0; hops < 40; hops++) {
      let link: string;
      try {
        if (!lstatSync(current).isSymbolicLink()) {
          return current;
        }
        link = readlinkSync(current);
      } catch {
        return current;
      }
      current = resolve(dirname(current), link);
    }
    return current;
  }
}

function readBytes(target: string): Buffer | undefined {
  try {
    return readFileSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw new ApiError(
      'internal',
      `Cannot read ${target}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      'Check the permissions of the file.'
    );
  }
}

export function snapshot(path: string): ISnapshot {
  const target = resolveTarget(path);
  const bytes = readBytes(target);
  return {
    path,
    target,
    exists: bytes !== undefined,
    text: bytes?.toString('utf8') ?? '',
    bytes,
    hash: digest(bytes),
    mode: bytes === undefined ? undefined : statSync(target).mode & 0o777
  };
}

export interface IPlannedWrite {
  snapshot: ISnapshot;
  /** The new content, or null to delete the file. */
  text: string | null;
}

/** Test hook: runs after every check passed, right before the final re-check and rename. */
export interface ICommitHooks {
  beforeRename?: () => void;
}

function conflict(file: ISnapshot): ApiError {
  return new ApiError(
    'conflict',
    `${file.path} changed on disk since it was read; nothing was saved.`,
    'Reload the remotes and try again (your change was not applied).'
  );
}

function unchanged(file: ISnapshot): boolean {
  return digest(readBytes(file.target)) === file.hash;
}

/** Keep (tighten) the existing mode; never looser than 0600. */
function modeFor(file: ISnapshot): number {
  if (file.mode === undefined) {
    return SECRET_MODE;
  }
  return file.mode & SECRET_MODE || SECRET_MODE;
}

function writeTemp(
  dir: string,
  name: string,
  data: string | Buffer,
  mode: number
): string {
  const temp = join(
    dir,
    `.${name}.jupyter-buckets-${randomBytes(6).toString('hex')}.tmp`
  );
  const fd = openSync(temp, 'wx', mode);
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return temp;
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems cannot fsync a folder; the rename is still atomic.
  }
}

/**
 * Write all planned files, or none: each is checked against its snapshot
 * before anything is written and again right before its rename.
 */
export function commitAll(
  writes: IPlannedWrite[],
  hooks: ICommitHooks = {}
): void {
  const changed = writes.filter(
    write => write.text !== (write.snapshot.exists ? write.snapshot.text : null)
  );
  for (const write of changed) {
    if (!unchanged(write.snapshot)) {
      throw conflict(write.snapshot);
    }
  }
  const temps: { write: IPlannedWrite; temp: string | null }[] = [];
  try {
    for (const write of changed) {
      const { target } = write.snapshot;
      const dir = dirname(target);
      if (write.text === null) {
        temps.push({ write, temp: null });
        continue;
      }
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      temps.push({
        write,
        temp: writeTemp(
          dir,
          basename(target),
          write.text,
          modeFor(write.snapshot)
        )
      });
    }
    hooks.beforeRename?.();
    for (const { write } of temps) {
      if (!unchanged(write.snapshot)) {
        throw conflict(write.snapshot);
      }
    }
  } catch (error) {
    for (const { temp } of temps) {
      if (temp) {
        unlinkSync(temp);
      }
    }
    throw error;
  }
  for (const { write, temp } of temps) {
    const file = write.snapshot;
    const dir = dirname(file.target);
    const backup = `${file.target}${BACKUP_SUFFIX}`;
    if (file.exists && !existsSync(backup)) {
      const copy = writeTemp(
        dir,
        basename(backup),
        file.bytes ?? file.text,
        modeFor(file)
      );
      renameSync(copy, backup);
    }
    if (temp === null) {
      unlinkSync(file.target);
    } else {
      renameSync(temp, file.target);
    }
    fsyncDir(dir);
  }
}
