// The s3 backend: AWS and every S3-compatible store (Ceph/OSN, SeaweedFS,
// MinIO, R2). One S3Client per endpoint and credentials, shared.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type S3ClientConfig
} from '@aws-sdk/client-s3';
import type { IBucket } from '@jupyter-buckets/core';
import pLimit from 'p-limit';
import type { Dispatcher } from '../http/undici.js';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ApiError } from '../../api-error.js';
import type { IBackendConfig } from '../config.js';
import { invalidBucket, s3BucketProblem } from '../bucket-names.js';
import { safeContentType } from '../content-type.js';
import { toApiError, type IErrorContext } from '../errors.js';
import { RangedReads, rangedReadPool } from '../ranged-reads.js';
import { UndiciHttpHandler } from './http-handler.js';
import { s3Refusal, S3Wire } from './wire.js';
import { Sha256 } from './sha256.js';
import { choosePartSize } from '../parts.js';
import { backendIdentity } from '../registry.js';
import { CAPABILITIES, capabilitiesOf } from './capabilities.js';
import { isAwsEndpoint } from './endpoint.js';
import type {
  IBackend,
  ICapabilities,
  IByteRange,
  IDirectParts,
  IChunkedWriter,
  IDeleteResult,
  IListOptions,
  IListPage,
  IObjectInfo,
  IPutOptions,
  IWriterOptions
} from '../types.js';

const MiB = 1024 * 1024;

/** Connections per endpoint: the engine's real parallelism is well above 50. */
const MAX_SOCKETS = 256;
// Connect fast or fail: with 2 attempts an unreachable endpoint answers in
// about 10 s at worst, not a hang.
const CONNECTION_TIMEOUT_MS = 4_000;
const REQUEST_TIMEOUT_MS = 30_000;
const MAX_ATTEMPTS = 2;

let sharedHandler: UndiciHttpHandler | undefined;
/** One handler (and connection pool) for every S3 client of the process. */
function undiciHandler(): UndiciHttpHandler {
  sharedHandler ??= new UndiciHttpHandler({
    connectTimeoutMs: CONNECTION_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    connections: MAX_SOCKETS
  });
  return sharedHandler;
}

