// The ONE backend interface (rclone's idea): each provider implements it once,
// and listing, copy, move and sync are written once above it.
import type { Readable } from 'node:stream';
import type { IBucket } from '@jupyter-buckets/core';

export type HashKind = 'md5' | 'crc32c' | 'etag';

export interface ICapabilities {
  /** Read a byte range of an object. */
  rangedReads: boolean;
  /** Chunked writes (parts written in parallel), with the provider's limits. */
  multipartWrite: {
    minPartSize: number;
    maxPartSize: number;
    maxParts: number;
    /** Every part but the last must be a multiple of this (GCS: 256 KiB). */
    partSizeMultiple: number;
    /** Whether parts may be sent in parallel (the writer orders them otherwise). */
    parallelParts: boolean;
    /**
     * A write in parts ends with the whole object's MD5 (a GCS session, not
     * an S3 multipart upload): the source's MD5, when known, verifies it.
     */
    wholeMd5?: boolean;
  } | null;
  /**
   * put() takes a stream of known size with the source's MD5 (sourceMd5)
   * and the store checks the bytes against it: a whole file goes in one
   * request with no buffer and no hashing on our side, and a failure stores
   * nothing (rclone's single-part upload below its cutoff).
   */
  checkedStreamPut?: boolean;
  /** Hashes the provider gives cheaply in listings or stat. */
  hashes: HashKind[];
  /** Folders exist as things of their own (not just key prefixes). */
  realDirectories: boolean;
  /**
   * deleteMany() sends many keys in one request (S3's DeleteObjects, or a
   * disk's unlinks, which cost no round trip). Without it, every key is a
   * request of its own (GCS), and a delete job sends them one by one from
   * more workers.
   */
  batchDelete?: boolean;
  /**
   * A user's browser may send an upload's parts to the store itself (see
   * IDirectParts): each to its own URL ('parts') or in order to one session
   * ('session'). Its writer says for sure (an anonymous remote signs nothing).
   */
  directUploads?: 'parts' | 'session';
  /** Longest key in UTF-8 bytes. */
  maxKeyBytes: number;
}

export interface IObjectInfo {
  key: string;
  size: number;
  modified?: Date;
  /** Without quotes. */
  etag?: string;
  contentType?: string;
  storageClass?: string;
  /** User metadata (x-amz-meta-*, GCS custom metadata). */
  metadata?: Record<string, string>;
  /** Hex; only when the provider states it (GCS md5Hash, an S3 ETag of a single-part upload). */
  md5?: string;
  /** Hex (big-endian), as rclone prints it; GCS only. */
  crc32c?: string;
}

/** What a store's answer to a read stated about the object it sent. */
export interface IStatedHashes {
  /** Hex. */
  md5?: string;
}

export interface IListOptions {
  /** '' for the bucket root, else ends with '/' (any text when recursive). */
  prefix: string;
  /** The provider's own continuation token, from a previous page. */
  token?: string;
  /** 1..1000. */
  limit: number;
  /** Every key under the prefix, no delimiter (prefixes stays empty). */
  recursive?: boolean;
}

/** One page of one level (delimiter '/'), in the provider's order. */
export interface IListPage {
  /** Full common prefixes, each ending with '/'. */
  prefixes: string[];
  objects: IObjectInfo[];
  /** The provider's token for the next page; null on the last one. */
  nextToken: string | null;
}

export interface IByteRange {
  start: number;
  /** Inclusive; absent = to the end. */
  end?: number;
}

/**
 * A chunked upload: parts are numbered from 1, every part but the last is
 * exactly `partSize` bytes; they may be written in parallel (a backend that
 * needs them in order queues them), then completed or aborted. Nothing is
 * visible at the key before complete(); abort() leaves nothing behind.
 */
