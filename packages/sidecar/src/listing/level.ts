// One page of one level of a bucket, as the API shows it: normalized prefix,
// folder entries, objects, and an opaque cursor for the next page.
import {
  MAX_PAGE_SIZE,
  type IListing,
  type IObjectEntry
} from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import type { IBackend } from '../backends/types.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { listPage } from './prefetch.js';
import { folderPrefix } from '../locations/folders.js';

export interface ILevelQuery {
  prefix?: string;
  /** Only names (last segments) starting with this; the provider filters it. */
  startsWith?: string;
  cursor?: string;
  limit?: number;
}

/** Longest startsWith accepted: keys are at most 1024 bytes on S3 and GCS. */
export const MAX_STARTS_WITH_BYTES = 1024;

/**
 * A name filter within one level: text without '/' (it filters names, not
 * paths) or NUL, at most 1024 bytes. '' and absent mean no filter.
 */
export function parseStartsWith(value: string | undefined): string {
  if (value === undefined || value === '') {
    return '';
  }
  let problem: string | null = null;
  if (value.includes('/')) {
    problem =
      "startsWith filters names within one folder, so it cannot contain '/'.";
  } else if (value.includes('\0')) {
    problem = 'startsWith contains a NUL character.';
  } else if (
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(
      value
    )
  ) {
    problem = 'startsWith is not valid UTF-8 text.';
  } else if (Buffer.byteLength(value, 'utf8') > MAX_STARTS_WITH_BYTES) {
    problem = `startsWith is longer than ${MAX_STARTS_WITH_BYTES} bytes.`;
  }
  if (problem) {
    throw new ApiError(
      'invalid_request',
      problem,
      "Give the start of a name in this folder, e.g. 'tas_' (open a subfolder to filter inside it)."
    );
  }
  return value;
}

/** The last path segment: 'a/b/' -> 'b', 'a/b.txt' -> 'b.txt'. */
function lastSegment(path: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

export function parseLimit(value: unknown): number {
  if (value === undefined || value === '') {
    return MAX_PAGE_SIZE;
  }
  const limit = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ApiError(
      'invalid_request',
      `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}, not '${String(value)}'.`,
      `Leave it out for pages of ${MAX_PAGE_SIZE}.`
    );
  }
  return limit;
}

export async function listLevel(
  backend: IBackend,
  bucket: string,
  query: ILevelQuery
): Promise<IListing> {
  const prefix = folderPrefix(query.prefix);
  const limit = query.limit ?? MAX_PAGE_SIZE;
  // The provider does the filtering (a prefix query scales to any folder
  // size); the cursor is bound to exactly this provider prefix.
  const listed = prefix + parseStartsWith(query.startsWith);
  const token = query.cursor ? decodeCursor(query.cursor, listed) : undefined;
  const page = await listPage(backend, bucket, {
    prefix: listed,
    token,
    limit
  });
  const objects: IObjectEntry[] = [];
  for (const object of page.objects) {
    // The zero-byte "folder marker" some tools create for the folder itself.
    if (object.key === prefix) {
      continue;
    }
    const entry: IObjectEntry = {
      key: object.key,
      name: lastSegment(object.key),
      size: object.size
    };
    if (object.modified) {
      entry.modified = object.modified.toISOString();
    }
    if (object.etag) {
      entry.etag = object.etag;
    }
    objects.push(entry);
  }
  return {
    bucket,
    prefix,
    prefixes: page.prefixes.map(p => ({ prefix: p, name: lastSegment(p) })),
    objects,
    cursor: page.nextToken ? encodeCursor(listed, page.nextToken) : null
  };
}
