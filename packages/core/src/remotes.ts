// Managing remotes (create, edit, rename, delete, test): the shapes shared by
// the credentials panel, the CLI and the sidecar. Secrets travel only inward
// (in IRemoteInput, on save or test); what comes back holds masked hints.
import { API_PREFIX } from './api.js';
import type { IErrorBody } from './errors.js';
import type { Provider } from './providers.js';

/** The forms a remote is created from; each fills the form differently. */
export type RemotePreset =
  | 'aws' // Amazon S3: region, keys
  | 'osn' // an Open Storage Network pod: Ceph, https://<pod>.osn.mghpcc.org, path-style, keys
  | 's3-compatible' // MinIO, SeaweedFS, R2, other Ceph: endpoint, region, path-style, keys
  | 'gcs' // Google Cloud Storage: a service-account key, or application default credentials
  | 'public'; // a public bucket, no credentials (S3 or GCS, per `provider`)

/** What the panel or the CLI sends to save (or test) a remote. */
export interface IRemoteInput {
  name: string;
  preset: RemotePreset;
  /** Only for the 'public' preset, which exists for both providers; default s3. */
  provider?: Provider;
  /** https://... ; required for 'osn' and 's3-compatible'. */
  endpoint?: string;
  region?: string;
  /** Path-style addressing; defaults to true for every non-AWS endpoint. */
  pathStyle?: boolean;
  accessKeyId?: string;
  /** On edit, leave out to keep the saved secret. */
  secretAccessKey?: string;
  /** The text of a service-account JSON key; stored 0600 under the config home. */
  serviceAccountJson?: string;
  /** Or the path of a key file already on the server. */
  serviceAccountFile?: string;
  /** Use application default credentials (GCS) instead of a key. */
  useApplicationDefault?: boolean;
  /** Bucket paths ('bucket' or 'bucket/prefix/') pinned under this remote. */
  bookmarks?: string[];
}

/** A pinned place under a remote; hub ones come from $SCRATCH_BUCKET etc. */
export interface IBookmark {
  /** 'bucket' or 'bucket/prefix/'. */
  path: string;
  /** Shown instead of the path when set, e.g. 'scratch'. */
  label?: string;
  source: 'user' | 'hub' | 'admin';
}

/** A field whose value differs between the AWS profile and the rclone remote. */
export interface IFieldDifference {
  field:
    'endpoint' | 'region' | 'accessKeyId' | 'secretAccessKey' | 'pathStyle';
  /** Values as shown to the user: secrets masked ('••••WXYZ'), null when unset. */
  aws: string | null;
  rclone: string | null;
}

/** GET /remotes/{name}: one remote with what the edit form needs, never a secret. */
export interface IRemoteDetail {
  name: string;
  provider: Provider;
  /** The preset it was saved from, else the one it fits best (the sidecar infers it). */
  preset: RemotePreset;
  sources: string[];
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
  anonymous: boolean;
  hasCredentials: boolean;
  /** Masked, e.g. '••••WXYZ' (last four characters). */
  accessKeyIdHint?: string;
  secretAccessKeyHint?: string;
  /** The client_email of a service-account key (not a secret). */
  serviceAccountEmail?: string;
  serviceAccountFile?: string;
  useApplicationDefault?: boolean;
  bookmarks: IBookmark[];
  /** The files this remote lives in. */
  files: { source: string; path: string }[];
  /** Empty when the AWS and rclone copies agree (or only one exists). */
  differences: IFieldDifference[];
  /** Whether this tool can edit it (false for environment-only remotes). */
  editable: boolean;
}

/** POST /remote-tests: test a saved remote by name, or an unsaved form. */
export interface IConnectionTestRequest {
  name?: string;
  input?: IRemoteInput;
}

export interface IConnectionTestResult {
  ok: boolean;
  /** What was tried: listing buckets, or (when listing is denied) heading a bookmarked bucket. */
  checked: 'list-buckets' | 'bookmark';
  /** How many buckets the listing returned, when it did. */
  buckets?: number;
  /** Why it failed, with advice (wrong key, wrong secret, clock skew, ...). */
  error?: IErrorBody['error'];
  elapsedMs: number;
}

/** POST /remotes/{name}/sync: make one side (AWS or rclone) a copy of the other. */
export interface IRemoteSyncRequest {
  from: 'aws' | 'rclone';
}

export const remoteRoutes = {
  remote: (name: string) => `${API_PREFIX}/remotes/${encodeURIComponent(name)}`,
  sync: (name: string) =>
    `${API_PREFIX}/remotes/${encodeURIComponent(name)}/sync`,
  tests: () => `${API_PREFIX}/remote-tests`
};
