// A remote as fsspec opens it (s3fs, gcsfs): the protocol and the
// storage_options that reach the same store with the same identity. The
// Python API's filesystem() and the notebook snippets are built from this.
//
// Secrets stay where the user's tools already find them whenever they can:
// an AWS profile is passed by name (botocore reads the same files), a key
// file by path, the environment's identity by saying so. Only a secret that
// lives where fsspec cannot look (keys in rclone.conf alone, an inline GCS
// key) is copied, and only when the caller asks for secrets.
import { ApiError } from '../api-error.js';
import { gcsApiEndpoint } from '../backends/gcs/index.js';
import type { IRemoteConfig } from './types.js';

export interface IFsspecOptions {
  /** fsspec's protocol: 's3' (s3fs) or 'gs' (gcsfs). */
  protocol: 's3' | 'gs';
  /** Keyword arguments of fsspec.filesystem(protocol, ...). */
  storage_options: Record<string, unknown>;
  /**
   * Set when the remote's secret is somewhere fsspec does not look and it
   * was left out (no secrets asked for): what the user should know.
   */
  missingSecret?: string;
}

export interface IFsspecRequest {
  /** Copy a secret fsspec cannot find by itself into the options. */
  secrets?: boolean;
}

export function fsspecOptions(
  remote: IRemoteConfig,
  request: IFsspecRequest = {}
): IFsspecOptions {
  return remote.provider === 'gcs'
    ? gcsOptions(remote, request)
    : s3Options(remote, request);
}

function s3Options(
  remote: IRemoteConfig,
  request: IFsspecRequest
): IFsspecOptions {
  const options: Record<string, unknown> = {};
  let missingSecret: string | undefined;
  const s3 = remote.s3 ?? {};
  if (remote.anonymous) {
    options.anon = true;
  } else if (s3.profile) {
    options.profile = s3.profile;
  } else if (s3.accessKeyId && remote.sources.includes('aws')) {
    // The keys are the AWS profile's: botocore reads them from the same file.
    options.profile = remote.name;
  } else if (s3.accessKeyId) {
    if (request.secrets) {
      options.key = s3.accessKeyId;
      options.secret = s3.secretAccessKey;
      if (s3.sessionToken) {
        options.token = s3.sessionToken;
      }
    } else {
      missingSecret = `The keys of ${remote.name} are in ${remote.sources.includes('rclone') ? 'rclone.conf' : 'its config'} only, where fsspec does not look; save the remote again from the credentials panel to write its AWS profile too.`;
    }
  }
  // s3.envAuth (and an admin's remote without a profile): the SDK's default
  // chain, which s3fs follows too; nothing to pass.
  if (remote.endpoint) {
    options.endpoint_url = remote.endpoint;
  }
  if (remote.region) {
    options.client_kwargs = { region_name: remote.region };
  }
  // The sidecar's rule (backends/s3/backend.ts): path-style for every custom
  // endpoint unless the remote says otherwise, virtual-hosted on AWS.
  const pathStyle = remote.endpoint
    ? (s3.forcePathStyle ?? true)
    : s3.forcePathStyle === true;
  if (pathStyle) {
    options.config_kwargs = { s3: { addressing_style: 'path' } };
  }
  return {
    protocol: 's3',
    storage_options: options,
    ...(missingSecret ? { missingSecret } : {})
  };
}

function gcsOptions(
  remote: IRemoteConfig,
  request: IFsspecRequest
): IFsspecOptions {
  const options: Record<string, unknown> = {};
  let missingSecret: string | undefined;
  const gcs = remote.gcs ?? {};
  if (remote.anonymous) {
    options.token = 'anon';
  } else if (gcs.keyFile) {
    options.token = gcs.keyFile;
  } else if (gcs.credentialsJson) {
    if (request.secrets) {
      options.token = parseKey(remote.name, gcs.credentialsJson);
    } else {
      missingSecret = `The service-account key of ${remote.name} is written inline in rclone.conf, where fsspec does not look; save it as a key file (the credentials panel does) to use it by path.`;
    }
  } else {
    // Workload identity, gcloud's login, GOOGLE_APPLICATION_CREDENTIALS.
    options.token = 'google_default';
  }
  if (gcs.projectId) {
    options.project = gcs.projectId;
  }
  const endpoint = gcsApiEndpoint(remote.endpoint);
  if (endpoint) {
    options.endpoint_url = endpoint;
  }
  return {
    protocol: 'gs',
    storage_options: options,
    ...(missingSecret ? { missingSecret } : {})
  };
}

function parseKey(name: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(
      'config_invalid',
      `The service-account key of ${name} in rclone.conf is not JSON.`,
      'Save the remote again with its key file from the credentials panel.'
    );
  }
}
