// The s3 backend: AWS and every S3-compatible store (Ceph/OSN, SeaweedFS,
// MinIO, R2). One S3Client per endpoint and credentials, shared.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig
} from '@aws-sdk/client-s3';
import type { IBucket } from '@jupyter-buckets/core';
import type { IRemoteConfig } from '../remotes/types.js';
import { toApiError, type IErrorContext } from './errors.js';
import type {
  IBackend,
  ICapabilities,
  IListOptions,
  IListPage,
  IObjectInfo
} from './types.js';

const MiB = 1024 * 1024;

/** The engine's real parallelism will be well above the SDK's 50 sockets per host. */
const MAX_SOCKETS = 256;
// Connect fast or fail: with 2 attempts an unreachable endpoint answers in
// about 10 s at worst, not a hang.
const CONNECTION_TIMEOUT_MS = 4_000;
const REQUEST_TIMEOUT_MS = 30_000;
const MAX_ATTEMPTS = 2;

export function isAwsEndpoint(endpoint: string | undefined): boolean {
  if (!endpoint) {
    return true;
  }
  try {
    return /(^|\.)amazonaws\.com(\.cn)?$/.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

export function s3ClientConfig(remote: IRemoteConfig): S3ClientConfig {
  const s3 = remote.s3 ?? {};
  const config: S3ClientConfig = {
    region: remote.region || 'us-east-1',
    maxAttempts: MAX_ATTEMPTS,
    // The SDK builds its NodeHttpHandler from these options.
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS })
    }
  };
  if (remote.endpoint) {
    config.endpoint = remote.endpoint;
  }
  if (!isAwsEndpoint(remote.endpoint)) {
    // Custom endpoints rarely have per-bucket DNS names, and Ceph, R2, B2 and
    // older MinIO reject the SDK's default CRC32 checksums (rclone does the same).
    config.forcePathStyle = s3.forcePathStyle ?? true;
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
  }
  if (remote.anonymous) {
    // Unsigned requests for public buckets.
    config.signer = { sign: async request => request };
    config.credentials = { accessKeyId: '', secretAccessKey: '' };
  } else if (s3.accessKeyId && s3.secretAccessKey) {
    config.credentials = {
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      sessionToken: s3.sessionToken
    };
  } else if (s3.profile) {
    config.profile = s3.profile;
  }
  return config;
}

const CAPABILITIES: ICapabilities = {
  serverSideCopy: true,
  rangedReads: true,
  multipartWrite: {
    minPartSize: 5 * MiB,
    maxPartSize: 5 * 1024 * MiB,
    maxParts: 10_000
  },
  hashes: ['md5', 'etag'],
  realDirectories: false
};

function unquote(etag: string | undefined): string | undefined {
  return etag?.replace(/^"(.*)"$/, '$1');
}

export class S3Backend implements IBackend {
  readonly capabilities = CAPABILITIES;
  private readonly endpointLabel: string;

  constructor(
    private readonly remote: IRemoteConfig,
    private readonly client: S3Client
  ) {
    this.endpointLabel =
      remote.endpoint ??
      `https://s3.${remote.region || 'us-east-1'}.amazonaws.com`;
  }

  private context(bucket?: string): IErrorContext {
    return {
      remote: this.remote.name,
      endpoint: this.endpointLabel,
      anonymous: this.remote.anonymous,
      bucket
    };
  }

  async listBuckets(): Promise<IBucket[]> {
    try {
      const answer = await this.client.send(new ListBucketsCommand({}));
      return (answer.Buckets ?? []).map(bucket => {
        const result: IBucket = { name: bucket.Name ?? '' };
        if (bucket.CreationDate) {
          result.created = bucket.CreationDate.toISOString();
        }
        return result;
      });
    } catch (error) {
      throw toApiError(error, this.context());
    }
  }

  async list(bucket: string, options: IListOptions): Promise<IListPage> {
    try {
      const answer = await this.client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: options.prefix,
          Delimiter: '/',
          MaxKeys: options.limit,
          ContinuationToken: options.token
        })
      );
      return {
        prefixes: (answer.CommonPrefixes ?? []).flatMap(p =>
          p.Prefix ? [p.Prefix] : []
        ),
        objects: (answer.Contents ?? []).map(object => ({
          key: object.Key ?? '',
          size: object.Size ?? 0,
          modified: object.LastModified,
          etag: unquote(object.ETag)
        })),
        nextToken:
          answer.IsTruncated && answer.NextContinuationToken
            ? answer.NextContinuationToken
            : null
      };
    } catch (error) {
      throw toApiError(error, this.context(bucket));
    }
  }

  async stat(bucket: string, key: string): Promise<IObjectInfo> {
    try {
      const answer = await this.client.send(
        new HeadObjectCommand({ Bucket: bucket, Key: key })
      );
      return {
        key,
        size: answer.ContentLength ?? 0,
        modified: answer.LastModified,
        etag: unquote(answer.ETag)
      };
    } catch (error) {
      throw toApiError(error, { ...this.context(bucket), key });
    }
  }
}
