// Locations as the transfer API takes them ('remote:bucket/path' or a path
// relative to the Jupyter root), built from what the views know, and how a
// location reads in the Transfers panel.
import { parseLocation } from '@jupyter-buckets/core';

/**
 * A path relative to the Jupyter root ('' = the root); `folder` adds the
 * trailing '/' that makes a destination a folder to copy into.
 */
export function localLocation(path: string, folder = false): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (!trimmed) {
    return './';
  }
  const text = folder ? `${trimmed}/` : trimmed;
  // 'notes:2024.txt' would read as remote 'notes': './' keeps it a path.
  return parseLocation(text).kind === 'local' ? text : `./${text}`;
}

/** 'remote:bucket/key'; a folder's key ends with '/' ('' = the bucket root). */
export function remoteLocation(
  remote: string,
  bucket: string,
  key: string
): string {
  return `${remote}:${bucket}/${key}`;
}

/** A folder destination: the same location with a trailing '/'. */
export function asFolder(location: string): string {
  return location.endsWith('/') ? location : `${location}/`;
}

/** How a location reads in the panel: local paths from '/' like the file browser's. */
export function describeLocation(location: string): string {
  let parsed;
  try {
    parsed = parseLocation(location);
  } catch {
    return location;
  }
  if (parsed.kind !== 'local') {
    return location;
  }
  const path = parsed.path.replace(/^(\.\/)+/, '').replace(/^\.$/, '');
  return `/${path}`;
}

/** The last segment of a location's path (without a trailing '/'). */
export function lastSegment(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/**
 * Whether a copy would land in the folder its source is in (a paste into the
 * same folder): an object copied into its parent, or a folder onto itself.
 * Such a copy is only meaningful as a renamed copy (`name (1).ext`).
 */
export function copiesIntoItsOwnFolder(src: string, dst: string): boolean {
  if (src.endsWith('/')) {
    return src === asFolder(dst);
  }
  return src.slice(0, src.lastIndexOf('/') + 1) === asFolder(dst);
}
