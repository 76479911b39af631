// A copy's plan split into shards that any worker can run, retry and verify
// on its own: whole files grouped by size, and big files cut into byte
// ranges of one multipart upload (its parts, sent by several workers at
// once, completed here when every range is in). What a shard carries is
// plain JSON: it crosses to Python and to another machine.
import { choosePartSize } from '../backends/parts.js';
import type { ICapabilities, IObjectInfo } from '../backends/types.js';
import type { IFileTask } from '../transfers/plan.js';

const MiB = 1024 * 1024;

/** Files above this go in ranges, where the destination takes parts in any order. */
export const SPLIT_ABOVE = 256 * MiB;
/** Bytes of one range shard: a few parts, minutes of one worker's work at worst. */
export const RANGE_BYTES = 256 * MiB;
/** Part size of a split file (the worker holds a few in memory). */
export const SPLIT_PART_SIZE = 16 * MiB;
/** Whole-file shards: enough of them to keep every worker busy to the end. */
const FILE_SHARD_MIN = 32 * MiB;
const FILE_SHARD_MAX = 256 * MiB;
const FILE_SHARD_FILES = 1000;
const SHARDS_WANTED = 16;

/** A source object as JSON carries it (its date as text). */
export type ObjectJson = Omit<IObjectInfo, 'modified'> & { modified?: string };

/** One file of a whole-file shard. */
export interface IShardFile {
  path: string;
  srcKey: string;
  dstKey: string;
  size: number;
  source: ObjectJson;
  /**
   * What the destination held when the job was planned (none: nothing).
   * A worker finding something else there of the right size knows an
   * earlier attempt of its shard stored it (copies are never partial).
   */
  before?: { size: number; etag?: string; modified?: string };
}

/** Parts first..last (1-based) of one file's multipart upload. */
export interface IShardRange {
  path: string;
  srcKey: string;
  dstKey: string;
  size: number;
  source: ObjectJson;
  /** The upload (an S3 upload id), begun by the coordinator. */
  token: string;
  partSize: number;
  first: number;
  last: number;
}

/** What a worker needs, besides its remotes. */
export interface IShardWork {
  /** 'remote:bucket' of each side. */
  src: string;
  dst: string;
  files?: IShardFile[];
  range?: IShardRange;
  options: { transfers?: number };
}

export interface IShard {
  id: number;
  bytes: number;
  work: IShardWork;
}

/** A file split in ranges: its upload, and the shards that carry it. */
export interface ISplitFile {
  task: IFileTask;
  partSize: number;
  parts: number;
  shards: number[];
}

export function objectJson(info: IObjectInfo): ObjectJson {
  return { ...info, modified: info.modified?.toISOString() };
}

export function objectFromJson(json: ObjectJson): IObjectInfo {
  return {
    ...json,
    modified: json.modified ? new Date(json.modified) : undefined
  };
}

/** Whether a file goes in ranges to this destination. */
export function splits(
  task: IFileTask,
  dst: ICapabilities,
  serverSide: boolean
): boolean {
  return (
    !serverSide &&
    task.size > SPLIT_ABOVE &&
    Boolean(dst.multipartWrite?.parallelParts)
  );
}

/** The part size and count of a split file. */
export function partsOf(
  task: IFileTask,
  dst: ICapabilities
): { partSize: number; parts: number } {
  const partSize = choosePartSize(
    dst.multipartWrite!,
    task.size,
    SPLIT_PART_SIZE
  );
  return { partSize, parts: Math.ceil(task.size / partSize) };
}

export interface IShardingInput {
  tasks: IFileTask[];
  src: string;
  dst: string;
  /** Files split in ranges, with their uploads begun (token). */
  split: Map<string, { token: string; partSize: number; parts: number }>;
  /** What the destination held at planning, by destination key. */
  before: Map<string, IObjectInfo>;
  options: IShardWork['options'];
}

/** The shards of a plan: ranges of the split files, then whole files in groups. */
export function makeShards(input: IShardingInput): {
  shards: IShard[];
  splitFiles: ISplitFile[];
} {
  const shards: IShard[] = [];
  const splitFiles: ISplitFile[] = [];
  const whole: IFileTask[] = [];
  const base = { src: input.src, dst: input.dst, options: input.options };
  for (const task of input.tasks) {
    const upload = input.split.get(task.path);
    if (!upload) {
      whole.push(task);
      continue;
    }
    const perShard = Math.max(1, Math.floor(RANGE_BYTES / upload.partSize));
    const split: ISplitFile = { task, ...upload, shards: [] };
    for (let first = 1; first <= upload.parts; first += perShard) {
      const last = Math.min(upload.parts, first + perShard - 1);
      const start = (first - 1) * upload.partSize;
      const end = Math.min(task.size, last * upload.partSize);
      split.shards.push(shards.length);
      shards.push({
        id: shards.length,
        bytes: end - start,
        work: {
          ...base,
          range: {
            path: task.path,
            srcKey: task.srcKey,
            dstKey: task.dstKey,
            size: task.size,
            source: objectJson(task.source),
            token: upload.token,
            partSize: upload.partSize,
            first,
            last
          }
        }
      });
    }
    splitFiles.push(split);
  }
  const total = whole.reduce((sum, task) => sum + task.size, 0);
  const target = Math.min(
    FILE_SHARD_MAX,
    Math.max(FILE_SHARD_MIN, Math.ceil(total / SHARDS_WANTED))
  );
  let files: IShardFile[] = [];
  let bytes = 0;
  const flush = (): void => {
    if (files.length) {
      shards.push({ id: shards.length, bytes, work: { ...base, files } });
    }
    files = [];
    bytes = 0;
  };
  for (const task of whole) {
    const before = input.before.get(task.dstKey);
    files.push({
      path: task.path,
      srcKey: task.srcKey,
      dstKey: task.dstKey,
      size: task.size,
      source: objectJson(task.source),
      ...(before
        ? {
            before: {
              size: before.size,
              etag: before.etag,
              modified: before.modified?.toISOString()
            }
          }
        : {})
    });
    bytes += task.size;
    if (bytes >= target || files.length >= FILE_SHARD_FILES) {
      flush();
    }
  }
  flush();
  return { shards, splitFiles };
}