export interface IChunkedWriter {
  readonly partSize: number;
  /**
   * Names this upload so that another process can continue it after a
   * restart (an S3 multipart upload id); absent when the backend cannot.
   */
  readonly resumeToken?: string;
  /** Parts already stored by an earlier run (when continued from a token). */
  readonly storedParts?: ReadonlySet<number>;
  /** The caller reuses `data` once this settles: nothing may keep it longer. */
  writePart(partNumber: number, data: Buffer): Promise<void>;
  /** Present when a browser may send the parts to the store itself. */
  readonly direct?: IDirectParts;
  /**
   * Write a part straight from a stream of exactly `length` bytes, without a
   * part-sized buffer (writers that can: the local disk). Writing the same
   * part again overwrites it. Errors of the stream come out as they are.
   */
  writePartFrom?(
    partNumber: number,
    body: Readable,
    length: number
  ): Promise<void>;
  /**
   * A sink for part `partNumber` of `length` bytes, written as its bytes
   * arrive from a source that can fill one (IBackend.readTo): no part-sized
   * buffer, and each piece written while it is still in the CPU's caches.
   * Writing the same part again overwrites it.
   */
  partSink?(partNumber: number, length: number): IPartSink;
  /**
   * The engine calls it again when it failed with a transient error: it
   * then finishes what is left (an S3 upload whose completion answer was
   * lost is found complete) or fails for good.
   */
  complete(): Promise<IObjectInfo>;
  abort(): Promise<void>;
}

/**
 * Parts of a chunked write sent by the user's browser straight to the store
 * (an upload from the computer that does not pass through the sidecar).
 */
export interface IDirectParts {
  /**
   * 'parts': each part PUT to a URL of its own, in any order (S3's
   * presigned UploadPart); 'session': every part PUT to one URL, in order,
   * with its Content-Range (a GCS resumable session).
   */
  readonly kind: 'parts' | 'session';
  /** Where part `partNumber` goes, valid for `seconds`; no credential in it beyond this part's (or this session's) right. */
  url(partNumber: number, seconds: number): Promise<string>;
  /**
   * The parts the store holds now, asked of the store (the browser's word
   * is not taken); complete() then uses them.
   */
  stored(): Promise<ReadonlySet<number>>;
  /**
   * The browser says it stored part `partNumber` ('session': in order; the
   * last one with what the store answered, the new object's resource).
   */
  sent?(partNumber: number, answer?: IDirectAnswer): void;
}

/** What a store answered the browser's last part of a session (GCS: the object's resource, in part). */
export interface IDirectAnswer {
  size?: string | number;
  md5Hash?: string;
}

/**
 * Where a body goes piece by piece, as it arrives (a part of a file on
 * disk): it hands out room, the bytes are read into it, and reading pauses
 * while it has none.
 */
export interface IBodySink {
  readonly length: number;
  /**
   * Room for the next bytes, or undefined until the `wake` given to onRoom
   * is called. Throws when the sink failed (the read then fails with it).
   */
  room(): Buffer | undefined;
  /** The first `count` bytes of the last room() hold the body's next bytes. */
  filled(count: number): void;
  /** `wake` is called once, when room() may give room again. */
  onRoom(wake: () => void): void;
}

/** A part of a chunked upload taken as it arrives (see IChunkedWriter.partSink). */
export interface IPartSink extends IBodySink {
  /** Once every byte was given: resolves when all are written. */
  done(): Promise<void>;
  /** Stops; resolves once nothing uses the sink's buffers any more. */
  abort(): Promise<void>;
}

export interface IWriterOptions {
  /** Total size when known (lets a backend send the last part as final at once). */
  size?: number;
  contentType?: string;
  /** Wanted part size; the backend rounds it to its limits (see choosePartSize). */
  partSize?: number;
  /**
   * Continue the upload this token names (its stored parts are kept) when it
   * still exists with the same part size; otherwise a new upload starts.
   */
  resumeToken?: string;
  /**
   * The source's MD5 (hex) when known: the caller compares it with the
   * result's, so a backend may skip its own hashing of the bytes.
   */
  sourceMd5?: string;
}

export interface IPutOptions {
  contentType?: string;
  /** Required for a Readable body on some backends (S3). */
  size?: number;
  /**
   * Return what the write itself answered (size, ETag, hashes) instead of a
   * stat of the new object: one round trip less per file. The transfer
   * engine's check needs no more; dates and storage class may be missing.
   */
  skipStat?: boolean;
  /**
   * The source's MD5 (hex) when known: declared to the store as the body's
   * checksum instead of hashing the body, so the store checks the bytes end
   * to end against the source.
   */
  sourceMd5?: string;
}

