// A remote as the sidecar holds it internally: WITH its secrets. Only
// toPublicRemote() (public.ts) may turn it into something that leaves the process.
import type {
  IBookmark,
  IConfigProblem,
  IFieldDifference,
  Provider,
  RemotePreset,
  RemoteSource
} from '@jupyter-buckets/core';

export interface IS3Settings {
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** Let the AWS SDK resolve credentials for this profile (SSO, credential_process, roles). */
  profile?: string;
  /** Let the AWS SDK's default chain find credentials (rclone's env_auth). */
  envAuth?: boolean;
  /** rclone's force_path_style; path-style is the default for custom endpoints. */
  forcePathStyle?: boolean;
}

export interface IGcsSettings {
  /** Path of a service-account key file. */
  keyFile?: string;
  /** A service-account key given inline (rclone's service_account_credentials). */
  credentialsJson?: string;
  projectId?: string;
  /** Use Application Default Credentials (rclone's env_auth). */
  envAuth?: boolean;
}

export interface IRemoteConfig {
  name: string;
  provider: Provider;
  sources: RemoteSource[];
  endpoint?: string;
  region?: string;
  anonymous: boolean;
  /** Whether a secret or a way to get one is configured. */
  hasCredentials: boolean;
  s3?: IS3Settings;
  gcs?: IGcsSettings;
  /** The user's (remotes.json) and the hub's ($SCRATCH_BUCKET...) pinned paths. */
  bookmarks?: IBookmark[];
  /** The preset it was saved from (remotes.json), when this tool saved it. */
  preset?: RemotePreset;
  /** Set when both an AWS profile and an rclone remote define it; masked values. */
  differences?: IFieldDifference[];
}

/** What one kind of config file yielded. */
export interface IDiscovery {
  remotes: IRemoteConfig[];
  problems: IConfigProblem[];
}
