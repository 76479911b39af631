// A hub admin's write rules for a remote (IRemotePolicy), decided in one
// place: the sidecar refuses what they refuse, on every write, and the panel
// greys out the same actions, so the two never disagree.
import type { IRemotePolicy } from './api.js';

export type PolicyRefusal = 'read_only' | 'outside_writable_prefix';

/** 'bucket' or 'bucket/prefix' as a writable prefix: 'bucket/' or 'bucket/prefix/'. */
export function writablePrefix(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

/** Why writing `key` in `bucket` is refused, or undefined when it is allowed. */
export function writeRefusal(
  policy: IRemotePolicy | undefined,
  bucket: string,
  key: string
): PolicyRefusal | undefined {
  if (!policy) {
    return undefined;
  }
  if (policy.readOnly) {
    return 'read_only';
  }
  const prefixes = policy.writablePrefixes;
  if (prefixes === undefined) {
    return undefined;
  }
  const path = `${bucket}/${key}`;
  return prefixes.some(prefix => path.startsWith(writablePrefix(prefix)))
    ? undefined
    : 'outside_writable_prefix';
}

/**
 * Whether anything may be written somewhere under the folder `prefix` of
 * `bucket` ('' = the bucket): inside a writable prefix, or above one (a copy
 * into the bucket's root may still land under the user's own folder; each
 * file is then checked on its own).
 */
export function mayWriteUnder(
  policy: IRemotePolicy | undefined,
  bucket: string,
  prefix: string
): boolean {
  if (!policy) {
    return true;
  }
  if (policy.readOnly) {
    return false;
  }
  const prefixes = policy.writablePrefixes;
  if (prefixes === undefined) {
    return true;
  }
  const folder = writablePrefix(prefix ? `${bucket}/${prefix}` : bucket);
  return prefixes.some(p => {
    const writable = writablePrefix(p);
    return folder.startsWith(writable) || writable.startsWith(folder);
  });
}
