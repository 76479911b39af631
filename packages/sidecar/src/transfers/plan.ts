// The planner: a source (one object, or a prefix listed page by page) and a
// destination become file tasks with sizes and destination keys, with
// rclone's meaning of `cp src/ dst/` (the contents of src go into dst), the
// sync comparison, filters, and the checks that refuse a job up front. A
// whole plan lists everything first (dry runs, and jobs whose conflicts
// must be asked about); stream.ts plans a job as its source is listed.
import { baseName, MAX_PAGE_SIZE } from '@jupyter-buckets/core';
import type { ITransferOptions, TransferOp } from '@jupyter-buckets/core';
import picomatch from 'picomatch';
import { ApiError } from '../api-error.js';
import { sameContent, unlessNotFound } from '../backends/operations.js';
import type { IObjectInfo } from '../backends/types.js';
import {
  choiceFor,
  keepBothKey,
  keepBothKeyAsync,
  requireChoices,
  type IConflict
} from './conflicts.js';
import { allObjects } from '../listing/pages.js';
import type { IEndpoint } from '../locations/resolver.js';
import { RETRY, withRetry } from './retry.js';
import { folderPrefix } from '../locations/folders.js';

export interface IFileTask {
  /** Relative to the source prefix (for one object: its name). */
  path: string;
  srcKey: string;
  dstKey: string;
  size: number;
  source: IObjectInfo;
}

export interface IDeleteTask {
  /** Relative to the destination prefix. */
  path: string;
  key: string;
}

/** More of a streamed plan: the files of one more page of the source. */
export interface IPlanPage {
  files: IFileTask[];
  /** Identical at the destination (a sync), or skipped by a choice. */
  skipped: number;
  /** The source's last page: the plan is whole (its deletes known). */
  last?: boolean;
}

export interface IPlan {
  op: TransferOp;
  /** A streamed plan's: those of its first page (see more). */
  files: IFileTask[];
  /** A streamed plan's are known once `more` has ended. */
  deletes: IDeleteTask[];
  skipped: number;
  totals: { files: number; bytes: number };
  /** The source is a prefix (a move then also tidies empty local folders). */
  srcPrefix?: string;
  /** Destination files that existed, before the choices were applied (a whole plan's). */
  conflicts: IConflict[];
  /**
   * A streamed plan (stream.ts): the rest of its files, a page at a time
   * as the source is listed; it fills `deletes` when it ends. Consumed
   * once: a job that must go over them again plans again.
   */
  more?: AsyncIterator<IPlanPage>;
}

/** A plan with nothing in it: a cloud transfer's, whose source the service lists. */
export function emptyPlan(op: TransferOp): IPlan {
  return {
    op,
    files: [],
    deletes: [],
    skipped: 0,
    totals: { files: 0, bytes: 0 },
    conflicts: []
  };
}

/** Pages a transfer lists (tests make them small, to see a listing go on). */
export const LIST_PAGE_SIZE = MAX_PAGE_SIZE;

/** A path filter from include/exclude globs (picomatch: well kept, no dependencies, the matcher behind micromatch and fast-glob). */
export function pathFilter(
  options: ITransferOptions
): (path: string) => boolean {
  const include = options.include?.length
    ? picomatch(options.include, { dot: true })
    : undefined;
  const exclude = options.exclude?.length
    ? picomatch(options.exclude, { dot: true })
    : undefined;
  return path => (!include || include(path)) && !(exclude && exclude(path));
}

export async function statOrUndefined(
  endpoint: IEndpoint,
  key: string
): Promise<IObjectInfo | undefined> {
  return unlessNotFound(() =>
    withRetry(
      () => endpoint.backend.stat(endpoint.bucket, key),
      undefined,
      RETRY.request
    )
  );
}

export async function checkFreeSpace(
  dst: IEndpoint,
  key: string,
  bytes: number
) {
  if (!dst.backend.freeSpace || bytes === 0) {
    return;
  }
  const free = await dst.backend.freeSpace(dst.bucket, key);
  if (free !== undefined && free < bytes) {
    throw notEnoughSpace(bytes, free);
  }
}

export function notEnoughSpace(bytes: number, free: number): ApiError {
  return new ApiError(
    'invalid_request',
    `Not enough space on the Jupyter disk: ${bytes} bytes to copy, ${free} free.`,
    'Free some space, or copy less (--include/--exclude).'
  );
}

function sameLocation(src: IEndpoint, dst: IEndpoint): boolean {
  return src.identity === dst.identity && src.bucket === dst.bucket;
}

