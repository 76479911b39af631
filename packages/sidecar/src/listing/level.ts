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

export interface ILevelQuery {
  prefix?: string;
  cursor?: string;
  limit?: number;
}

/** '' stays the bucket root; anything else names a folder, so it ends with '/'. */
export function normalizePrefix(prefix: string | undefined): string {
  if (!prefix) {
    return '';
  }
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
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
  const prefix = normalizePrefix(query.prefix);
  const limit = query.limit ?? MAX_PAGE_SIZE;
  const token = query.cursor ? decodeCursor(query.cursor, prefix) : undefined;
  const page = await backend.list(bucket, { prefix, token, limit });
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
    cursor: page.nextToken ? encodeCursor(prefix, page.nextToken) : null
  };
}
