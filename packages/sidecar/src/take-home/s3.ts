// Temporary S3 keys for a laptop, minted by the store's STS with the hub's
// key: GetFederationToken first (its session policy narrows the keys to the
// bucket, to reading, to the admin's rules), GetSessionToken where the store
// or the key's rights lack that (Ceph's RGW has only this one; the keys then
// reach what the hub's key reaches). When the hub itself holds temporary
// credentials (a pod's role), STS refuses both, and those are what is handed
// over, with their own expiry.
import { userInfo } from 'node:os';
import {
  ListBucketsCommand,
  ListObjectsV2Command,
  S3Client
} from '@aws-sdk/client-s3';
import {
  GetFederationTokenCommand,
  GetSessionTokenCommand,
  STSClient,
  type Credentials
} from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { toApiError, type IErrorContext } from '../backends/errors.js';
import { s3ClientConfig } from '../backends/s3/backend.js';
import { isAwsEndpoint } from '../backends/s3/endpoint.js';
import type { IRemoteConfig } from '../remotes/types.js';
import { policyAllowsWrites, sessionPolicy } from './session-policy.js';
import { Unavailable } from './unavailable.js';

export interface IS3Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface ITemporaryS3Keys {
  keys: IS3Keys;
  source: 'sts:GetFederationToken' | 'sts:GetSessionToken' | 'session';
  expires?: Date;
  /** The one bucket they reach, when narrowed to it. */
  bucket?: string;
  readOnly: boolean;
}

export interface IS3KeyRequest {
  bucket?: string;
  readOnly: boolean;
  durationSeconds: number;
}

/** Errors that say the request never reached a working store: shown as errors, not as "unavailable". */
const FATAL = new Set([
  'endpoint_unreachable',
  'timeout',
  'invalid_credentials',
  'no_credentials'
]);

function context(remote: IRemoteConfig): IErrorContext {
  return {
    remote: remote.name,
    endpoint:
      remote.endpoint ??
      `https://sts.${remote.region || 'us-east-1'}.amazonaws.com`
  };
}

class NoRights extends Error {}

/** A name STS accepts for the federated user (2-32 of [\w+=,.@-]): who asked, for the store's logs. */
export function federatedName(): string {
  let user = process.env.JUPYTERHUB_USER ?? '';
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = '';
    }
  }
  const safe = user.replace(/[^\w+=,.@-]/g, '_');
  return `jb-${safe || 'user'}`.slice(0, 32);
}

async function hubCredentials(
  remote: IRemoteConfig
): Promise<AwsCredentialIdentity> {
  const client = new S3Client(s3ClientConfig(remote));
  try {
    const provider = client.config.credentials;
    return await provider();
  } catch (error) {
    throw toApiError(error, context(remote));
  } finally {
    client.destroy();
  }
}

function stsClient(
  remote: IRemoteConfig,
  credentials: AwsCredentialIdentity
): STSClient {
  return new STSClient({
    region: remote.region || 'us-east-1',
    // S3-compatible stores (Ceph's RGW, SeaweedFS, MinIO) answer STS at the
    // S3 endpoint itself; AWS at its regional STS endpoint.
    ...(remote.endpoint && !isAwsEndpoint(remote.endpoint)
      ? { endpoint: remote.endpoint }
      : {}),
    credentials,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 4_000, requestTimeout: 15_000 }
  });
}

function keysOf(credentials: Credentials | undefined): {
  keys: IS3Keys;
  expires?: Date;
} {
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
    throw new Unavailable('The store answered without keys.');
  }
  return {
    keys: {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken
    },
    expires: credentials.Expiration
  };
}

/**
 * Whether minted keys can do anything: a store may hand out keys with no
 * rights at all (SeaweedFS does when its user has no attached policy), and
 * keys that fail on the laptop are worse than none.
 */
async function keysWork(
  remote: IRemoteConfig,
  keys: IS3Keys,
  bucket: string | undefined
): Promise<boolean> {
  const client = new S3Client(
    s3ClientConfig({
      ...remote,
      anonymous: false,
      s3: { ...remote.s3, ...keys }
    })
  );
  try {
    if (bucket) {
      await client.send(
        new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 })
      );
    } else {
      await client.send(new ListBucketsCommand({}));
    }
    return true;
  } catch (error) {
    if (toApiError(error, context(remote)).code === 'access_denied') {
      return false;
    }
    // Anything else (a missing bucket, a slow store) is for the laptop to meet.
    return true;
  } finally {
    client.destroy();
  }
}

/** The store's refusal in one line, or the error to throw when it is not a refusal. */
function refusal(error: unknown, remote: IRemoteConfig): string {
  const api = toApiError(error, context(remote));
  if (FATAL.has(api.code)) {
    throw api;
  }
  return api.message;
}

/**
 * Temporary keys for `request`, or Unavailable with the reason. Errors that
 * are not the store's refusal (unreachable, wrong key) are thrown as ApiErrors.
 */
export async function temporaryS3Keys(
  remote: IRemoteConfig,
  request: IS3KeyRequest
): Promise<ITemporaryS3Keys> {
  const credentials = await hubCredentials(remote);
  const narrowed = Boolean(request.readOnly || remote.policy);
  if (credentials.sessionToken) {
    if (narrowed) {
      throw new Unavailable(
        remote.policy
          ? "The hub's own credentials for this remote are temporary ones: they cannot be narrowed to the hub admin's rules, so they stay on the hub."
          : "The hub's own credentials for this remote are temporary ones and cannot be narrowed to reading."
      );
    }
    return {
      keys: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken
      },
      source: 'session',
      expires: credentials.expiration,
      readOnly: false
    };
  }
  const sts = stsClient(remote, credentials);
  try {
    const policyInput = {
      bucket: request.bucket,
      readOnly: request.readOnly,
      hub: remote.policy
    };
    let federationRefusal = '';
    try {
      const answer = await sts.send(
        new GetFederationTokenCommand({
          Name: federatedName(),
          DurationSeconds: request.durationSeconds,
          Policy: sessionPolicy(policyInput)
        })
      );
      const minted = keysOf(answer.Credentials);
      if (!(await keysWork(remote, minted.keys, request.bucket))) {
        throw new NoRights();
      }
      return {
        ...minted,
        source: 'sts:GetFederationToken',
        bucket: request.bucket,
        readOnly: !policyAllowsWrites(policyInput)
      };
    } catch (error) {
      if (error instanceof NoRights) {
        federationRefusal =
          "its keys were refused by the store itself (the hub's user may have no policy attached)";
      } else {
        if (error instanceof Unavailable) {
          throw error;
        }
        federationRefusal = refusal(error, remote);
      }
    }
    if (narrowed) {
      // GetSessionToken takes no policy: its keys could do what the hub's key
      // does, more than the reader or the admin's rules allow.
      throw new Unavailable(
        `The store did not make keys limited to ${remote.policy ? "the hub admin's rules" : 'reading'} (GetFederationToken: ${federationRefusal}).`
      );
    }
    try {
      const answer = await sts.send(
        new GetSessionTokenCommand({ DurationSeconds: request.durationSeconds })
      );
      return {
        ...keysOf(answer.Credentials),
        source: 'sts:GetSessionToken',
        readOnly: false
      };
    } catch (error) {
      if (error instanceof Unavailable) {
        throw error;
      }
      throw new Unavailable(
        `The store does not make temporary keys for this key (GetFederationToken: ${federationRefusal}; GetSessionToken: ${refusal(error, remote)}).`
      );
    }
  } finally {
    sts.destroy();
  }
}