export function s3ClientConfig(remote: IBackendConfig): S3ClientConfig {
  const s3 = remote.s3 ?? {};
  const config: S3ClientConfig = {
    region: remote.region || 'us-east-1',
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: undiciHandler(),
    // The signer's hash with its HMAC keys kept (sha256.ts), for the SDK's
    // requests as for the wire's.
    sha256: Sha256
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

/** CopyObject's limit; above it a copy is a multipart upload of UploadPartCopy parts. */
export const COPY_CUTOFF = 5 * 1024 * MiB;
/** Parts of a server-side multipart copy in flight at once. */
const COPY_CONCURRENCY = 8;
/** DeleteObjects takes at most this many keys. */
const DELETE_BATCH = 1000;

export interface IS3BackendOptions {
  /** Objects larger than this are copied with UploadPartCopy (tests lower it). */
  copyCutoff?: number;
  /** Part size of a multipart copy (default: chosen from the size). */
  copyPartSize?: number;
  /** Where GETs and PUTs of one object go (tests interpose on the wire). */
  dispatcher?: Dispatcher;
}

function unquote(etag: string | undefined): string | undefined {
  return etag?.replace(/^"(.*)"$/, '$1');
}

/**
 * The MD5 an object's ETag is (hex), if it is one: a single-part upload's
 * ETag is, unless KMS or the customer's key encrypts the object.
 */
export function etagMd5(
  etag: string | undefined,
  encryption: string | undefined,
  customerKey: string | undefined
): string | undefined {
  return etag &&
    /^[0-9a-f]{32}$/.test(etag) &&
    !encryption?.startsWith('aws:kms') &&
    !customerKey
    ? etag
    : undefined;
}

function md5Base64(data: Buffer): string {
  return createHash('md5').update(data).digest('base64');
}

/** CopySource is "bucket/key" with the key URL-encoded ('/' kept). */
function copySource(bucket: string, key: string): string {
  return `${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;
}

/**
 * Every command's Bucket is checked in one place, the client's middleware
 * stack, before the SDK puts it into the URL (and before presigning): a
 * command added later cannot forget it. Clients are shared, so the step is
 * added by name and replaced, not stacked.
 */
function checkBucketNames(client: S3Client): void {
  client.middlewareStack.add(
    next => async args => {
      const bucket = (args.input as { Bucket?: unknown }).Bucket;
      if (typeof bucket === 'string') {
        const problem = s3BucketProblem(bucket);
        if (problem) {
          throw invalidBucket(bucket, problem, 'S3');
        }
      }
      return next(args);
    },
    // 'high' runs it before the SDK's own (narrower) bucket check, whose
    // error carries no HTTP status and would read as a provider failure.
    {
      step: 'initialize',
      priority: 'high',
      name: 'jupyterBucketsBucketName',
      override: true
    }
  );
}

/**
 * A body sent with Content-MD5 is not hashed a second time for the
 * signature: the signed Content-MD5 header already binds the body to it (the
 * server rejects other bytes), so the payload is declared UNSIGNED-PAYLOAD,
 * as presigned uploads do. The SDK otherwise computes the SHA-256 of every
 * byte on the event loop, about a second per GiB. Added by name, like the
 * bucket check.
 */
function unsignedWhenMd5(client: S3Client): void {
  client.middlewareStack.add(
    next => async args => {
      const request = args.request as {
        headers?: Record<string, string>;
      };
      const headers = request.headers;
      if (
        headers &&
        Object.keys(headers).some(name => name.toLowerCase() === 'content-md5')
      ) {
        headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      }
      return next(args);
    },
    {
      // 'build' comes after serialization (the header exists) and before
      // every 'finalizeRequest' step, where the request is signed.
      step: 'build',
      priority: 'low',
      name: 'jupyterBucketsUnsignedWhenMd5',
      override: true
    }
  );
}

// Remotes with the same endpoint and credentials share one client (and its
// connection pool).
const clients = new Map<string, S3Client>();

/** The backend of an S3 remote (the registry's create, once the SDK is loaded). */
export function createS3Backend(config: IBackendConfig): S3Backend {
  const identity = backendIdentity(config);
  let client = clients.get(identity);
  if (!client) {
    client = new S3Client(s3ClientConfig(config));
    clients.set(identity, client);
  }
  return new S3Backend(config, client);
}

export class S3Backend implements IBackend {
  readonly capabilities: ICapabilities;
  private readonly endpointLabel: string;

  private readonly copyCutoff: number;
  private readonly copyPartSize?: number;
  /** GET and PUT of one object, without the SDK's per-request stack. */
  private readonly wire: S3Wire;
  /** Ranges read into buffers and sinks (readBuffer, readTo). */
  private readonly ranged: RangedReads;

  constructor(
    private readonly remote: IBackendConfig,
    private readonly client: S3Client,
    options: IS3BackendOptions = {}
  ) {
    this.capabilities = capabilitiesOf(remote);
    this.copyCutoff = options.copyCutoff ?? COPY_CUTOFF;
    this.copyPartSize = options.copyPartSize;
    this.endpointLabel =
      remote.endpoint ??
      `https://s3.${remote.region || 'us-east-1'}.amazonaws.com`;
    checkBucketNames(client);
    unsignedWhenMd5(client);
    this.wire = new S3Wire(
      client,
      options.dispatcher ?? undiciHandler().dispatcher,
      Boolean(remote.anonymous)
    );
    this.ranged = new RangedReads(
      {
        request: (bucket, key, headers) =>
          this.wire.getRequest(bucket, key, headers),
        refusal: s3Refusal,
        failure: (error, bucket, key) =>
          toApiError(error, { ...this.context(bucket), key }),
        read: (bucket, key, range) => this.read(bucket, key, range),
        statedMd5: headers =>
          etagMd5(
            unquote(headers.etag),
            headers['x-amz-server-side-encryption'],
            headers['x-amz-server-side-encryption-customer-algorithm']
          )
      },
      // A test interposing on the wire gets every GET through it.
      options.dispatcher ? undefined : rangedReadPool()
    );
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
          Delimiter: options.recursive ? undefined : '/',
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

  /** A SigV4 presigned GET (signed locally: no request to the store). */
  async presign(bucket: string, key: string, seconds: number): Promise<string> {
    if (this.remote.anonymous) {
      throw new ApiError(
        'invalid_request',
        `The remote '${this.remote.name}' has no credentials to sign a share link with.`,
        'Objects of a public bucket need no signature: share their plain URL.'
      );
    }
    return getSignedUrl(
      this.client,
      new GetObjectCommand({ Bucket: bucket, Key: key }),
      { expiresIn: seconds }
    );
  }

  async stat(bucket: string, key: string): Promise<IObjectInfo> {
    try {
      const answer = await this.client.send(
        new HeadObjectCommand({ Bucket: bucket, Key: key })
      );
      const info: IObjectInfo = {
        key,
        size: answer.ContentLength ?? 0,
        modified: answer.LastModified,
        etag: unquote(answer.ETag)
      };
      const contentType = safeContentType(answer.ContentType);
      if (contentType) {
        info.contentType = contentType;
      }
      // AWS leaves the header out for STANDARD.
      info.storageClass = answer.StorageClass ?? 'STANDARD';
      if (answer.Metadata && Object.keys(answer.Metadata).length) {
        info.metadata = answer.Metadata;
      }
      const md5 = etagMd5(
        info.etag,
        answer.ServerSideEncryption,
        answer.SSECustomerAlgorithm
      );
      if (md5) {
        info.md5 = md5;
      }
      return info;
    } catch (error) {
      throw toApiError(error, { ...this.context(bucket), key });
    }
  }

  async read(
    bucket: string,
    key: string,
    range?: IByteRange
  ): Promise<Readable> {
    try {
      return await this.wire.get(bucket, key, range);
    } catch (error) {
      throw toApiError(error, { ...this.context(bucket), key });
    }
  }

  readBuffer(...args: Parameters<RangedReads['readBuffer']>): Promise<Buffer> {
    return this.ranged.readBuffer(...args);
  }

  readTo(...args: Parameters<RangedReads['readTo']>): Promise<void> {
    return this.ranged.readTo(...args);
  }

  async put(
    bucket: string,
    key: string,
    body: Buffer | Readable,
    options: IPutOptions
  ): Promise<IObjectInfo> {
    if (
      !Buffer.isBuffer(body) &&
      !(options.sourceMd5 && options.size !== undefined)
    ) {
      try {
        await this.client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: options.contentType,
            ContentLength: options.size
          })
        );
      } catch (error) {
        throw toApiError(error, { ...this.context(bucket), key });
      }
      return this.stat(bucket, key);
    }
    const size = Buffer.isBuffer(body) ? body.length : options.size!;
    let answer;
    try {
      // The server checks the bytes against Content-MD5: our own integrity
      // check, since the SDK's checksums are off for non-AWS endpoints.
      answer = await this.wire.put(
        bucket,
        key,
        body,
        size,
        options.sourceMd5
          ? Buffer.from(options.sourceMd5, 'hex').toString('base64')
          : md5Base64(body as Buffer),
        options.contentType
      );
    } catch (error) {
      throw toApiError(error, { ...this.context(bucket), key });
    }
    if (!options.skipStat) {
      return this.stat(bucket, key);
    }
    // The server checked the bytes against Content-MD5; its answer is enough.
    const info: IObjectInfo = { key, size };
    const etag = unquote(answer.etag);
    if (etag) {
      info.etag = etag;
      if (
        /^[0-9a-f]{32}$/.test(etag) &&
        answer.serverSideEncryption !== 'aws:kms' &&
        !answer.sseCustomerAlgorithm
      ) {
        info.md5 = etag;
      }
    }
    return info;
  }

  async writer(
    bucket: string,
    key: string,
    options: IWriterOptions
  ): Promise<IChunkedWriter> {
    const context = { ...this.context(bucket), key };
    const partSize = choosePartSize(
      CAPABILITIES.multipartWrite!,
      options.size,
      options.partSize
    );
    const stored = options.resumeToken
      ? await this.storedParts(
          bucket,
          key,
          options.resumeToken,
          partSize,
          options.size
        )
      : null;
    let uploadId = options.resumeToken ?? '';
    if (!stored) {
      try {
        const answer = await this.client.send(
          new CreateMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            ContentType: options.contentType
          })
        );
        uploadId = answer.UploadId ?? '';
      } catch (error) {
        throw toApiError(error, context);
      }
    }
    return new S3MultipartWriter(
      this.client,
      bucket,
      key,
      uploadId,
      partSize,
      context,
      () => this.stat(bucket, key),
      stored ?? new Map(),
      // A presigned part needs a signature: none for an anonymous remote.
      this.remote.anonymous
        ? undefined
        : () => this.storedParts(bucket, key, uploadId, partSize, options.size)
    );
  }

  /**
   * The parts an unfinished multipart upload already holds, keeping only
   * those of the expected length (a part of another size is sent again);
   * null when the upload is gone (completed, aborted or expired).
   */
  private async storedParts(
    bucket: string,
    key: string,
    uploadId: string,
    partSize: number,
    size: number | undefined
  ): Promise<Map<number, string> | null> {
    const parts = new Map<number, string>();
    let marker: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListPartsCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumberMarker: marker
          })
        );
        for (const part of page.Parts ?? []) {
          const number = part.PartNumber ?? 0;
          const expected =
            size === undefined
              ? partSize
              : Math.min(size, number * partSize) - (number - 1) * partSize;
          if (number > 0 && part.ETag && part.Size === expected) {
            parts.set(number, part.ETag);
          }
        }
        marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
      } while (marker);
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } })
        .$metadata?.httpStatusCode;
      if (status === 404 || (error as Error).name === 'NoSuchUpload') {
        return null;
      }
      throw toApiError(error, { ...this.context(bucket), key });
    }
    return parts;
  }

  async copy(
    fromBucket: string,
    fromKey: string,
    toBucket: string,
    toKey: string
  ): Promise<IObjectInfo> {
    const source = await this.stat(fromBucket, fromKey);
    const context = { ...this.context(toBucket), key: toKey };
    if (source.size <= this.copyCutoff) {
      try {
        await this.client.send(
          new CopyObjectCommand({
            Bucket: toBucket,
            Key: toKey,
            CopySource: copySource(fromBucket, fromKey)
          })
        );
      } catch (error) {
        throw toApiError(error, { ...context, key: fromKey });
      }
      return this.stat(toBucket, toKey);
    }
    return this.multipartCopy(source, fromBucket, toBucket, toKey, context);
  }

  /** Above CopyObject's 5 GiB: UploadPartCopy of byte ranges, in parallel. */
  private async multipartCopy(
    source: IObjectInfo,
    fromBucket: string,
    toBucket: string,
    toKey: string,
    context: IErrorContext
  ): Promise<IObjectInfo> {
    const partSize = choosePartSize(
      CAPABILITIES.multipartWrite!,
      source.size,
      this.copyPartSize ?? 512 * MiB
    );
    let uploadId: string | undefined;
    try {
      const created = await this.client.send(
        new CreateMultipartUploadCommand({
          Bucket: toBucket,
          Key: toKey,
          ContentType: source.contentType,
          Metadata: source.metadata
        })
      );
      uploadId = created.UploadId;
      const limit = pLimit(COPY_CONCURRENCY);
      const count = Math.max(1, Math.ceil(source.size / partSize));
      const parts = await Promise.all(
        Array.from({ length: count }, (_, index) =>
          limit(async (): Promise<CompletedPart> => {
            const start = index * partSize;
            const end = Math.min(source.size, start + partSize) - 1;
            const answer = await this.client.send(
              new UploadPartCopyCommand({
                Bucket: toBucket,
                Key: toKey,
                UploadId: uploadId,
                PartNumber: index + 1,
                CopySource: copySource(fromBucket, source.key),
                // Only the source's current version: a concurrent overwrite fails the copy.
                CopySourceIfMatch: source.etag ? `"${source.etag}"` : undefined,
                CopySourceRange: `bytes=${start}-${end}`
              })
            );
            return {
              PartNumber: index + 1,
              ETag: answer.CopyPartResult?.ETag
            };
          })
        )
      );
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: toBucket,
          Key: toKey,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts }
        })
      );
    } catch (error) {
      if (uploadId) {
        await this.client
          .send(
            new AbortMultipartUploadCommand({
              Bucket: toBucket,
              Key: toKey,
              UploadId: uploadId
            })
          )
          .catch(() => undefined);
      }
      throw toApiError(error, context);
    }
    return this.stat(toBucket, toKey);
  }

  async delete(bucket: string, key: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: bucket, Key: key })
      );
    } catch (error) {
      throw toApiError(error, { ...this.context(bucket), key });
    }
  }

  async deleteMany(bucket: string, keys: string[]): Promise<IDeleteResult> {
    let deleted = 0;
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH);
      let errors: { Key?: string; Code?: string; Message?: string }[];
      try {
        // DeleteObjects requires a body checksum: the SDK adds one even with
        // WHEN_REQUIRED (checked against SeaweedFS in the tests).
        const answer = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: batch.map(Key => ({ Key })), Quiet: true }
          })
        );
        errors = answer.Errors ?? [];
      } catch (error) {
        throw toApiError(error, this.context(bucket));
      }
      const failed = errors.filter(e => e.Code !== 'NoSuchKey');
      if (failed.length) {
        throw toApiError(
          Object.assign(new Error(failed[0].Message ?? 'delete failed'), {
            name: failed[0].Code ?? 'Error'
          }),
          { ...this.context(bucket), key: failed[0].Key }
        );
      }
      deleted += batch.length;
    }
    return { deleted };
  }
}

