// "Use on my computer": what to paste on a laptop so the AWS CLI, rclone and
// fsspec reach a remote's bucket there, with short-lived credentials minted
// by the hub where it can (S3: STS; GCS: an access token) and the remote's
// own secret only when the user asks for it and confirms.
import { API_PREFIX } from './api.js';
import type { Provider } from './providers.js';

/** Which credentials the snippets carry. */
export type TakeHomeCredentials =
  /** Minted for this: STS keys or a GCS access token, with an expiry. */
  | 'temporary'
  /** The remote's own long-lived secret; needs confirm: true. */
  | 'saved'
  /** None: placeholders the user fills in with keys they already have. */
  | 'none';

/** POST /remotes/{name}/take-home */
export interface ITakeHomeRequest {
  /** 'bucket' or 'bucket/prefix/': what the snippets open, and what temporary S3 keys reach. */
  path?: string;
  /** Default 'temporary'. */
  credentials?: TakeHomeCredentials;
  /** Required with credentials 'saved': the user saw the warning and agreed. */
  confirm?: boolean;
  /** Temporary S3 keys: their lifetime, 900-43200 s (default 3600). GCS tokens live an hour. */
  durationSeconds?: number;
  /** Temporary credentials that can only read. */
  readOnly?: boolean;
}

/** What the snippets carry, and for how long. */
export interface ITakeHomeCredentials {
  kind: TakeHomeCredentials | 'anonymous';
  /**
   * How they were made: 'sts:GetFederationToken' (S3, limited by a session
   * policy), 'sts:GetSessionToken' (S3, the key's own rights), 'session' (the
   * hub's own temporary S3 credentials), 'access-token' (GCS), 'saved'.
   */
  source?: string;
  /** ISO time after which they stop working. */
  expires?: string;
  /** What they reach: one bucket, or everything the hub's identity reaches. */
  reach?: { bucket?: string; readOnly: boolean };
  /** Why temporary credentials could not be made, with what to do instead. */
  unavailable?: string;
  /** Whether the remote has a long-lived secret the user may ask for. */
  savedAvailable: boolean;
}

export type TakeHomeTool = 'aws-cli' | 'rclone' | 'fsspec';

export interface ITakeHomeSnippet {
  tool: TakeHomeTool;
  /** e.g. 'AWS CLI'. */
  title: string;
  /** 'shell' (bash/zsh) or 'python'. */
  language: 'shell' | 'python';
  text: string;
  /** One line: what it does to the laptop (files it writes), what it needs. */
  note: string;
}

export interface ITakeHome {
  remote: string;
  provider: Provider;
  path?: string;
  credentials: ITakeHomeCredentials;
  snippets: ITakeHomeSnippet[];
}

/** Bounds of temporary S3 keys (STS's own: 15 minutes to 12 hours). */
export const TAKE_HOME_DURATION = {
  min: 900,
  max: 43200,
  default: 3600
} as const;

export const takeHomeRoutes = {
  takeHome: (remote: string) =>
    `${API_PREFIX}/remotes/${encodeURIComponent(remote)}/take-home`
};
