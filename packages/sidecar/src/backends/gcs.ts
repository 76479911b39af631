// The gcs backend: Google Cloud Storage (and fake-gcs-server) through
// @google-cloud/storage.
import { Storage, type StorageOptions } from '@google-cloud/storage';
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
const DEFAULT_ENDPOINT = 'https://storage.googleapis.com';
const REQUEST_TIMEOUT_MS = 30_000;

export function storageOptions(remote: IRemoteConfig): StorageOptions {
  const gcs = remote.gcs ?? {};
  const options: StorageOptions = {
    timeout: REQUEST_TIMEOUT_MS,
    // One retry, all within 10 s: an unreachable endpoint must answer quickly.
    // (maxRetries: 0 would be read as "unset" and become the default 3.)
    retryOptions: { maxRetries: 1, totalTimeout: 10, maxRetryDelay: 2 }
  };
  if (remote.endpoint) {
    options.apiEndpoint = remote.endpoint;
  }
  if (gcs.projectId) {
    options.projectId = gcs.projectId;
  }
  if (remote.anonymous) {
    // The library sends no auth to a custom endpoint; it treats any endpoint
    // that differs from its default as custom, so anonymous access to Google
    // itself is asked for with the default URL spelled with a trailing '/'.
    options.apiEndpoint = remote.endpoint ?? `${DEFAULT_ENDPOINT}/`;
    // Listing buckets needs some project id; an anonymous caller has none.
    options.projectId ??= 'anonymous';
    return options;
  }
  if (gcs.keyFile) {
    options.keyFilename = gcs.keyFile;
  } else if (gcs.credentialsJson) {
    options.credentials = JSON.parse(
      gcs.credentialsJson
    ) as StorageOptions['credentials'];
  }
  if (remote.endpoint) {
    options.useAuthWithCustomEndpoint = true;
  }
  return options;
}

const CAPABILITIES: ICapabilities = {
  serverSideCopy: true,
  rangedReads: true,
  // GCS has no S3-style parts; resumable uploads take chunks in multiples of 256 KiB.
  multipartWrite: {
    minPartSize: 8 * MiB,
    maxPartSize: 5 * 1024 * MiB,
    maxParts: 10_000
  },
  hashes: ['md5', 'crc32c'],
  realDirectories: false
};

interface IGcsObjectMetadata {
  name?: string;
  size?: string | number;
  updated?: string;
  etag?: string;
}

function toObjectInfo(metadata: IGcsObjectMetadata): IObjectInfo {
  const info: IObjectInfo = {
    key: metadata.name ?? '',
    size: Number(metadata.size ?? 0)
  };
  if (metadata.updated) {
    info.modified = new Date(metadata.updated);
  }
  if (metadata.etag) {
    info.etag = metadata.etag;
  }
  return info;
}

export class GcsBackend implements IBackend {
  readonly capabilities = CAPABILITIES;
  private readonly endpointLabel: string;

  constructor(
    private readonly remote: IRemoteConfig,
    private readonly storage: Storage
  ) {
    this.endpointLabel = remote.endpoint ?? DEFAULT_ENDPOINT;
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
      const [buckets] = await this.storage.getBuckets();
      return buckets.map(bucket => {
        const result: IBucket = { name: bucket.name };
        const created = bucket.metadata?.timeCreated;
        if (created) {
          result.created = new Date(created).toISOString();
        }
        return result;
      });
    } catch (error) {
      throw toApiError(error, this.context());
    }
  }

  async list(bucket: string, options: IListOptions): Promise<IListPage> {
    try {
      const [files, , response] = await this.storage.bucket(bucket).getFiles({
        autoPaginate: false,
        delimiter: '/',
        prefix: options.prefix,
        maxResults: options.limit,
        pageToken: options.token
      });
      const raw = (response ?? {}) as {
        prefixes?: string[];
        nextPageToken?: string;
      };
      return {
        prefixes: raw.prefixes ?? [],
        objects: files.map(file =>
          toObjectInfo({ ...file.metadata, name: file.name })
        ),
        nextToken: raw.nextPageToken || null
      };
    } catch (error) {
      throw toApiError(error, this.context(bucket));
    }
  }

  async stat(bucket: string, key: string): Promise<IObjectInfo> {
    try {
      const [metadata] = await this.storage
        .bucket(bucket)
        .file(key)
        .getMetadata();
      return toObjectInfo({ ...metadata, name: key });
    } catch (error) {
      throw toApiError(error, { ...this.context(bucket), key });
    }
  }
}
