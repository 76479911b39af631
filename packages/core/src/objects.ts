// Working with objects (stat, read, write, copy, move, delete): the shapes
// shared by the sidecar's HTTP API, the CLI and the JupyterLab client.
import { API_PREFIX } from './api.js';
import type { ConflictChoice } from './transfers.js';

/**
 * The Jupyter disk, as a remote of its own in the object routes: one bucket
 * (LOCAL_BUCKET, the Jupyter root) whose keys are relative POSIX paths. It is
 * not listed by GET /remotes; a configured remote of the same name wins.
 */
export const LOCAL_REMOTE = 'local';
export const LOCAL_BUCKET = 'root';

/**
 * Requests whose body is not JSON (PUT .../content, raw bytes) must carry
 * this header with value '1': a cross-site form cannot set it, and a
 * cross-origin script cannot send it without a CORS preflight we never allow.
 */
export const REQUEST_HEADER = 'x-jupyter-buckets-request';

/** GET .../object?key=K: everything the provider tells about one object. */
export interface IObjectStat {
  bucket: string;
  key: string;
  /** Last path segment. */
  name: string;
  size: number;
  /** ISO 8601. */
  modified?: string;
  /** Without quotes. */
  etag?: string;
  contentType?: string;
  storageClass?: string;
  /** User metadata (x-amz-meta-*, GCS custom metadata). */
  metadata?: Record<string, string>;
  /** Hex, when the provider states it. */
  md5?: string;
  /** Hex (GCS). */
  crc32c?: string;
}

/** POST .../delete: some keys, or everything under a prefix. */
export interface IDeleteRequest {
  keys?: string[];
  /** Must end with '/' (a folder); '' (the whole bucket) is refused. */
  prefix?: string;
  /** Count, delete nothing (for "N objects will be deleted"). */
  dryRun?: boolean;
}

export interface IDeleteResult {
  deleted: number;
}

export interface IDeleteCount {
  count: number;
}

/** POST .../folder: a new, empty folder (in a bucket, a zero-byte 'prefix/' marker). */
export interface IFolderRequest {
  /** The folder's path in the bucket, ending with '/'. */
  prefix: string;
}

/** POST .../copy: a server-side copy within one remote. */
export interface ICopyRequest {
  fromKey: string;
  toKey: string;
  /** Default: the bucket in the URL. */
  toBucket?: string;
  /** Delete the source once the copy is verified (rename / move). */
  move?: boolean;
  /**
   * When toKey exists: without a choice the answer is 409
   * destination_exists and nothing changes; `rename` writes `name (1).ext`.
   */
  onConflict?: ConflictChoice;
}

/** GET .../share?key=K&expires=SECONDS: a presigned read URL (a share link). */
export interface IShareLink {
  url: string;
  /** ISO 8601: when the link stops working. */
  expires: string;
}

/** Share links live 1 second to 7 days (the S3 SigV4 and GCS V4 maximum). */
export const MAX_SHARE_SECONDS = 7 * 24 * 3600;

export function bucketPath(remote: string, bucket: string): string {
  return `${API_PREFIX}/remotes/${encodeURIComponent(remote)}/buckets/${encodeURIComponent(bucket)}`;
}

export const objectRoutes = {
  object: (remote: string, bucket: string, key: string) =>
    `${bucketPath(remote, bucket)}/object?key=${encodeURIComponent(key)}`,
  content: (
    remote: string,
    bucket: string,
    key: string,
    options: { download?: boolean } = {}
  ) =>
    `${bucketPath(remote, bucket)}/content?key=${encodeURIComponent(key)}${options.download ? '&download=1' : ''}`,
  delete: (remote: string, bucket: string) =>
    `${bucketPath(remote, bucket)}/delete`,
  copy: (remote: string, bucket: string) =>
    `${bucketPath(remote, bucket)}/copy`,
  folder: (remote: string, bucket: string) =>
    `${bucketPath(remote, bucket)}/folder`,
  share: (remote: string, bucket: string, key: string, expires: number) =>
    `${bucketPath(remote, bucket)}/share?key=${encodeURIComponent(key)}&expires=${expires}`
};
