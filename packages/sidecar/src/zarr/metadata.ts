// A Zarr store's groups and arrays, read from its metadata objects only
// (never a chunk): v2 .zmetadata (consolidated) or .zgroup/.zarray/.zattrs
// per node, v3 zarr.json (with consolidated_metadata when present).
//
// The metadata is written by whoever can write to the bucket: it is parsed
// with a size limit, and only numbers and short strings are kept from it.
import pLimit from 'p-limit';
import {
  MAX_ZARR_NODES,
  type IZarrNode,
  type IZarrStore,
  type ZarrVersion
} from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { unlessNotFound } from '../backends/operations.js';
import type { IBackend } from '../backends/types.js';
import { V3_ROOT, zarrVersion } from './detect.js';

/** A consolidated .zmetadata of a big store is a few MiB; more is not metadata. */
const MAX_METADATA_BYTES = 16 * 1024 * 1024;
const MAX_TEXT = 200;
const MAX_ATTRIBUTE_NAMES = 20;
/** Metadata objects read at once while walking a store that is not consolidated. */
const READS_IN_FLIGHT = 8;

type Json = Record<string, unknown>;

/** An object's JSON, or undefined when there is no such object. */
async function readJson(
  backend: IBackend,
  bucket: string,
  key: string
): Promise<Json | undefined> {
  const stream = await unlessNotFound(() => backend.read(bucket, key));
  if (!stream) {
    return undefined;
  }
  const pieces: Buffer[] = [];
  let size = 0;
  for await (const piece of stream) {
    size += (piece as Buffer).length;
    if (size > MAX_METADATA_BYTES) {
      stream.destroy();
      throw invalid(key, `larger than ${MAX_METADATA_BYTES / 1024 / 1024} MiB`);
    }
    pieces.push(piece as Buffer);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(pieces).toString('utf8'));
  } catch {
    throw invalid(key, 'not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(key, 'not a JSON object');
  }
  return value as Json;
}

function invalid(key: string, why: string): ApiError {
  return new ApiError(
    'invalid_metadata',
    `${key} is not valid Zarr metadata: ${why}.`,
    'The store may be incomplete or written by another tool; its files can still be browsed.'
  );
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value.slice(0, MAX_TEXT);
  }
  if (value !== undefined && value !== null) {
    return JSON.stringify(value).slice(0, MAX_TEXT);
  }
  return undefined;
}

function numbers(value: unknown): number[] | undefined {
  return Array.isArray(value) &&
    value.length <= 64 &&
    value.every(n => Number.isSafeInteger(n) && (n as number) >= 0)
    ? (value as number[])
    : undefined;
}

function attributeNames(attributes: unknown): string[] | undefined {
  if (typeof attributes !== 'object' || attributes === null) {
    return undefined;
  }
  const names = Object.keys(attributes);
  return names.length
    ? names.slice(0, MAX_ATTRIBUTE_NAMES).map(n => n.slice(0, MAX_TEXT))
    : undefined;
}

function clean(node: IZarrNode): IZarrNode {
  return Object.fromEntries(
    Object.entries(node).filter(([, v]) => v !== undefined)
  ) as unknown as IZarrNode;
}

/** One v2 node from its .zarray or .zgroup (and .zattrs). */
function v2Node(path: string, meta: Json, attributes?: unknown): IZarrNode {
  if ('shape' in meta) {
    const compressor = meta.compressor as Json | null | undefined;
    return clean({
      path,
      kind: 'array',
      shape: numbers(meta.shape),
      dtype: text(meta.dtype),
      chunks: numbers(meta.chunks),
      compressor: compressor ? text(compressor.id) : 'none',
      attributes: attributeNames(attributes)
    });
  }
  return clean({ path, kind: 'group', attributes: attributeNames(attributes) });
}

/** One v3 node from its zarr.json. */
function v3Node(path: string, meta: Json): IZarrNode {
  if (meta.node_type === 'array') {
    const grid = meta.chunk_grid as Json | undefined;
    const configuration = grid?.configuration as Json | undefined;
    const codecs = Array.isArray(meta.codecs) ? (meta.codecs as Json[]) : [];
    const names = codecs
      .map(c => text(c?.name))
      .filter((n): n is string => Boolean(n) && n !== 'bytes');
    return clean({
      path,
      kind: 'array',
      shape: numbers(meta.shape),
      dtype: text(meta.data_type),
      chunks: numbers(configuration?.chunk_shape),
      compressor: names.length ? names.join(', ') : 'none',
      attributes: attributeNames(meta.attributes)
    });
  }
  return clean({
    path,
    kind: 'group',
    attributes: attributeNames(meta.attributes)
  });
}

function byPath(a: IZarrNode, b: IZarrNode): number {
  return a.path === b.path ? 0 : a.path < b.path ? -1 : 1;
}

