// "Use on my computer" for one remote: check the request, mint what can be
// minted, and build the snippets. The long-lived secret leaves only on an
// explicit, confirmed request, and never for a remote the hub admin manages.
import { readFileSync } from 'node:fs';
import {
  TAKE_HOME_DURATION,
  type ITakeHome,
  type ITakeHomeCredentials,
  type ITakeHomeRequest,
  type TakeHomeCredentials
} from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { gcsBucketProblem, s3BucketProblem } from '../backends/bucket-names.js';
import { gcsApiEndpoint } from '../backends/gcs/index.js';
import { CONTROL_CHARACTER, LONE_SURROGATE } from '../backends/keys.js';
import { isAwsEndpoint } from '../backends/s3/endpoint.js';
import type { IRemoteConfig } from '../remotes/types.js';
import { takeHomeSnippets, type ISnippetSource } from './snippets.js';
import type { IS3Keys } from './s3.js';
import { Unavailable } from './unavailable.js';

const KINDS: TakeHomeCredentials[] = ['temporary', 'saved', 'none'];

interface ICheckedRequest {
  path?: string;
  bucket?: string;
  credentials: TakeHomeCredentials;
  confirm: boolean;
  durationSeconds: number;
  readOnly: boolean;
}

function invalid(message: string, hint?: string): ApiError {
  return new ApiError('invalid_request', message, hint);
}

export function checkTakeHomeRequest(
  remote: IRemoteConfig,
  body: unknown
): ICheckedRequest {
  const request = (body ?? {}) as ITakeHomeRequest;
  if (typeof request !== 'object' || Array.isArray(request)) {
    throw invalid('The request must be a JSON object.');
  }
  const credentials = request.credentials ?? 'temporary';
  if (!KINDS.includes(credentials)) {
    throw invalid(`credentials must be one of ${KINDS.join(', ')}.`);
  }
  for (const flag of ['confirm', 'readOnly'] as const) {
    if (request[flag] !== undefined && typeof request[flag] !== 'boolean') {
      throw invalid(`${flag} must be true or false.`);
    }
  }
  const durationSeconds = request.durationSeconds ?? TAKE_HOME_DURATION.default;
  if (
    !Number.isSafeInteger(durationSeconds) ||
    durationSeconds < TAKE_HOME_DURATION.min ||
    durationSeconds > TAKE_HOME_DURATION.max
  ) {
    throw invalid(
      `durationSeconds must be a whole number from ${TAKE_HOME_DURATION.min} (15 minutes) to ${TAKE_HOME_DURATION.max} (12 hours).`
    );
  }
  let path: string | undefined;
  let bucket: string | undefined;
  if (request.path !== undefined && request.path !== '') {
    if (
      typeof request.path !== 'string' ||
      CONTROL_CHARACTER.test(request.path) ||
      LONE_SURROGATE.test(request.path) ||
      request.path.length > 1024
    ) {
      throw invalid(
        "path must be 'bucket' or 'bucket/folder/', without control characters."
      );
    }
    path = request.path.replace(/^\/+/, '');
    bucket = path.split('/')[0];
    const problem =
      remote.provider === 'gcs'
        ? gcsBucketProblem(bucket)
        : s3BucketProblem(bucket);
    if (problem) {
      throw invalid(`'${bucket}' is not a bucket name: ${problem}.`);
    }
    if (
      path
        .split('/')
        .slice(1, -1)
        .some(s => s === '' || s === '.' || s === '..')
    ) {
      throw invalid(`The folder in '${path}' has an empty, '.' or '..' part.`);
    }
    if (path !== bucket && !path.endsWith('/')) {
      path = `${path}/`;
    }
  }
  return {
    path,
    bucket,
    credentials,
    confirm: request.confirm === true,
    durationSeconds,
    readOnly: request.readOnly === true
  };
}

/** The remote's own long-lived secret, when it has one the user may take. */
interface ISaved {
  s3Keys?: IS3Keys;
  gcsKeyJson?: string;
}

/** Why the saved secret stays on the hub, or undefined when the user may see it. */
function withheld(remote: IRemoteConfig): string | undefined {
  if (remote.sources.includes('admin') || remote.policy) {
    return 'The hub admin set up this remote (jupyter_buckets.json): its secret stays on the hub. Use temporary credentials, or ask the admin for keys of your own.';
  }
  return undefined;
}

