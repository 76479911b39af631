// One conflict policy for every write: a destination file that exists is a
// conflict, found while planning, before a byte is written. Each one is
// replaced, kept beside the new copy (`name (1).ext`) or skipped, by the
// choice the request carries; without a choice for every one, the job is
// refused with 409 destination_exists and the list, so a client can ask.
import {
  MAX_LISTED_CONFLICTS,
  type ConflictChoice,
  type ITransferConflict,
  type ITransferOptions
} from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import type { IObjectInfo } from '../backends/types.js';
import type { IEndpoint } from '../locations/resolver.js';

/** A planned file whose destination exists already. */
export interface IConflict {
  /** Relative to the source. */
  path: string;
  dstKey: string;
  source: IObjectInfo;
  existing: IObjectInfo;
}

export class ConflictError extends ApiError {
  constructor(
    readonly conflicts: ITransferConflict[],
    readonly count: number
  ) {
    const first = conflicts[0]?.dst ?? '';
    super(
      'destination_exists',
      count === 1
        ? `${first} exists already.`
        : `${count} files exist already at the destination (${first}, …).`,
      'Choose for them: replace, keep both (onConflict: "rename") or skip; the CLI replaces unless given --no-clobber or -i.'
    );
  }

  override toBody() {
    const body = super.toBody();
    body.error.conflicts = this.conflicts;
    body.error.conflictCount = this.count;
    return body;
  }
}

/** The destination as the user reads it: 'remote:bucket/key' or a Jupyter path. */
export function displayKey(dst: IEndpoint, key: string): string {
  if (dst.local) {
    // The CLI's disk is '/' (absolute paths), the API's the Jupyter root.
    return dst.identity === 'local:/' ? `/${key}` : key;
  }
  const head = dst.label.endsWith(dst.path)
    ? dst.label.slice(0, dst.label.length - dst.path.length)
    : `${dst.bucket}/`;
  return `${head}${key}`;
}

export function conflictSide(info: IObjectInfo): ITransferConflict['source'] {
  return info.modified
    ? { size: info.size, modified: info.modified.toISOString() }
    : { size: info.size };
}

export function describe(
  dst: IEndpoint,
  conflict: IConflict
): ITransferConflict {
  return {
    path: conflict.path,
    dst: displayKey(dst, conflict.dstKey),
    source: conflictSide(conflict.source),
    existing: conflictSide(conflict.existing)
  };
}

export function choiceFor(
  options: ITransferOptions,
  path: string
): ConflictChoice | undefined {
  const own = options.conflicts?.[path];
  return own ?? options.onConflict;
}

/**
 * `dir/name (N).ext` for the first N from 1 whose key `taken` does not hold.
 * The extension is the last one ('a.tar (1).gz' would hide the type), and a
 * dot file has none ('.env (1)'), as file managers do.
 */
export function keepBothKey(
  key: string,
  taken: (key: string) => boolean
): string {
  const folder = key.endsWith('/');
  const bare = folder ? key.slice(0, -1) : key;
  const slash = bare.lastIndexOf('/');
  const dir = bare.slice(0, slash + 1);
  const name = bare.slice(slash + 1);
  const dot = folder ? -1 : name.lastIndexOf('.');
  const [stem, ext] =
    dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 1; ; n++) {
    const candidate = `${dir}${stem} (${n})${ext}${folder ? '/' : ''}`;
    if (!taken(candidate)) {
      return candidate;
    }
  }
}

/** Async variant for destinations that are asked one key at a time (stat). */
export async function keepBothKeyAsync(
  key: string,
  exists: (key: string) => Promise<boolean>,
  limit = 1000
): Promise<string> {
  const seen = new Set<string>();
  for (let i = 0; i < limit; i++) {
    const candidate = keepBothKey(key, k => seen.has(k));
    if (!(await exists(candidate))) {
      return candidate;
    }
    seen.add(candidate);
  }
  throw new ApiError(
    'invalid_request',
    `No free name next to ${key} after ${limit} tries.`,
    'Choose another destination folder.'
  );
}

/** Refuse with the list when any conflict has no choice. */
export function requireChoices(
  dst: IEndpoint,
  conflicts: IConflict[],
  options: ITransferOptions
): void {
  const open = conflicts.filter(c => choiceFor(options, c.path) === undefined);
  if (open.length) {
    throw new ConflictError(
      open.slice(0, MAX_LISTED_CONFLICTS).map(c => describe(dst, c)),
      open.length
    );
  }
}
