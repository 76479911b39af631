// A remote as the sidecar holds it internally: WITH its secrets. Only
// toPublicRemote() (public.ts) may turn it into something that leaves the process.
import type {
  IBookmark,
  IConfigProblem,
  IFieldDifference,
  IRemotePolicy,
  Provider,
  RemotePreset,
  RemoteSource
} from '@jupyter-buckets/core';
import type { IBackendConfig } from '../backends/config.js';
export type { IGcsSettings } from '../backends/gcs/index.js';
export type { IS3Settings } from '../backends/s3/index.js';

/**
 * A remote: the settings a backend is built from, plus where they came from
 * and what the credentials panel shows.
 */
export interface IRemoteConfig extends IBackendConfig {
  provider: Provider;
  sources: RemoteSource[];
  /** Whether a secret or a way to get one is configured. */
  hasCredentials: boolean;
  /** The user's (remotes.json) and the hub's ($SCRATCH_BUCKET...) pinned paths. */
  bookmarks?: IBookmark[];
  /** The preset it was saved from (remotes.json), when this tool saved it. */
  preset?: RemotePreset;
  /** Set when both an AWS profile and an rclone remote define it; masked values. */
  differences?: IFieldDifference[];
  /** The hub admin's rules (jupyter_buckets.json), enforced on every write. */
  policy?: IRemotePolicy;
  /**
   * The Storage Transfer Service agent pool that reads this S3-compatible
   * store (remotes.json), for cloud transfers out of it.
   */
  transferAgentPool?: string;
}

/** What one kind of config file yielded. */
export interface IDiscovery {
  remotes: IRemoteConfig[];
  problems: IConfigProblem[];
}
