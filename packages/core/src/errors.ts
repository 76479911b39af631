import type { ITransferConflict } from './transfers.js';

/** An answer lists this many conflicts at most (the count says how many in all). */
export const MAX_LISTED_CONFLICTS = 1000;

// Error codes of the API. Every error body is
// { "error": { "code", "message", "hint" } } with the status listed here.

export const ERROR_STATUS = {
  /** The request lacks the per-launch secret (not sent through the proxy). */
  forbidden: 403,
  invalid_request: 400,
  invalid_cursor: 400,
  remote_not_found: 404,
  bucket_not_found: 404,
  not_found: 404,
  /** No usable credentials for a remote that needs them. */
  no_credentials: 401,
  /** The provider rejected the key or the signature. */
  invalid_credentials: 401,
  /** The provider knows the caller but refuses the operation. */
  access_denied: 403,
  /** A write into a remote the admin made read-only (jupyter_buckets.json). */
  read_only: 403,
  /** A write outside the admin's writablePrefixes of a remote. */
  outside_writable_prefix: 403,
  /** A local path that leads outside the Jupyter root ('..', absolute, a symlink out). */
  path_outside_root: 403,
  /** Credentials a hub admin's rules keep on the hub ("Use on my computer"). */
  secret_withheld: 403,
  /** A Range header no byte of the object satisfies. */
  range_not_satisfiable: 416,
  /** The endpoint could not be reached (DNS, refused, TLS). */
  endpoint_unreachable: 502,
  /** The endpoint did not answer in time. */
  timeout: 504,
  /** The provider answered with an error we do not map. */
  provider_error: 502,
  /** A state-changing request that is not JSON (guards against cross-site form posts). */
  unsupported_media_type: 415,
  /** A config file changed on disk since it was read: nothing was written. */
  conflict: 409,
  /** A remote of that name exists already. */
  remote_exists: 409,
  /** A write would replace existing files and no choice was given: nothing was written. */
  destination_exists: 409,
  /** An upload's part or completion after its job was cancelled or ended: nothing more is stored. */
  upload_ended: 409,
  /** A file of an upload completed before all its parts were stored. */
  parts_missing: 409,
  /** More parts at once than the sidecar holds; send this one again shortly. */
  too_many_requests: 429,
  /** A config file is not valid INI: it is never rewritten. */
  config_invalid: 422,
  /** A job asked to run on a Dask cluster and none can be reached (none configured, the scheduler down, Dask missing). */
  cluster_unavailable: 409,
  /** The cluster could not run a shard (its workers lack jupyter-buckets, or kept dying). */
  cluster_error: 502,
  /** A store's metadata (Zarr's zarr.json, .zarray...) is not what its format says. */
  invalid_metadata: 422,
  internal: 500
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface IErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    hint?: string;
    /** For invalid_request on a form: the IRemoteInput field at fault. */
    field?: string;
    /** For destination_exists: the files (at most MAX_LISTED_CONFLICTS of them). */
    conflicts?: ITransferConflict[];
    /** For destination_exists: how many there are in all. */
    conflictCount?: number;
  };
}

export function isErrorBody(value: unknown): value is IErrorBody {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const error = (value as { error?: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}