/** A folder's transfer, checked: where its files come from and go. */
export interface IFolderTransfer {
  srcPrefix: string;
  dstPrefix: string;
}

/**
 * What every plan starts with: the destination bucket exists, a single
 * object is planned whole (the result is its plan), and a folder's
 * prefixes are worked out and checked (the result is them).
 */
export async function prepareTransfer(
  op: TransferOp,
  src: IEndpoint,
  dst: IEndpoint,
  options: ITransferOptions,
  signal: AbortSignal | undefined,
  done: ReadonlySet<string>
): Promise<IPlan | IFolderTransfer> {
  if (!dst.local) {
    // A missing destination bucket fails here (bucket_not_found), not per file.
    await withRetry(
      () => dst.backend.list(dst.bucket, { prefix: '', limit: 1 }),
      signal,
      RETRY.request
    );
  }
  const accept = pathFilter(options);
  // Without checksum, a sync compares modification times (operations.ts).
  const syncRules = { byModified: !options.checksum };
  let single: IObjectInfo | undefined;
  let srcPrefix = src.path;
  if (src.path && !src.path.endsWith('/')) {
    single = await statOrUndefined(src, src.path);
    if (!single) {
      srcPrefix = `${src.path}/`;
    }
  }
  if (single) {
    let dstKey =
      dst.path === '' || dst.path.endsWith('/')
        ? dst.path + baseName(single.key)
        : dst.path;
    const path = baseName(single.key);
    const exists = async (key: string) =>
      (await statOrUndefined(dst, key)) !== undefined;
    if (sameLocation(src, dst) && dstKey === single.key) {
      // Paste into the same folder: a renamed copy, when asked for.
      if (choiceFor(options, path) !== 'rename') {
        throw new ApiError(
          'invalid_request',
          `${src.label} would be copied onto itself.`,
          'Choose another destination, or keep both (onConflict: "rename") for a renamed copy.'
        );
      }
      dstKey = await keepBothKeyAsync(dstKey, exists);
    }
    const files: IFileTask[] = [];
    const conflicts: IConflict[] = [];
    let skipped = 0;
    if (accept(path)) {
      const existing = await statOrUndefined(dst, dstKey);
      if (
        existing &&
        op === 'sync' &&
        sameContent(single, existing, syncRules)
      ) {
        skipped = 1;
      } else {
        const file: IFileTask = {
          path,
          srcKey: single.key,
          dstKey,
          size: single.size,
          source: single
        };
        files.push(file);
        if (existing) {
          conflicts.push({ path, dstKey, source: single, existing });
        }
      }
    }
    skipped += await applyChoices(
      dst,
      files,
      conflicts,
      options,
      done,
      async key => !(await exists(key))
    );
    const bytes = files.reduce((sum, file) => sum + file.size, 0);
    await checkFreeSpace(dst, dstKey, bytes);
    return {
      op,
      files,
      deletes: [],
      skipped,
      totals: { files: files.length, bytes },
      conflicts
    };
  }
  let dstPrefix = folderPrefix(dst.path);
  if (
    sameLocation(src, dst) &&
    dstPrefix === srcPrefix &&
    srcPrefix !== '' &&
    options.onConflict === 'rename'
  ) {
    // Paste of a folder into its own parent: a renamed copy ('data (1)/').
    dstPrefix = await keepBothKeyAsync(dstPrefix, async prefix => {
      const page = await withRetry(
        () => dst.backend.list(dst.bucket, { prefix, limit: 1 }),
        signal,
        RETRY.request
      );
      return page.objects.length > 0 || page.prefixes.length > 0;
    });
  }
  if (sameLocation(src, dst)) {
    if (dstPrefix.startsWith(srcPrefix)) {
      throw new ApiError(
        'invalid_request',
        dstPrefix === srcPrefix
          ? `${src.label} would be copied onto itself.`
          : `${dst.label} is inside ${src.label}: a folder cannot be copied into itself.`,
        'Choose a destination outside the source folder.'
      );
    }
    if (op === 'sync' && options.delete && srcPrefix.startsWith(dstPrefix)) {
      throw new ApiError(
        'invalid_request',
        `${src.label} is inside ${dst.label}: a sync with delete would delete the source.`,
        'Choose a destination outside the source folder.'
      );
    }
  }
  return { srcPrefix, dstPrefix };
}

/**
 * Nothing at a source prefix: a typo, most likely (and a sync with delete
 * would empty the destination). An existing empty local folder is fine.
 */