export interface IDeleteResult {
  deleted: number;
}

/**
 * What every backend does. The features only some stores have are the
 * optional members below, each with a generic way round it above (as
 * rclone's optional features are): a copy without `copy` streams through
 * us, a disk-only check is skipped without `freeSpace`.
 */
export interface IBackend {
  readonly capabilities: ICapabilities;
  listBuckets(): Promise<IBucket[]>;
  list(bucket: string, options: IListOptions): Promise<IListPage>;
  stat(bucket: string, key: string): Promise<IObjectInfo>;
  read(bucket: string, key: string, range?: IByteRange): Promise<Readable>;
  writer(
    bucket: string,
    key: string,
    options: IWriterOptions
  ): Promise<IChunkedWriter>;
  /** One request; for small objects. */
  put(
    bucket: string,
    key: string,
    body: Buffer | Readable,
    options: IPutOptions
  ): Promise<IObjectInfo>;
  /** Idempotent: deleting a missing key succeeds. On a store with real folders, deletes an empty folder too. */
  delete(bucket: string, key: string): Promise<void>;
  /** Idempotent per key; fails with the first error if any key could not be deleted. */
  deleteMany(bucket: string, keys: string[]): Promise<IDeleteResult>;

  // Optional features.

  /**
   * Server-side copy within this backend's endpoint and credentials: no
   * byte passes through us. Without it, copies stream.
   */
  copy?(
    fromBucket: string,
    fromKey: string,
    toBucket: string,
    toKey: string
  ): Promise<IObjectInfo>;
  /**
   * `length` bytes from `start` straight into a buffer, no stream (the
   * local disk; S3, whose bytes the kernel reads into it): into `into`
   * (exactly `length` bytes) when given, else a new one. Fails if the
   * object's size is no longer `size` (it changed since it was listed).
   * Without it, parts are read as streams. When the whole object is read
   * and `stated` is given, it is filled with the MD5 the store's answer
   * states for those bytes (an S3 ETag that is one, GCS's x-goog-hash).
   */
  readBuffer?(
    bucket: string,
    key: string,
    start: number,
    length: number,
    size: number,
    into?: Buffer,
    signal?: AbortSignal,
    stated?: IStatedHashes
  ): Promise<Buffer>;
  /**
   * Bytes [start, start + sink.length) of an object of `size` bytes into
   * `sink` as they arrive (S3: read by the kernel into the sink's room).
   * Fails if the object's size is no longer `size`.
   */
  readTo?(
    bucket: string,
    key: string,
    start: number,
    size: number,
    sink: IBodySink,
    signal?: AbortSignal
  ): Promise<void>;
  /** A URL that reads the object without credentials for `seconds` (a share link). */
  presign?(bucket: string, key: string, seconds: number): Promise<string>;
  /** Stores with real folders: create one (and its parents). Elsewhere a folder appears when something is written into it. */
  makeDirectory?(bucket: string, prefix: string): Promise<void>;
  /** Stores with real folders: whether this folder exists (empty or not). */
  isFolder?(bucket: string, prefix: string): Promise<boolean>;
  /**
   * Every object under `prefix` (no folder markers), in key order, in pages
   * of up to `pageSize`, for a store where that costs less than list() page
   * by page (the disk: each folder read once). Without it, list() pages.
   */
  walk?(
    bucket: string,
    prefix: string,
    pageSize: number
  ): AsyncIterable<IObjectInfo[]>;
  /** Bytes free where `key` would be written, when the store has a limit worth checking (a disk); undefined when not knowable. */
  freeSpace?(bucket: string, key: string): Promise<number | undefined>;
}

/** The names of IBackend's optional members: the features only some stores have. */
export type OptionalFeature = {
  [K in keyof IBackend]-?: object extends Pick<IBackend, K> ? K : never;
}[keyof IBackend];
