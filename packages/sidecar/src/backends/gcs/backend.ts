// The gcs backend: Google Cloud Storage (and fake-gcs-server) through
// @google-cloud/storage.
import { once } from 'node:events';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  Storage,
  type Bucket,
  type StorageOptions
} from '@google-cloud/storage';
import type { IBucket } from '@jupyter-buckets/core';
import pLimit from 'p-limit';
import { ApiError } from '../../api-error.js';
import type { IBackendConfig } from '../config.js';
import { gcsBucketProblem, invalidBucket } from '../bucket-names.js';
import { safeContentType } from '../content-type.js';
import { crc32cGenerator } from './crc32c.js';
import { toApiError, type IErrorContext } from '../errors.js';
import { choosePartSize } from '../parts.js';
import { RangedReads, rangedReadPool } from '../ranged-reads.js';
import { CAPABILITIES } from './capabilities.js';
import {
  deleteObject,
  gcsDispatcher,
  GcsSessionWriter,
  httpError,
  readRange,
  uploadWhole,
  type IGcsTransport
} from './session.js';
import type {
  IBackend,
  IByteRange,
  IChunkedWriter,
  IDeleteResult,
  IListOptions,
  IListPage,
  IObjectInfo,
  IPutOptions,
  IWriterOptions
} from '../types.js';

const DEFAULT_ENDPOINT = 'https://storage.googleapis.com';
const REQUEST_TIMEOUT_MS = 30_000;