export async function checkSourceFound(
  src: IEndpoint,
  srcPrefix: string
): Promise<void> {
  if (srcPrefix === '') {
    return;
  }
  const folder = (await src.backend.isFolder?.(src.bucket, srcPrefix)) ?? false;
  if (!folder) {
    throw new ApiError(
      'not_found',
      `Nothing at ${src.label}.`,
      'Check the bucket and the path.'
    );
  }
}

/** The whole plan, everything listed first (a dry run's, or a job's that must ask about its conflicts). */
export async function planTransfer(
  op: TransferOp,
  src: IEndpoint,
  dst: IEndpoint,
  options: ITransferOptions = {},
  signal?: AbortSignal,
  done: ReadonlySet<string> = new Set()
): Promise<IPlan> {
  const prepared = await prepareTransfer(op, src, dst, options, signal, done);
  if ('op' in prepared) {
    return prepared;
  }
  const { srcPrefix, dstPrefix } = prepared;
  const accept = pathFilter(options);
  const syncRules = { byModified: !options.checksum };
  // The destination is listed while the source is: a sync compares with it,
  // every op finds its conflicts in it.
  const listing = allObjects(dst, dstPrefix, LIST_PAGE_SIZE, signal);
  listing.catch(() => undefined); // awaited below, unless the source fails first
  const sources = await allObjects(src, srcPrefix, LIST_PAGE_SIZE, signal);
  if (!sources.length) {
    await checkSourceFound(src, srcPrefix);
  }
  const targets = new Map<string, IObjectInfo>();
  for (const object of await listing) {
    targets.set(object.key.slice(dstPrefix.length), object);
  }
  const files: IFileTask[] = [];
  const conflicts: IConflict[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const object of sources) {
    const path = object.key.slice(srcPrefix.length);
    if (!accept(path)) {
      continue;
    }
    seen.add(path);
    const existing = targets.get(path);
    if (existing && op === 'sync' && sameContent(object, existing, syncRules)) {
      skipped += 1;
      continue;
    }
    const dstKey = dstPrefix + path;
    files.push({
      path,
      srcKey: object.key,
      dstKey,
      size: object.size,
      source: object
    });
    if (existing) {
      conflicts.push({ path, dstKey, source: object, existing });
    }
  }
  const taken = new Set<string>(
    [...targets.keys()].map(path => dstPrefix + path)
  );
  for (const file of files) {
    taken.add(file.dstKey);
  }
  skipped += await applyChoices(
    dst,
    files,
    conflicts,
    options,
    done,
    async key => !taken.has(key)
  );
  const deletes: IDeleteTask[] = [];
  if (op === 'sync' && options.delete) {
    for (const [path, object] of targets) {
      if (!seen.has(path) && accept(path)) {
        deletes.push({ path, key: object.key });
      }
    }
  }
  const bytes = files.reduce((sum, file) => sum + file.size, 0);
  await checkFreeSpace(dst, dstPrefix, bytes);
  return {
    op,
    files,
    deletes,
    skipped,
    totals: { files: files.length, bytes },
    srcPrefix,
    conflicts
  };
}

/**
 * Apply the request's choices to the conflicts, in place: a skipped file
 * leaves `files`, a kept-both one gets a free name. Refuses (409) when one
 * has no choice, unless this is a dry run (which reports them). Paths in
 * `done` were written by this very job before a restart: not conflicts.
 * Returns how many files were skipped.
 */
async function applyChoices(
  dst: IEndpoint,
  files: IFileTask[],
  conflicts: IConflict[],
  options: ITransferOptions,
  done: ReadonlySet<string>,
  free: (key: string) => Promise<boolean>
): Promise<number> {
  const open = conflicts.filter(conflict => !done.has(conflict.path));
  if (!options.dryRun) {
    requireChoices(dst, open, options);
  }
  const byPath = new Map(files.map(file => [file.path, file]));
  const skipped = new Set<string>();
  const assigned = new Set<string>();
  for (const conflict of open) {
    const file = byPath.get(conflict.path);
    const choice = choiceFor(options, conflict.path);
    if (!file || choice === undefined || choice === 'replace') {
      continue;
    }
    if (choice === 'skip') {
      skipped.add(file.path);
      continue;
    }
    // Keep both: names are checked against the listing when there is one,
    // else one stat each; a name given to an earlier file is taken too.
    const tried = new Set<string>();
    let key: string;
    for (;;) {
      key = keepBothKey(file.dstKey, k => tried.has(k) || assigned.has(k));
      if (await free(key)) {
        break;
      }
      tried.add(key);
    }
    assigned.add(key);
    file.dstKey = key;
  }
  if (skipped.size) {
    const kept = files.filter(file => !skipped.has(file.path));
    files.splice(0, files.length, ...kept);
  }
  return skipped.size;
}