/** The store at `prefix` (ends with '/'): its format, groups and arrays. */
export async function readStore(
  backend: IBackend,
  bucket: string,
  prefix: string
): Promise<IZarrStore> {
  const version = await zarrVersion(backend, bucket, prefix);
  if (!version) {
    throw new ApiError(
      'not_found',
      `${prefix} is not a Zarr store: it has no zarr.json, .zgroup, .zarray or .zmetadata.`,
      'Open it as a folder instead.'
    );
  }
  const store =
    version === 3
      ? await readV3(backend, bucket, prefix)
      : await readV2(backend, bucket, prefix);
  const truncated = store.nodes.length > MAX_ZARR_NODES;
  return {
    prefix,
    version,
    consolidated: store.consolidated,
    nodes: store.nodes.sort(byPath).slice(0, MAX_ZARR_NODES),
    truncated
  };
}

interface INodes {
  consolidated: boolean;
  nodes: IZarrNode[];
}

async function readV3(
  backend: IBackend,
  bucket: string,
  prefix: string
): Promise<INodes> {
  const root = await readJson(backend, bucket, prefix + V3_ROOT);
  if (!root || root.zarr_format !== 3) {
    throw invalid(prefix + V3_ROOT, 'zarr_format is not 3');
  }
  const nodes = [v3Node('', root)];
  const consolidated = root.consolidated_metadata as Json | null | undefined;
  const inline = consolidated?.metadata as Json | undefined;
  if (inline && typeof inline === 'object') {
    for (const [path, meta] of Object.entries(inline).slice(
      0,
      MAX_ZARR_NODES + 1
    )) {
      if (typeof meta === 'object' && meta !== null) {
        nodes.push(v3Node(path, meta as Json));
      }
    }
    return { consolidated: true, nodes };
  }
  if (root.node_type === 'group') {
    await walk(backend, bucket, prefix, '', nodes, async path => {
      const meta = await readJson(
        backend,
        bucket,
        `${prefix}${path}/zarr.json`
      );
      return meta ? v3Node(path, meta) : undefined;
    });
  }
  return { consolidated: false, nodes };
}

async function readV2(
  backend: IBackend,
  bucket: string,
  prefix: string
): Promise<INodes> {
  const consolidated = await readJson(backend, bucket, `${prefix}.zmetadata`);
  const entries = consolidated?.metadata as Json | undefined;
  if (entries && typeof entries === 'object') {
    const nodes: IZarrNode[] = [];
    for (const [key, meta] of Object.entries(entries)) {
      const match = /^(?:(.*)\/)?\.(zarray|zgroup)$/.exec(key);
      if (!match || typeof meta !== 'object' || meta === null) {
        continue;
      }
      const path = match[1] ?? '';
      const attributes = entries[path ? `${path}/.zattrs` : '.zattrs'];
      nodes.push(v2Node(path, meta as Json, attributes));
      if (nodes.length > MAX_ZARR_NODES) {
        break;
      }
    }
    return { consolidated: true, nodes };
  }
  const node = async (path: string): Promise<IZarrNode | undefined> => {
    const base = path ? `${prefix}${path}/` : prefix;
    const meta =
      (await readJson(backend, bucket, `${base}.zarray`)) ??
      (await readJson(backend, bucket, `${base}.zgroup`));
    return meta
      ? v2Node(path, meta, await readJson(backend, bucket, `${base}.zattrs`))
      : undefined;
  };
  const root = await node('');
  if (!root) {
    throw invalid(
      `${prefix}.zgroup`,
      'neither .zarray nor .zgroup can be read'
    );
  }
  const nodes = [root];
  if (root.kind === 'group') {
    await walk(backend, bucket, prefix, '', nodes, node);
  }
  return { consolidated: false, nodes };
}

/**
 * Breadth-first through the folders of a group whose metadata is not
 * consolidated: each child folder is read as a node; groups are descended,
 * arrays (whose folders hold chunks) are not.
 */
async function walk(
  backend: IBackend,
  bucket: string,
  prefix: string,
  start: string,
  nodes: IZarrNode[],
  read: (path: string) => Promise<IZarrNode | undefined>
): Promise<void> {
  const limit = pLimit(READS_IN_FLIGHT);
  const groups = [start];
  while (groups.length && nodes.length <= MAX_ZARR_NODES) {
    const group = groups.shift() as string;
    const base = group ? `${prefix}${group}/` : prefix;
    let token: string | undefined;
    do {
      const page = await backend.list(bucket, {
        prefix: base,
        token,
        limit: 1000
      });
      const children = await Promise.all(
        page.prefixes.map(p => limit(() => read(p.slice(prefix.length, -1))))
      );
      for (const child of children) {
        if (child && nodes.length <= MAX_ZARR_NODES) {
          nodes.push(child);
          if (child.kind === 'group') {
            groups.push(child.path);
          }
        }
      }
      token = page.nextToken ?? undefined;
    } while (token && nodes.length <= MAX_ZARR_NODES);
  }
}

export type { ZarrVersion };
