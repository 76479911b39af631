// Request and response shapes of the sidecar's HTTP API (/api/v1).
// packages/sidecar/openapi.yaml describes the same shapes for other clients;
// the sidecar's tests check responses against it.

/** The prefix every API route lives under, relative to the sidecar root. */
export const API_PREFIX = '/api/v1';

/** The header carrying the per-launch secret that jupyter-server-proxy injects. */
export const TOKEN_HEADER = 'x-jupyter-buckets-token';

/** The URL path jupyter-server-proxy serves the sidecar under (below base_url). */
export const PROXY_PATH = 'jupyter-buckets';

import type { Provider } from './providers.js';
import type { IBookmark } from './remotes.js';

/** Where a remote's settings were found. */
export type RemoteSource =
  | 'aws'
  | 'rclone'
  | 'gcloud'
  | 'env'
  | 'hub'
  /** The hub admin's jupyter_buckets.json (policy, or a whole remote). */
  | 'admin';

/**
 * What a hub admin's jupyter_buckets.json allows on a remote. The sidecar
 * enforces it on every write (API and CLI alike); the panel shows it.
 */
export interface IRemotePolicy {
  /** Every write is refused (error code read_only). */
  readOnly?: boolean;
  /**
   * Writes only under these 'bucket/' or 'bucket/prefix/' paths ({username}
   * already filled in); others are refused (outside_writable_prefix).
   */
  writablePrefixes?: string[];
  /** The store deletes files after this many days (a scratch bucket). */
  purgeAfterDays?: number;
  /** The file each setting came from, e.g. { readOnly: '/etc/jupyter/jupyter_buckets.json' }. */
  setBy: Partial<
    Record<'readOnly' | 'writablePrefixes' | 'purgeAfterDays', string>
  >;
}

export interface IHealth {
  status: 'ok';
  version: string;
}

/** A remote as the API shows it: never with a secret, only whether one exists. */
export interface IRemote {
  name: string;
  provider: Provider;
  /** Where its settings came from; more than one when both files define it. */
  sources: RemoteSource[];
  /** Custom endpoint URL (S3-compatible stores, emulators); absent for the provider's default. */
  endpoint?: string;
  region?: string;
  /** No credentials are sent (public buckets). */
  anonymous: boolean;
  /** Whether a secret (key pair, service account) is configured. */
  hasCredentials: boolean;
  /** Pinned bucket paths (the user's, and the hub's $SCRATCH_BUCKET etc.). */
  bookmarks?: IBookmark[];
  /** True when the AWS profile and the rclone remote of this name disagree. */
  differs?: boolean;
  /** The admin's rules for this remote, when jupyter_buckets.json sets any. */
  policy?: IRemotePolicy;
}

/** A config file that could not be read completely. */
export interface IConfigProblem {
  /** Which kind of file. */
  source: RemoteSource;
  /** Absolute path of the file. */
  file: string;
  /** What is wrong, for the user. */
  message: string;
  /** The remote (section) concerned, when the problem is local to one. */
  remote?: string;
}

export interface IRemoteList {
  remotes: IRemote[];
  problems: IConfigProblem[];
}

export interface IBucket {
  name: string;
  /** ISO 8601, when the provider gives it. */
  created?: string;
}

export interface IBucketList {
  buckets: IBucket[];
}

/** A "folder": a common prefix under the listed one, ending in '/'. */
export interface IPrefixEntry {
  /** Full prefix within the bucket, e.g. 'climate/cmip6/'. */
  prefix: string;
  /** Last path segment without the trailing '/', e.g. 'cmip6'. */
  name: string;
}

export interface IObjectEntry {
  /** Full key within the bucket. */
  key: string;
  /** Last path segment. */
  name: string;
  size: number;
  /** ISO 8601. */
  modified?: string;
  etag?: string;
}

/** One page of one level of a bucket (delimiter '/'). */
export interface IListing {
  bucket: string;
  prefix: string;
  prefixes: IPrefixEntry[];
  objects: IObjectEntry[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  cursor: string | null;
}

/** Query parameters of GET /remotes/{remote}/buckets/{bucket}/objects. */
export interface IListQuery {
  prefix?: string;
  /**
   * Only entries whose name (last segment) starts with this, filtered by the
   * provider (sent as part of its prefix). No '/', NUL; at most 1024 bytes.
   * A cursor is only valid with the same prefix and startsWith.
   */
  startsWith?: string;
  cursor?: string;
  /** 1..1000, default 1000. */
  limit?: number;
}

export const MAX_PAGE_SIZE = 1000;

/** URL paths of the API, built in one place so clients and server agree. */
export const routes = {
  health: () => `${API_PREFIX}/health`,
  remotes: () => `${API_PREFIX}/remotes`,
  buckets: (remote: string) =>
    `${API_PREFIX}/remotes/${encodeURIComponent(remote)}/buckets`,
  objects: (remote: string, bucket: string) =>
    `${API_PREFIX}/remotes/${encodeURIComponent(remote)}/buckets/${encodeURIComponent(bucket)}/objects`
};
