// Zarr stores (a prefix with Zarr metadata: v2 .zgroup/.zarray/.zmetadata,
// v3 zarr.json) shown as one thing, the size of any folder, and how fsspec
// opens a remote: the shapes the sidecar answers with.
import { API_PREFIX } from './api.js';
import { bucketPath } from './objects.js';

export type ZarrVersion = 2 | 3;

/** POST .../zarr-probe: which of these prefixes are Zarr stores. */
export interface IZarrProbeRequest {
  /** Prefixes of one bucket, each ending with '/' (at most MAX_ZARR_PROBE). */
  prefixes: string[];
}

export interface IZarrProbeResult {
  /** The prefixes that are stores, with their format version. */
  stores: Record<string, ZarrVersion>;
}

/** Prefixes probed in one request (a listing page's folders are sent in batches). */
export const MAX_ZARR_PROBE = 200;

/** One group or array of a store, from its metadata only. */
export interface IZarrNode {
  /** Path inside the store ('' for the root). */
  path: string;
  kind: 'group' | 'array';
  shape?: number[];
  /** As written in the metadata ('<f4', 'float32'). */
  dtype?: string;
  chunks?: number[];
  /** Compressor or codecs, in a few words ('blosc', 'zstd'). */
  compressor?: string;
  /** Number of attributes (the names, for a few). */
  attributes?: string[];
}

/** GET .../zarr?prefix=: a store's details, read from its metadata objects only. */
export interface IZarrStore {
  prefix: string;
  version: ZarrVersion;
  /** Whether the metadata is consolidated (v2 .zmetadata, v3 consolidated_metadata). */
  consolidated: boolean;
  /** Root first, then by path. */
  nodes: IZarrNode[];
  /** True when the store has more nodes than were read (MAX_ZARR_NODES). */
  truncated: boolean;
}

export const MAX_ZARR_NODES = 500;

/** Events of GET .../size?prefix= (Server-Sent Events). */
export interface IFolderSize {
  objects: number;
  bytes: number;
  /** False while counting ('progress' events), true on 'end'. */
  complete: boolean;
}

/** GET /remotes/{name}/fsspec: how fsspec (s3fs, gcsfs) opens the remote, without a secret. */
export interface IFsspecOpen {
  /** 's3' or 'gs'. */
  protocol: string;
  /** Keyword arguments of fsspec.filesystem(); never a secret. */
  storage_options: Record<string, unknown>;
  /** Set when the secret lives where fsspec does not look: what to do. */
  missingSecret?: string;
}

export const zarrRoutes = {
  probe: (remote: string, bucket: string) =>
    `${bucketPath(remote, bucket)}/zarr-probe`,
  store: (remote: string, bucket: string, prefix: string) =>
    `${bucketPath(remote, bucket)}/zarr?prefix=${encodeURIComponent(prefix)}`,
  size: (remote: string, bucket: string, prefix: string) =>
    `${bucketPath(remote, bucket)}/size?prefix=${encodeURIComponent(prefix)}`,
  fsspec: (remote: string) =>
    `${API_PREFIX}/remotes/${encodeURIComponent(remote)}/fsspec`
};
