// A delete as a job: its plan is the objects to delete (one, or a folder's,
// listed page by page while the pages before are deleted), and its run
// deletes them in batches (S3's DeleteObjects takes 1,000 keys a request),
// so that a Zarr store of a million chunks goes with progress, cancel,
// retry and resume, like a copy. Filters (include/exclude) apply as to a
// copy's source.
//
// Under an admin's rules a folder goes all or nothing: it is listed whole
// and every key checked before the first goes (as deletePrefix does), so
// a folder holding something the user may not delete is refused up front.
import { baseName, type ITransferOptions } from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { checkAllWritable, restrictsWrites } from '../backends/guarded.js';
import type { IBackend, IObjectInfo } from '../backends/types.js';
import {
  allObjects,
  firstPage,
  objectPages,
  readAhead,
  type IObjectPage
} from '../listing/pages.js';
import type { IEndpoint } from '../locations/resolver.js';
import {
  checkSourceFound,
  LIST_PAGE_SIZE,
  pathFilter,
  statOrUndefined,
  type IFileTask,
  type IPlan,
  type IPlanPage
} from './plan.js';

/**
 * How a delete job sends its keys, unless its options say how many
 * requests at once (transfers). Measured against SeaweedFS (bench/deletes.py):
 * 10,000 keys took 3.5-3.9 s in batches of 1,000 four at a time, 2.4-3.0 s
 * in batches of 250 sixteen at a time (s5cmd: 2.5-3.5 s). A store handles a
 * batch's keys one after the other, so more, smaller requests go faster;
 * a store without batches (GCS) gets one key a request from more workers,
 * as rclone's checkers do.
 */
export const DELETE_BATCH = 250;
export const DELETE_WORKERS = 16;
export const SINGLE_DELETE_WORKERS = 32;

/** Keys a request and requests at once for deleting from `backend`. */
export function deletePace(
  backend: IBackend,
  transfers: number | undefined
): { batch: number; workers: number } {
  return backend.capabilities.batchDelete
    ? { batch: DELETE_BATCH, workers: transfers ?? DELETE_WORKERS }
    : { batch: 1, workers: transfers ?? SINGLE_DELETE_WORKERS };
}

/** The objects of a delete: `src` as one object, or the folder it names. */
async function prepareDelete(
  src: IEndpoint,
  options: ITransferOptions
): Promise<IPlan | string> {
  if (!src.bucket || !src.path) {
    throw new ApiError(
      'invalid_request',
      `Refusing to delete ${src.label}: it is ${src.bucket ? 'a whole bucket' : 'not in a bucket'}.`,
      'Give a folder inside the bucket, or an object.'
    );
  }
  if (!src.path.endsWith('/')) {
    const single = await statOrUndefined(src, src.path);
    if (single) {
      const folder = single.key.slice(0, -baseName(single.key).length);
      const files = pathFilter(options)(baseName(single.key))
        ? [task(single, folder)]
        : [];
      checkAllWritable(src.backend, src.bucket, [single.key]);
      return planOf(files, undefined);
    }
  }
  return src.path.endsWith('/') ? src.path : `${src.path}/`;
}

function task(object: IObjectInfo, prefix: string): IFileTask {
  return {
    path: object.key.slice(prefix.length),
    srcKey: object.key,
    dstKey: object.key,
    size: object.size,
    source: object
  };
}

/**
 * The listed objects of a folder that go. Only keys inside the folder: a
 * store (or a proxy in front of it) that lists others is not trusted to
 * say what a delete removes.
 */
function folderTasks(
  objects: IObjectInfo[],
  prefix: string,
  accept: (path: string) => boolean
): IFileTask[] {
  return objects
    .filter(object => object.key.startsWith(prefix))
    .map(object => task(object, prefix))
    .filter(file => accept(file.path));
}

function planOf(files: IFileTask[], srcPrefix: string | undefined): IPlan {
  return {
    op: 'delete',
    files,
    deletes: [],
    skipped: 0,
    totals: {
      files: files.length,
      bytes: files.reduce((sum, file) => sum + file.size, 0)
    },
    srcPrefix,
    conflicts: []
  };
}

/** The whole plan, listed first: a dry run's, or one under an admin's rules (checked whole). */
export async function planDelete(
  src: IEndpoint,
  options: ITransferOptions,
  signal?: AbortSignal
): Promise<IPlan> {
  const prepared = await prepareDelete(src, options);
  if (typeof prepared !== 'string') {
    return prepared;
  }
  const objects = await allObjects(src, prepared, LIST_PAGE_SIZE, signal);
  if (!objects.length) {
    await checkSourceFound(src, prepared);
  }
  const files = folderTasks(objects, prepared, pathFilter(options));
  checkAllWritable(
    src.backend,
    src.bucket,
    files.map(file => file.srcKey)
  );
  return planOf(files, prepared);
}

/**
 * The plan a delete job starts with: streamed (the first page now, the
 * rest as the folder is listed) unless an admin's rules need it whole.
 */
export async function startDeletePlan(
  src: IEndpoint,
  options: ITransferOptions,
  pageSize = LIST_PAGE_SIZE
): Promise<IPlan> {
  if (restrictsWrites(src.policy)) {
    return planDelete(src, options);
  }
  const prepared = await prepareDelete(src, options);
  if (typeof prepared !== 'string') {
    return prepared;
  }
  const pages = readAhead(objectPages(src, prepared, pageSize));
  const stop = () => pages.return?.().catch(() => undefined);
  const accept = pathFilter(options);
  const tasksOf = (objects: IObjectInfo[]): IFileTask[] =>
    folderTasks(objects, prepared, accept);
  let first: IObjectPage;
  try {
    first = await firstPage(pages);
    if (first.last && !first.objects.length) {
      await checkSourceFound(src, prepared);
    }
  } catch (error) {
    stop();
    throw error;
  }
  // The pages after this one add to the job's totals as they come (queue.ts).
  const plan = planOf(tasksOf(first.objects), prepared);
  if (first.last) {
    return plan;
  }
  plan.more = {
    async next(): Promise<IteratorResult<IPlanPage>> {
      const result = await pages.next();
      if (result.done) {
        return { done: true, value: undefined };
      }
      return {
        done: false,
        value: {
          files: tasksOf(result.value.objects),
          skipped: 0,
          last: result.value.last
        }
      };
    },
    async return(): Promise<IteratorResult<IPlanPage>> {
      stop();
      return { done: true, value: undefined };
    }
  };
  return plan;
}