function savedSecret(remote: IRemoteConfig): ISaved | undefined {
  if (remote.anonymous || withheld(remote)) {
    return undefined;
  }
  if (remote.provider === 's3') {
    const s3 = remote.s3 ?? {};
    return s3.accessKeyId && s3.secretAccessKey
      ? {
          s3Keys: {
            accessKeyId: s3.accessKeyId,
            secretAccessKey: s3.secretAccessKey,
            sessionToken: s3.sessionToken
          }
        }
      : undefined;
  }
  const gcs = remote.gcs ?? {};
  let text = gcs.credentialsJson;
  if (!text && gcs.keyFile) {
    try {
      text = readFileSync(gcs.keyFile, 'utf8');
    } catch {
      return undefined;
    }
  }
  if (!text) {
    return undefined;
  }
  try {
    // One line: it becomes an rclone.conf value.
    return { gcsKeyJson: JSON.stringify(JSON.parse(text)) };
  } catch {
    return undefined;
  }
}

function snippetSource(
  remote: IRemoteConfig,
  request: ICheckedRequest
): ISnippetSource {
  const aws = isAwsEndpoint(remote.endpoint);
  return {
    name: remote.name,
    provider: remote.provider,
    endpoint:
      remote.provider === 'gcs'
        ? gcsApiEndpoint(remote.endpoint)
        : aws
          ? undefined
          : remote.endpoint,
    region: remote.provider === 's3' ? remote.region : undefined,
    // The sidecar's rule: path-style on every custom endpoint unless the remote says otherwise.
    pathStyle:
      remote.provider === 's3' &&
      (remote.endpoint && !aws
        ? (remote.s3?.forcePathStyle ?? true)
        : remote.s3?.forcePathStyle === true),
    rcloneProvider: aws ? 'AWS' : remote.preset === 'osn' ? 'Ceph' : 'Other',
    path: request.path,
    anonymous: remote.anonymous,
    oneBucket: false
  };
}

export interface ITakeHomeMinters {
  s3: typeof import('./s3.js');
  gcs: typeof import('./gcs.js');
}

/** The minters, loaded when first asked for (they load the SDKs' STS and auth). */
async function minters(): Promise<ITakeHomeMinters> {
  const [s3, gcs] = await Promise.all([import('./s3.js'), import('./gcs.js')]);
  return { s3, gcs };
}

export async function takeHome(
  remote: IRemoteConfig,
  body: unknown,
  load: () => Promise<ITakeHomeMinters> = minters
): Promise<ITakeHome> {
  const request = checkTakeHomeRequest(remote, body);
  const source = snippetSource(remote, request);
  const saved = savedSecret(remote);
  const credentials: ITakeHomeCredentials = {
    kind: request.credentials,
    savedAvailable: saved !== undefined
  };
  const answer = (): ITakeHome => ({
    remote: remote.name,
    provider: remote.provider,
    ...(request.path ? { path: request.path } : {}),
    credentials,
    snippets: takeHomeSnippets(source)
  });

  if (remote.anonymous) {
    credentials.kind = 'anonymous';
    return answer();
  }
  if (request.credentials === 'saved') {
    const reason = withheld(remote);
    if (reason) {
      throw new ApiError('secret_withheld', reason);
    }
    if (!saved) {
      throw invalid(
        `The remote ${remote.name} has no saved secret to show: it signs in with ${remote.provider === 'gcs' ? "the environment's Google identity" : 'a profile or the environment'}.`,
        'Use temporary credentials instead.'
      );
    }
    if (!request.confirm) {
      throw invalid(
        "The remote's long-lived secret is shown only when confirm is true.",
        'Anyone who sees it can use the bucket until the key is revoked; prefer temporary credentials.'
      );
    }
    Object.assign(source, saved);
    credentials.source = 'saved';
    credentials.reach = { readOnly: false };
    return answer();
  }
  if (request.credentials === 'none') {
    return answer();
  }

  const { s3, gcs } = await load();
  try {
    if (remote.provider === 's3') {
      const minted = await s3.temporaryS3Keys(remote, {
        bucket: request.bucket,
        readOnly: request.readOnly,
        durationSeconds: request.durationSeconds
      });
      source.s3Keys = minted.keys;
      source.oneBucket = minted.bucket !== undefined;
      credentials.source = minted.source;
      credentials.expires = minted.expires?.toISOString();
      credentials.reach = {
        ...(minted.bucket ? { bucket: minted.bucket } : {}),
        readOnly: minted.readOnly
      };
    } else {
      if (remote.policy?.writablePrefixes !== undefined) {
        throw new Unavailable(
          "A GCS token cannot be narrowed to the hub admin's writable folders, so it stays on the hub."
        );
      }
      const readOnly = request.readOnly || remote.policy?.readOnly === true;
      const minted = await gcs.gcsAccessToken(remote, readOnly);
      source.gcsToken = minted.token;
      credentials.source = 'access-token';
      credentials.expires = minted.expires?.toISOString();
      credentials.reach = { readOnly };
    }
  } catch (error) {
    if (!(error instanceof Unavailable)) {
      throw error;
    }
    credentials.kind = 'none';
    credentials.unavailable = error.message;
  }
  return answer();
}
