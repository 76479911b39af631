// The hub admin's rules (jupyter_buckets.json) as the panel shows them: which
// actions are refused where, and why, in words. The decision itself is
// core's (writeRefusal, mayWriteUnder), the same the sidecar enforces.
import type { IBucketsModel } from './tokens';
import {
  mayWriteUnder,
  writeRefusal,
  type IRemote,
  type IRemotePolicy
} from '@jupyter-buckets/core';

/** Why writing is refused there, for a tooltip; undefined when it is allowed. */
function reason(remote: string, policy: IRemotePolicy): string {
  if (policy.readOnly) {
    return `Remote ${remote} is read-only (set by the hub admin in ${policy.setBy.readOnly ?? 'jupyter_buckets.json'}).`;
  }
  const prefixes = policy.writablePrefixes ?? [];
  return prefixes.length
    ? `Remote ${remote} takes writes only under ${prefixes.join(', ')} (set by the hub admin in ${policy.setBy.writablePrefixes ?? 'jupyter_buckets.json'}).`
    : `Remote ${remote} takes no writes (set by the hub admin in ${policy.setBy.writablePrefixes ?? 'jupyter_buckets.json'}).`;
}

/** Why writing the object `key` is refused, or undefined. */
export function objectRefusal(
  remote: IRemote | undefined,
  bucket: string,
  key: string
): string | undefined {
  const policy = remote?.policy;
  return policy && writeRefusal(policy, bucket, key)
    ? reason(remote.name, policy)
    : undefined;
}

/** Why nothing may be written in the folder `prefix` ('' = the bucket), or undefined. */
export function folderRefusal(
  remote: IRemote | undefined,
  bucket: string,
  prefix: string
): string | undefined {
  const policy = remote?.policy;
  return policy && !mayWriteUnder(policy, bucket, prefix)
    ? reason(remote.name, policy)
    : undefined;
}

/** Why nothing may be written into the folder the panel shows, or undefined. */
export function shownFolderRefusal(model: IBucketsModel): string | undefined {
  const { remote, bucket, prefix } = model.location;
  return remote !== null && bucket !== null
    ? folderRefusal(
        model.remotes.find(r => r.name === remote),
        bucket,
        prefix
      )
    : undefined;
}

/** A refusal in two words, for a disabled menu item's label: 'read-only'. */
export function refusalLabel(reason: string): string {
  return / is read-only /.test(reason) ? 'read-only' : 'not writable here';
}

/** "Files here are deleted after 7 days", when the remote is purged. */
export function purgeWarning(remote: IRemote | undefined): string | undefined {
  const days = remote?.policy?.purgeAfterDays;
  if (days === undefined) {
    return undefined;
  }
  return `Files here are deleted after ${days} day${days === 1 ? '' : 's'}.`;
}