/**
 * The ETag S3 gives an object completed from these parts: the MD5 of their
 * binary MD5s, then the count; undefined when a part's ETag is not an MD5.
 */
export function multipartEtag(partEtags: string[]): string | undefined {
  const digests: Buffer[] = [];
  for (const etag of partEtags) {
    const hex = unquote(etag) ?? '';
    if (!/^[0-9a-f]{32}$/.test(hex)) {
      return undefined;
    }
    digests.push(Buffer.from(hex, 'hex'));
  }
  const md5 = createHash('md5').update(Buffer.concat(digests)).digest('hex');
  return `${md5}-${partEtags.length}`;
}

class S3MultipartWriter implements IChunkedWriter {
  private finished = false;
  private completed = false;
  readonly storedParts: ReadonlySet<number>;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly uploadId: string,
    readonly partSize: number,
    private readonly context: IErrorContext,
    private readonly stat: () => Promise<IObjectInfo>,
    /** Part number to ETag: the stored parts of a continued upload, then ours. */
    private readonly parts: Map<number, string>,
    /** ListParts of this upload (for parts the browser sent itself). */
    listStored?: () => Promise<Map<number, string> | null>
  ) {
    this.storedParts = new Set(parts.keys());
    if (listStored) {
      this.direct = {
        kind: 'parts',
        url: (partNumber, seconds) =>
          getSignedUrl(
            this.client,
            new UploadPartCommand({
              Bucket: this.bucket,
              Key: this.key,
              UploadId: this.uploadId,
              PartNumber: partNumber
            }),
            { expiresIn: seconds }
          ),
        stored: async () => {
          const found = await listStored();
          if (!found) {
            throw new ApiError(
              'upload_ended',
              `The multipart upload of ${this.key} is gone (aborted or expired).`,
              'Upload the file again.'
            );
          }
          // Parts sent by the browser: their ETags are the store's.
          for (const [number, etag] of found) {
            this.parts.set(number, etag);
          }
          return new Set(found.keys());
        }
      };
    }
  }

  readonly direct?: IDirectParts;

  get resumeToken(): string {
    return this.uploadId;
  }

  async writePart(partNumber: number, data: Buffer): Promise<void> {
    if (this.finished) {
      throw new ApiError('invalid_request', 'This upload is already finished.');
    }
    try {
      const answer = await this.client.send(
        new UploadPartCommand({
          Bucket: this.bucket,
          Key: this.key,
          UploadId: this.uploadId,
          PartNumber: partNumber,
          Body: data,
          ContentLength: data.length,
          ContentMD5: md5Base64(data)
        })
      );
      this.parts.set(partNumber, answer.ETag ?? '');
    } catch (error) {
      throw toApiError(error, this.context);
    }
  }

  /**
   * Safe to call again after it failed (the engine retries it): a request
   * whose answer was lost may have completed the upload, so a later
   * NoSuchUpload is success when the object is the one our parts make.
   */
  async complete(): Promise<IObjectInfo> {
    if (!this.completed) {
      if (this.parts.size === 0) {
        // An empty object: S3 needs one (empty) part.
        await this.writePart(1, Buffer.alloc(0));
      }
      this.finished = true;
      const parts = [...this.parts.entries()]
        .sort(([a], [b]) => a - b)
        .map(([PartNumber, ETag]) => ({ PartNumber, ETag }));
      try {
        await this.client.send(
          new CompleteMultipartUploadCommand({
            Bucket: this.bucket,
            Key: this.key,
            UploadId: this.uploadId,
            MultipartUpload: { Parts: parts }
          })
        );
      } catch (error) {
        const ours = multipartEtag(parts.map(part => part.ETag ?? ''));
        if (
          (error as Error).name !== 'NoSuchUpload' ||
          !ours ||
          (await this.stat().catch(() => undefined))?.etag !== ours
        ) {
          throw toApiError(error, this.context);
        }
      }
      this.completed = true;
    }
    return this.stat();
  }

  async abort(): Promise<void> {
    this.finished = true;
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({
          Bucket: this.bucket,
          Key: this.key,
          UploadId: this.uploadId
        })
      );
    } catch (error) {
      throw toApiError(error, this.context);
    }
  }
}
