// Object operations written once above the backend interface: deleting a
// prefix, the one check that two objects hold the same bytes, and a move
// that deletes the source only after the copy is verified.
import { MAX_PAGE_SIZE } from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { checkAllWritable } from './guarded.js';
import type { IBackend, IObjectInfo } from './types.js';

/** `work`'s answer, or undefined when it fails with not_found (other errors are thrown). */
export async function unlessNotFound<T>(
  work: () => Promise<T>
): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError && error.code === 'not_found') {
      return undefined;
    }
    throw error;
  }
}

/** The object's info, or undefined when there is no such object. */
export function statIfAny(
  backend: IBackend,
  bucket: string,
  key: string
): Promise<IObjectInfo | undefined> {
  return unlessNotFound(() => backend.stat(bucket, key));
}

/** Every key under a prefix (no delimiter), page by page. */
export async function* walkKeys(
  backend: IBackend,
  bucket: string,
  prefix: string
): AsyncGenerator<IObjectInfo[]> {
  let token: string | undefined;
  do {
    const page = await backend.list(bucket, {
      prefix,
      token,
      limit: MAX_PAGE_SIZE,
      recursive: true
    });
    if (page.objects.length) {
      yield page.objects;
    }
    token = page.nextToken ?? undefined;
  } while (token);
}

export async function countPrefix(
  backend: IBackend,
  bucket: string,
  prefix: string
): Promise<number> {
  let count = 0;
  for await (const page of walkKeys(backend, bucket, prefix)) {
    count += page.length;
  }
  return count;
}

/**
 * Delete everything under `prefix`, a page at a time (what was listed is what
 * is deleted: nothing outside the prefix). A prefix that vanished meanwhile
 * deletes 0.
 */
export async function deletePrefix(
  backend: IBackend,
  bucket: string,
  prefix: string
): Promise<number> {
  let deleted = 0;
  // Collect first: deleting while paging would move the provider's cursor.
  const keys: string[] = [];
  for await (const page of walkKeys(backend, bucket, prefix)) {
    keys.push(...page.map(object => object.key));
  }
  // All or nothing under the admin's rules: a folder that holds something
  // the user may not delete is refused before any key goes.
  checkAllWritable(backend, bucket, keys);
  for (let start = 0; start < keys.length; start += MAX_PAGE_SIZE) {
    deleted += (
      await backend.deleteMany(bucket, keys.slice(start, start + MAX_PAGE_SIZE))
    ).deleted;
  }
  if (backend.capabilities.realDirectories) {
    await backend.delete(bucket, prefix);
  }
  return deleted;
}

/**
 * How two stats are compared, after their sizes (which always decide first).
 * The callers differ, on purpose:
 * - a copy just made (transfers/copy.ts `verify`) must agree with its source
 *   on every hash both state (`everyHash`): any disagreement means a damaged
 *   copy, worth another attempt;
 * - a server-side copy (`copyObject` below) and a sync with `checksum` take
 *   the first hash both state, MD5 then CRC32C. The two rules part only when
 *   both sides state both hashes (GCS to GCS) and the MD5s agree while the
 *   CRC32Cs do not;
 * - a sync without `checksum` (transfers/plan.ts, rclone's default) compares
 *   modification times instead (`byModified`): a listing gives them for
 *   every object, hashes it does not. The destination counts as the same
 *   when it is no older than the source.
 * With no hash both sides state, the size alone decides (rclone does the same).
 */
export interface IContentRules {
  everyHash?: boolean;
  byModified?: boolean;
}

/** Why `copy` may not hold the bytes of `source` ('MD5 differs'...), or undefined when it does as far as both can tell. */
export function contentDifference(
  source: IObjectInfo,
  copy: IObjectInfo,
  rules: IContentRules = {}
): string | undefined {
  if (copy.size !== source.size) {
    return `size ${copy.size}, expected ${source.size}`;
  }
  if (rules.byModified) {
    return source.modified &&
      copy.modified &&
      // S3 and HTTP dates keep whole seconds: a copy made in the second
      // its source was written reads as older unless the source is taken
      // to that precision too (rclone's modify window, for the same reason).
      copy.modified.getTime() >=
        Math.floor(source.modified.getTime() / 1000) * 1000
      ? undefined
      : 'older than the source, or undated';
  }
  const md5 = source.md5 && copy.md5;
  if (md5 && source.md5 !== copy.md5) {
    return 'MD5 differs';
  }
  if (md5 && !rules.everyHash) {
    return undefined;
  }
  if (source.crc32c && copy.crc32c && source.crc32c !== copy.crc32c) {
    return 'CRC32C differs';
  }
  return undefined;
}

/** Whether two stats describe the same bytes, as far as both can tell. */
export function sameContent(
  source: IObjectInfo,
  copy: IObjectInfo,
  rules: IContentRules = {}
): boolean {
  return contentDifference(source, copy, rules) === undefined;
}

/** Server-side copy within one backend; with `move`, the source goes only after the copy checks out. */
export async function copyObject(
  backend: IBackend,
  fromBucket: string,
  fromKey: string,
  toBucket: string,
  toKey: string,
  move = false
): Promise<IObjectInfo> {
  if (fromBucket === toBucket && fromKey === toKey) {
    throw new ApiError(
      'invalid_request',
      'The source and the destination are the same object.',
      'Choose another name.'
    );
  }
  if (!backend.copy) {
    throw new ApiError(
      'invalid_request',
      'This remote cannot copy objects within itself.'
    );
  }
  const source = await backend.stat(fromBucket, fromKey);
  const result = await backend.copy(fromBucket, fromKey, toBucket, toKey);
  if (!sameContent(source, result)) {
    throw new ApiError(
      'provider_error',
      `The copy of ${fromKey} does not match its source (size or checksum differ); the source was kept.`,
      'Try again.'
    );
  }
  if (move) {
    await backend.delete(fromBucket, fromKey);
  }
  return result;
}

/**
 * A new, empty folder `prefix` ('a/b/'): a real one on a disk; in a bucket
 * the zero-byte 'a/b/' object that the S3 and GCS consoles make, so that the
 * folder is there before anything is written into it (listings show it as
 * the folder, never as a file). Writing it again changes nothing.
 */
export async function makeFolder(
  backend: IBackend,
  bucket: string,
  prefix: string
): Promise<void> {
  if (!prefix.endsWith('/') || prefix === '/') {
    throw new ApiError(
      'invalid_request',
      `A folder is a path that ends with '/', not '${prefix}'.`,
      'Give the folder as "results/2024/".'
    );
  }
  if (backend.makeDirectory) {
    await backend.makeDirectory(bucket, prefix);
    return;
  }
  await backend.put(bucket, prefix, Buffer.alloc(0), {
    contentType: 'application/x-directory',
    skipStat: true
  });
}