export function storageOptions(remote: IBackendConfig): StorageOptions {
  const gcs = remote.gcs ?? {};
  const options: StorageOptions = {
    timeout: REQUEST_TIMEOUT_MS,
    // One retry, all within 10 s: an unreachable endpoint must answer quickly.
    // (maxRetries: 0 would be read as "unset" and become the default 3.)
    retryOptions: { maxRetries: 1, totalTimeout: 10, maxRetryDelay: 2 },
    // Upload and download validation, several times faster than the library's.
    crc32cGenerator
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

/** One Storage client for a remote. */
export function createStorage(remote: IBackendConfig): Storage {
  const storage = new Storage(storageOptions(remote));
  if (remote.gcs?.keyFile || remote.gcs?.credentialsJson) {
    // Sign our own JWTs with the service-account key instead of trading it for
    // an OAuth token first: Google's own Go storage client does the same, it
    // saves a round trip, and a private endpoint (an emulator, a hub's proxy)
    // then works without reaching Google's token service at all.
    storage.authClient.useJWTAccessWithScope = true;
  }
  return storage;
}

/**
 * Deletes in flight at once: GCS has no batch delete in its JSON API client,
 * so a prefix is deleted one request per object. Unbounded, 100,000 keys would
 * open 100,000 requests at once (sockets, memory, 429s); p-limit keeps a fixed
 * number in flight and returns results in order.
 */
const DELETE_CONCURRENCY = 32;

interface IGcsObjectMetadata {
  name?: string;
  size?: string | number;
  updated?: string;
  etag?: string;
  contentType?: string;
  storageClass?: string;
  metadata?: Record<string, unknown>;
  md5Hash?: string;
  crc32c?: string;
}

function base64ToHex(value: string): string {
  return Buffer.from(value, 'base64').toString('hex');
}

/**
 * The MD5 (hex) of an `x-goog-hash` header (`crc32c=…,md5=…`, or one header
 * each); composite objects state none.
 */
export function googHashMd5(header: string | undefined): string | undefined {
  const value = /(?:^|,)\s*md5=([A-Za-z0-9+/]{22}==)\s*(?:,|$)/.exec(
    header ?? ''
  )?.[1];
  return value ? base64ToHex(value) : undefined;
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
  const contentType = safeContentType(metadata.contentType);
  if (contentType) {
    info.contentType = contentType;
  }
  if (metadata.storageClass) {
    info.storageClass = metadata.storageClass;
  }
  if (metadata.metadata && Object.keys(metadata.metadata).length) {
    info.metadata = Object.fromEntries(
      Object.entries(metadata.metadata).map(([k, v]) => [k, String(v)])
    );
  }
  if (metadata.md5Hash) {
    info.md5 = base64ToHex(metadata.md5Hash);
  }
  if (metadata.crc32c) {
    info.crc32c = base64ToHex(metadata.crc32c);
  }
  return info;
}

/** A name GCS would refuse is the client's mistake (400), refused before any request. */
function checkBucketName(name: string): void {
  const problem = gcsBucketProblem(name);
  if (problem) {
    throw invalidBucket(name, problem, 'Google Cloud Storage');
  }
}

/** Bucket handles kept per remote: the buckets a session works in. */
const KEPT_HANDLES = 32;

export class GcsBackend implements IBackend {
  readonly capabilities = CAPABILITIES;
  private readonly endpointLabel: string;
  private sessions?: IGcsTransport;
  /** Ranges read into buffers and sinks (readBuffer, readTo). */
  private downloadRoot?: { origin: URL; prefix: string };
  /** The library's bucket handles, by name (see bucket()). */
  private readonly handles = new Map<string, Bucket>();
  private readonly ranged = new RangedReads(
    {
      request: async (bucket, key, headers) => {
        checkBucketName(bucket);
        const { origin, prefix } = this.downloads();
        return {
          origin,
          path: `${prefix}${encodeURIComponent(bucket)}/o/${encodeURIComponent(key)}?alt=media`,
          headers: { ...(await this.transport().headers()), ...headers }
        };
      },
      refusal: httpError,
      failure: (error, bucket, key) =>
        toApiError(error, { ...this.context(bucket), key }),
      read: (bucket, key, range) => this.read(bucket, key, range),
      statedMd5: headers => googHashMd5(headers['x-goog-hash'])
    },
    rangedReadPool()
  );

  constructor(
    private readonly remote: IBackendConfig,
    private readonly storage: Storage
  ) {
    this.endpointLabel = remote.endpoint ?? DEFAULT_ENDPOINT;
  }

  readBuffer(...args: Parameters<RangedReads['readBuffer']>): Promise<Buffer> {
    return this.ranged.readBuffer(...args);
  }

  readTo(...args: Parameters<RangedReads['readTo']>): Promise<void> {
    return this.ranged.readTo(...args);
  }

  /**
   * The library's handle of a bucket, made once per name: each is a tree of
   * ACL helpers (about 30 KB of garbage, made afresh per object, was most of
   * what 5,000 small files S3 -> GCS allocated). Every request of the
   * library goes through here, ours through checkBucketName: the name is
   * part of the URL path.
   */
  private bucket(name: string): Bucket {
    checkBucketName(name);
    let handle = this.handles.get(name);
    if (!handle) {
      if (this.handles.size >= KEPT_HANDLES) {
        this.handles.delete(this.handles.keys().next().value!);
      }
      handle = this.storage.bucket(name);
      this.handles.set(name, handle);
    }
    return handle;
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
      const [files, , response] = await this.bucket(bucket).getFiles({
        autoPaginate: false,
        prefix: options.prefix,
        delimiter: options.recursive ? undefined : '/',
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

  /** A V4 signed URL; signing needs a service-account key, not ADC or anonymous access. */
  async presign(bucket: string, key: string, seconds: number): Promise<string> {
    if (!this.remote.gcs?.keyFile && !this.remote.gcs?.credentialsJson) {
      throw new ApiError(
        'invalid_request',
        `The remote '${this.remote.name}' has no service-account key to sign a share link with.`,
        'Share links of GCS objects need a remote with a service-account key (Manage Remotes).'
      );
    }
    try {
      const [url] = await this.bucket(bucket)
        .file(key)
        .getSignedUrl({
          version: 'v4',
          action: 'read',
          expires: Date.now() + seconds * 1000
        });
      return url;
    } catch (error) {
      throw toApiError(error, { ...this.context(bucket), key });
    }
  }

  async stat(bucket: string, key: string): Promise<IObjectInfo> {
    try {
      const [metadata] = await this.bucket(bucket).file(key).getMetadata();
      return toObjectInfo({ ...metadata, name: key });
    } catch (error) {
      throw toApiError(error, { ...this.context(bucket), key });
    }
  }

  async read(
    bucket: string,
    key: string,
    range?: IByteRange
  ): Promise<Readable> {
    const context = { ...this.context(bucket), key };
    if (range) {
      // Parts of a copy: straight from the socket (the library's stream
      // adds layers and listeners per read, and skips validation of a
      // range anyway).
      checkBucketName(bucket);
      return readRange(this.transport(), bucket, key, range, context);
    }
    // A whole object: the library checks its CRC32C as it arrives.
    const source = this.bucket(bucket).file(key).createReadStream();
    // Errors arrive on the stream: wait for the answer so a missing object
    // rejects here, and later errors come out in the user's words.
    const output = new PassThrough();
    source.on('error', error => output.destroy(toApiError(error, context)));
    source.pipe(output);
    await Promise.race([
      once(source, 'response'),
      once(output, 'readable'),
      once(output, 'end')
    ]).catch((error: unknown) => {
      throw toApiError(error, context);
    });
    return output;
  }

  async put(
    bucket: string,
    key: string,
    body: Buffer | Readable,
    options: IPutOptions
  ): Promise<IObjectInfo> {
    const context = { ...this.context(bucket), key };
    if (Buffer.isBuffer(body)) {
      checkBucketName(bucket);
      const resource = await uploadWhole(
        this.transport(),
        bucket,
        key,
        body,
        { contentType: options.contentType, md5: options.sourceMd5 },
        context
      );
      return toObjectInfo({ ...resource, name: key });
    }
    const file = this.bucket(bucket).file(key);
    try {
      await pipeline(
        body,
        file.createWriteStream({
          resumable: false,
          contentType: options.contentType
        })
      );
    } catch (error) {
      throw toApiError(error, context);
    }
    // The upload's answer is the new object's resource.
    if (options.skipStat && file.metadata?.size !== undefined) {
      return toObjectInfo({ ...file.metadata, name: key });
    }
    return this.stat(bucket, key);
  }

  async writer(
    bucket: string,
    key: string,
    options: IWriterOptions
  ): Promise<IChunkedWriter> {
    const partSize = choosePartSize(
      CAPABILITIES.multipartWrite!,
      options.size,
      options.partSize
    );
    if (options.size === undefined) {
      // Sessions of unknown length (uploads of a stream) stay with the library.
      const stream = this.bucket(bucket)
        .file(key)
        .createWriteStream({
          resumable: true,
          // Each chunk is one PUT of the session: a multiple of 256 KiB.
          chunkSize: partSize,
          contentType: options.contentType,
          metadata: options.contentType
            ? { contentType: options.contentType }
            : undefined
        });
      return new GcsResumableWriter(
        stream,
        partSize,
        { ...this.context(bucket), key },
        () => this.stat(bucket, key)
      );
    }
    checkBucketName(bucket);
    return GcsSessionWriter.start(
      this.transport(),
      bucket,
      key,
      {
        size: options.size,
        partSize,
        contentType: options.contentType,
        sourceMd5: options.sourceMd5
      },
      { ...this.context(bucket), key },
      resource => toObjectInfo({ ...resource, name: key }),
      () => this.stat(bucket, key)
    );
  }

  /** Where ranged reads go: the endpoint and its download path, parsed once. */
  private downloads(): { origin: URL; prefix: string } {
    if (!this.downloadRoot) {
      const origin = new URL(this.transport().apiEndpoint);
      const prefix = `${origin.pathname.replace(/\/+$/, '')}/download/storage/v1/b/`;
      this.downloadRoot = { origin, prefix };
    }
    return this.downloadRoot;
  }

  /** Requests of our own (upload sessions), authenticated by the library's client. */
  private transport(): IGcsTransport {
    this.sessions ??= {
      apiEndpoint: this.storage.apiEndpoint.replace(/\/+$/, ''),
      dispatcher: gcsDispatcher(),
      headers: async () => {
        if (this.remote.anonymous) {
          return {};
        }
        const headers = await this.storage.authClient.getRequestHeaders();
        return Object.fromEntries(new Headers(headers).entries());
      }
    };
    return this.sessions;
  }

  async copy(
    fromBucket: string,
    fromKey: string,
    toBucket: string,
    toKey: string
  ): Promise<IObjectInfo> {
    try {
      // File.copy loops over rewrite tokens until the copy is done.
      await this.bucket(fromBucket)
        .file(fromKey)
        .copy(this.bucket(toBucket).file(toKey));
    } catch (error) {
      throw toApiError(error, { ...this.context(fromBucket), key: fromKey });
    }
    return this.stat(toBucket, toKey);
  }

  async delete(bucket: string, key: string): Promise<void> {
    checkBucketName(bucket);
    await deleteObject(this.transport(), bucket, key, {
      ...this.context(bucket),
      key
    });
  }

  async deleteMany(bucket: string, keys: string[]): Promise<IDeleteResult> {
    const limit = pLimit(DELETE_CONCURRENCY);
    await Promise.all(keys.map(key => limit(() => this.delete(bucket, key))));
    return { deleted: keys.length };
  }
}

/** Chunks a resumable session may hold at once (see GcsResumableWriter.turn). */
const SESSION_CHUNKS = 2;

/**
 * A resumable upload session fed part by part. The session takes its bytes
 * in order, so parts that arrive early wait here until their turn (the
 * caller bounds how many are in flight, hence the memory).
 */
class GcsResumableWriter implements IChunkedWriter {
  private readonly pending = new Map<
    number,
    { data: Buffer; resolve: () => void; reject: (error: unknown) => void }
  >();
  private next = 1;
  private pumping = false;
  private failure: unknown;
  private readonly finished: Promise<void>;
  /** Chunk requests the server answered. */
  private answered = 0;
  private onAnswer?: () => void;

  constructor(
    private readonly stream: Writable,
    readonly partSize: number,
    private readonly context: IErrorContext,
    private readonly stat: () => Promise<IObjectInfo>
  ) {
    this.finished = new Promise((resolve, reject) => {
      stream.once('finish', resolve);
      stream.once('error', error => {
        this.failure = error;
        this.wake();
        reject(error);
      });
    });
    // Observed through complete(); never an unhandled rejection.
    this.finished.catch(() => undefined);
    // One 'response' per chunk request (the library's retries of a chunk
    // emit none until it succeeds).
    stream.on('response', () => {
      this.answered += 1;
      this.wake();
    });
  }

  private wake(): void {
    const wake = this.onAnswer;
    this.onAnswer = undefined;
    wake?.();
  }

  /**
   * The library keeps every chunk it was given until the server has it, and
   * sends chunk n only once chunk n + 1 is there (to know n is not the last):
   * part n + 2 waits for the answer to chunk n, so a session holds at most
   * two parts whatever the caller reads ahead.
   */
  private async turn(): Promise<void> {
    while (
      this.next > this.answered + SESSION_CHUNKS &&
      !this.failure &&
      this.pending.has(this.next)
    ) {
      await new Promise<void>(resolve => {
        this.onAnswer = resolve;
      });
    }
  }

  writePart(partNumber: number, data: Buffer): Promise<void> {
    if (partNumber < this.next || this.pending.has(partNumber)) {
      return Promise.reject(
        new ApiError(
          'invalid_request',
          `Part ${partNumber} was already written.`
        )
      );
    }
    // The library keeps a chunk past the write that took it (see turn), and
    // the caller may reuse its buffer once this settles: keep a copy.
    const copy = Buffer.from(data);
    return new Promise((resolve, reject) => {
      this.pending.set(partNumber, { data: copy, resolve, reject });
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      return;
    }
    this.pumping = true;
    try {
      while (this.pending.has(this.next)) {
        await this.turn();
        const part = this.pending.get(this.next);
        if (!part) {
          break; // aborted meanwhile
        }
        this.pending.delete(this.next);
        this.next += 1;
        try {
          await this.write(part.data);
          part.resolve();
        } catch (error) {
          part.reject(toApiError(error, this.context));
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private async write(data: Buffer): Promise<void> {
    if (this.failure) {
      throw this.failure;
    }
    if (!this.stream.write(data)) {
      await Promise.race([once(this.stream, 'drain'), this.finished]);
    }
  }

  async complete(): Promise<IObjectInfo> {
    if (this.pending.size) {
      await this.abort();
      throw new ApiError(
        'invalid_request',
        `Part ${this.next} was never written; the upload was aborted.`
      );
    }
    this.stream.end();
    try {
      await this.finished;
    } catch (error) {
      throw toApiError(error, this.context);
    }
    return this.stat();
  }

  async abort(): Promise<void> {
    // An unfinished session never becomes an object (and expires in a week).
    this.failure ??= new ApiError('invalid_request', 'The upload was aborted.');
    this.wake();
    for (const part of this.pending.values()) {
      part.reject(this.failure);
    }
    this.pending.clear();
    this.stream.destroy();
  }
}
