// Objects and folders of a bucket as they travel between views (a drag from
// the Buckets panel, its clipboard), and the copy jobs that bring them, or
// Jupyter disk items, into a destination folder.
import type { ITransferRequest } from '@jupyter-buckets/core';

import {
  asFolder,
  copiesIntoItsOwnFolder,
  localLocation,
  remoteLocation
} from './locations';

/** Lumino drag mime of rows dragged out of the Buckets panel. */
export const BUCKET_ENTRIES_MIME = 'application/x-jupyter-buckets-entries';
/** JupyterLab's file browser drags carry the dragged paths under this mime. */
export const CONTENTS_MIME = 'application/x-jupyter-icontents';

export interface IBucketEntries {
  remote: string;
  bucket: string;
  entries: {
    kind: 'object' | 'prefix';
    /** The object's key, or the prefix ending with '/'. */
    key: string;
    name: string;
  }[];
  /**
   * Set when the entries are everything in this folder (a select-all without
   * a filter): its prefix ('' = the bucket root). One job then copies the
   * folder's contents, instead of one job per entry (there may be 100,000,
   * and the later pages may not be loaded yet).
   */
  folder?: string;
}

/** An item of the Jupyter disk (a file browser item). */
export interface IDiskItem {
  /** Relative to the Jupyter root. */
  path: string;
  name: string;
  directory: boolean;
}

/**
 * One job per entry, into `folder` (a location ending with '/'). A folder
 * keeps its name at the destination: rclone copies a folder's contents, so
 * its name goes into the destination path.
 */
export function bucketEntriesRequests(
  data: IBucketEntries,
  folder: string,
  op: 'copy' | 'move' | 'sync' = 'copy'
): ITransferRequest[] {
  if (data.folder !== undefined) {
    // A folder's contents land in the destination as its entries one by
    // one would (objects by name, subfolders by name).
    return [
      {
        op,
        src: remoteLocation(data.remote, data.bucket, data.folder),
        dst: asFolder(folder)
      }
    ];
  }
  return data.entries.map(entry => ({
    op,
    src: remoteLocation(data.remote, data.bucket, entry.key),
    dst:
      entry.kind === 'prefix'
        ? `${asFolder(folder)}${entry.name}/`
        : asFolder(folder)
  }));
}

/**
 * The jobs of a paste into `folder`. Pasted where they were copied from, the
 * entries become renamed copies beside themselves ('name (1).ext',
 * 'sub (1)/'), as a file manager makes, instead of a refusal to copy onto
 * itself: one job per entry then, since one job for a whole folder would
 * make a renamed copy of the folder ('folder (1)/'), not of what is in it.
 */
export function pasteRequests(
  data: IBucketEntries,
  folder: string
): ITransferRequest[] {
  const beside =
    data.folder !== undefined &&
    remoteLocation(data.remote, data.bucket, data.folder) === asFolder(folder);
  const each: IBucketEntries = beside
    ? { remote: data.remote, bucket: data.bucket, entries: data.entries }
    : data;
  return bucketEntriesRequests(each, folder).map(request =>
    copiesIntoItsOwnFolder(request.src, request.dst)
      ? { ...request, options: { onConflict: 'rename' } }
      : request
  );
}

export function diskItemsRequests(
  items: IDiskItem[],
  folder: string,
  op: 'copy' | 'move' = 'copy'
): ITransferRequest[] {
  return items.map(item => ({
    op,
    src: localLocation(item.path, item.directory),
    dst: item.directory ? `${asFolder(folder)}${item.name}/` : asFolder(folder)
  }));
}
