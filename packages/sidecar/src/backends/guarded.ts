// A hub admin's write rules, enforced below everything that writes: the
// backend of a remote with rules (jupyter_buckets.json) is this wrapper,
// which refuses a write before it reaches the store. The API, the CLI, the
// transfer engine and whatever comes later write only through backends, so
// none of them can forget the check (the panel greys out the same actions
// from the same rules, core's writeRefusal).
import {
  writeRefusal,
  type IRemotePolicy,
  type PolicyRefusal
} from '@jupyter-buckets/core';
import { ApiError, printable } from '../api-error.js';
import { featuresOf } from './lazy.js';
import type { IBackend, OptionalFeature } from './types.js';

/**
 * Whether each optional feature writes: the compiler refuses this table when
 * a feature is added without a decision (a presigned upload must not slip
 * through as a read).
 */
const WRITES: Record<OptionalFeature, boolean> = {
  copy: true,
  makeDirectory: true,
  readBuffer: false,
  readTo: false,
  presign: false,
  isFolder: false,
  walk: false,
  freeSpace: false
};

/** A key or path as a message shows it: it may hold anything. */
function shown(path: string): string {
  const text = printable(path);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** The error of a refused write, naming the rule and the file that set it. */
export function policyError(
  remote: string,
  policy: IRemotePolicy,
  refusal: PolicyRefusal,
  where: string
): ApiError {
  if (refusal === 'read_only') {
    return new ApiError(
      'read_only',
      `Remote ${remote} is read-only ("readOnly": true in ${policy.setBy.readOnly ?? 'the admin configuration'}): ${shown(where)} was not written.`,
      'Copy it into a remote you may write to; the hub admin sets these rules.'
    );
  }
  const prefixes = policy.writablePrefixes ?? [];
  return new ApiError(
    'outside_writable_prefix',
    `Remote ${remote} takes writes only under ${prefixes.length ? prefixes.map(shown).join(', ') : 'no path'} ("writablePrefixes" in ${policy.setBy.writablePrefixes ?? 'the admin configuration'}): ${shown(where)} is outside.`,
    prefixes.length
      ? `Write under ${shown(prefixes[0])} instead.`
      : 'The hub admin sets these rules.'
  );
}

/** Each guarded backend's check, for work that must be refused whole first. */
const checks = new WeakMap<IBackend, (bucket: string, key: string) => void>();

/**
 * Throws the policy's error if writing (or deleting) any of `keys` is
 * refused: for work done in batches (a folder deleted page by page), so that
 * nothing goes when some of it may not. Nothing for an unguarded backend.
 */
export function checkAllWritable(
  backend: IBackend,
  bucket: string,
  keys: Iterable<string>
): void {
  const check = checks.get(backend);
  if (check) {
    for (const key of keys) {
      check(bucket, key);
    }
  }
}

/** Whether a policy restricts writes at all. */
export function restrictsWrites(policy: IRemotePolicy | undefined): boolean {
  return Boolean(policy?.readOnly || policy?.writablePrefixes);
}

/** `backend` with `policy`'s refusals in front of every write. */
export function guardedBackend(
  backend: IBackend,
  remote: string,
  policy: IRemotePolicy | undefined
): IBackend {
  if (!policy || !restrictsWrites(policy)) {
    return backend;
  }
  const check = (bucket: string, key: string): void => {
    const refusal = writeRefusal(policy, bucket, key);
    if (refusal) {
      throw policyError(remote, policy, refusal, `${bucket}/${key}`);
    }
  };
  const guarded: IBackend = {
    capabilities: backend.capabilities,
    listBuckets: () => backend.listBuckets(),
    list: (bucket, options) => backend.list(bucket, options),
    stat: (bucket, key) => backend.stat(bucket, key),
    read: (bucket, key, range) => backend.read(bucket, key, range),
    writer: async (bucket, key, options) => {
      check(bucket, key);
      return backend.writer(bucket, key, options);
    },
    put: async (bucket, key, body, options) => {
      check(bucket, key);
      return backend.put(bucket, key, body, options);
    },
    delete: async (bucket, key) => {
      check(bucket, key);
      return backend.delete(bucket, key);
    },
    deleteMany: async (bucket, keys) => {
      // All or nothing: a batch is checked whole before any key goes.
      keys.forEach(key => check(bucket, key));
      return backend.deleteMany(bucket, keys);
    }
  };
  checks.set(guarded, check);
  // The optional features the backend has, and no others (callers test for
  // them); the ones that write are checked first.
  for (const feature of featuresOf(backend)) {
    switch (feature) {
      case 'copy':
        guarded.copy = async (fromBucket, fromKey, toBucket, toKey) => {
          check(toBucket, toKey);
          return backend.copy!(fromBucket, fromKey, toBucket, toKey);
        };
        break;
      case 'makeDirectory':
        guarded.makeDirectory = async (bucket, prefix) => {
          check(bucket, prefix);
          return backend.makeDirectory!(bucket, prefix);
        };
        break;
      default:
        if (WRITES[feature]) {
          throw new Error(
            `guardedBackend does not know how to check ${feature}`
          );
        }
        (guarded as unknown as Record<string, unknown>)[feature] = (
          backend[feature] as (...args: unknown[]) => unknown
        ).bind(backend);
    }
  }
  return guarded;
}
