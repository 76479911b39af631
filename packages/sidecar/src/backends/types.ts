// The ONE backend interface (rclone's idea): each provider implements it once,
// and listing, copy, move and sync are written once above it.
import type { Readable } from 'node:stream';
import type { IBucket } from '@jupyter-buckets/core';

export type HashKind = 'md5' | 'crc32c' | 'etag';

export interface ICapabilities {
  /** Copy within the same endpoint and credentials without streaming through us. */
  serverSideCopy: boolean;
  /** Read a byte range of an object. */
  rangedReads: boolean;
  /** Chunked writes (parts written in parallel), with the provider's limits. */
  multipartWrite: {
    minPartSize: number;
    maxPartSize: number;
    maxParts: number;
  } | null;
  /** Hashes the provider gives cheaply in listings or stat. */
  hashes: HashKind[];
  /** Folders exist as things of their own (not just key prefixes). */
  realDirectories: boolean;
}

export interface IObjectInfo {
  key: string;
  size: number;
  modified?: Date;
  /** Without quotes. */
  etag?: string;
}

export interface IListOptions {
  /** '' for the bucket root, else ends with '/'. */
  prefix: string;
  /** The provider's own continuation token, from a previous page. */
  token?: string;
  /** 1..1000. */
  limit: number;
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

/** A chunked upload: parts may be written in parallel, then completed or aborted. */
export interface IChunkedWriter {
  writePart(partNumber: number, data: Buffer): Promise<void>;
  complete(): Promise<IObjectInfo>;
  abort(): Promise<void>;
}

export interface IWriterOptions {
  size?: number;
  contentType?: string;
}

export interface IBackend {
  readonly capabilities: ICapabilities;
  listBuckets(): Promise<IBucket[]>;
  list(bucket: string, options: IListOptions): Promise<IListPage>;
  stat(bucket: string, key: string): Promise<IObjectInfo>;
  // The next issues implement these; callers test for them (or the capability)
  // so adding them changes no caller.
  read?(bucket: string, key: string, range?: IByteRange): Promise<Readable>;
  writer?(
    bucket: string,
    key: string,
    options: IWriterOptions
  ): Promise<IChunkedWriter>;
  copy?(
    fromBucket: string,
    fromKey: string,
    toBucket: string,
    toKey: string
  ): Promise<IObjectInfo>;
  delete?(bucket: string, key: string): Promise<void>;
}
