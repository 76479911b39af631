// Drops on the Buckets panel: files and folders dragged from JupyterLab's
// file browser, or rows of the panel itself, become copy jobs into the
// folder shown, or into the folder or bucket row under the pointer.
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { PathExt } from '@jupyterlab/coreutils';
import type { Drag } from '@lumino/dragdrop';

import type { IBucketsModel, ITransfersModel } from '../tokens';
import { folderRefusal } from '../rules';
import { showActionError } from '../widgets/errors';
import { startJobs } from './commands';
import { contentsLocation } from './contentsPaths';
import {
  BUCKET_ENTRIES_MIME,
  bucketEntriesRequests,
  CONTENTS_MIME,
  type IBucketEntries
} from './entries';
import { asFolder, remoteLocation } from './locations';

const ROW = '.jp-Buckets-item';
const DROP_TARGET = 'jp-mod-dropTarget';

export interface IBucketsDropOptions {
  app: JupyterFrontEnd;
  buckets: IBucketsModel;
  transfers: ITransfersModel;
  /** The Buckets panel's node. */
  panel: HTMLElement;
}

/**
 * The folder a drop at `target` goes into, as 'remote:bucket/prefix/', with
 * the row to mark (null: the folder shown); null where nothing may be
 * dropped. `data`: rows of the panel itself being dragged (they cannot go
 * into themselves, nor where they are).
 */
export function dropDestination(
  buckets: IBucketsModel,
  target: EventTarget | null,
  data: IBucketEntries | null
): { row: HTMLElement | null; folder: string } | null {
  const { remote, bucket, prefix } = buckets.location;
  if (remote === null) {
    return null;
  }
  const row = (target as HTMLElement | null)?.closest?.<HTMLElement>(ROW);
  // A folder the hub admin's rules close to writes takes no drop.
  const into = (
    at: HTMLElement | null,
    toBucket: string,
    toPrefix: string
  ): { row: HTMLElement | null; folder: string } | null =>
    folderRefusal(
      buckets.remotes.find(r => r.name === remote),
      toBucket,
      toPrefix
    )
      ? null
      : { row: at, folder: remoteLocation(remote, toBucket, toPrefix) };
  const kind = row?.dataset.kind;
  const path = row?.dataset.path ?? '';
  if (row && kind === 'bucket') {
    return into(row, path, '');
  }
  if (row && kind === 'bookmark') {
    const slash = path.indexOf('/');
    return slash < 0
      ? into(row, path, '')
      : into(row, path.slice(0, slash), asFolder(path.slice(slash + 1)));
  }
  const dragged = new Set(data?.entries.map(entry => entry.key));
  if (row && kind === 'prefix' && bucket !== null && !dragged.has(path)) {
    return into(row, bucket, path);
  }
  if (bucket === null || data) {
    // Rows dropped where they are would be copied onto themselves.
    return null;
  }
  return into(null, bucket, prefix);
}

/**
 * Marks where a drag would drop on the panel: the row under the pointer, or
 * the whole panel (the folder shown) when `into` and no row.
 */
export function dropMarker(
  panel: HTMLElement
): (row: HTMLElement | null, into: boolean) => void {
  let marked: HTMLElement | null = null;
  return (row, into) => {
    if (marked !== row) {
      marked?.classList.remove(DROP_TARGET);
      row?.classList.add(DROP_TARGET);
      marked = row;
    }
    panel.classList.toggle('jp-Buckets-dropInto', into && row === null);
  };
}

export function addBucketsDrop(options: IBucketsDropOptions): void {
  const { app, buckets, transfers, panel } = options;
  const contents = app.serviceManager.contents;
  const mark = dropMarker(panel);

  const handle = (event: Event): void => {
    const drag = event as Drag.Event;
    const ours = drag.mimeData?.hasData(BUCKET_ENTRIES_MIME);
    if (!ours && !drag.mimeData?.hasData(CONTENTS_MIME)) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    const data = ours
      ? (drag.mimeData.getData(BUCKET_ENTRIES_MIME) as IBucketEntries)
      : null;
    const target = dropDestination(buckets, drag.target, data);
    switch (event.type) {
      case 'lm-dragenter':
      case 'lm-dragover':
        // The file browser offers 'move' only; a copy is what happens.
        drag.dropAction = target ? drag.proposedAction : 'none';
        mark(target?.row ?? null, target !== null);
        break;
      case 'lm-dragleave':
        if (!panel.contains(drag.relatedTarget as Node | null)) {
          mark(null, false);
        }
        break;
      case 'lm-drop':
        mark(null, false);
        if (!target) {
          drag.dropAction = 'none';
          return;
        }
        // 'copy' tells the file browser nothing moved: it keeps its files.
        drag.dropAction = ours ? 'copy' : 'none';
        if (data) {
          void startJobs(
            app.commands,
            transfers,
            bucketEntriesRequests(data, target.folder)
          );
        } else {
          const paths = drag.mimeData.getData(CONTENTS_MIME) as string[];
          copyContents(paths, target.folder).catch(error =>
            showActionError('The transfer could not start', error)
          );
        }
        break;
    }
  };

  /** File browser paths into `folder`: one job each, folders keep their names. */
  const copyContents = async (
    paths: string[],
    folder: string
  ): Promise<void> => {
    const requests = [];
    for (const path of paths) {
      const model = await contents.get(path, { content: false });
      const directory = model.type === 'directory';
      const src = contentsLocation(contents, path, directory);
      if (!src) {
        continue;
      }
      const name = PathExt.basename(contents.localPath(path));
      requests.push({
        op: 'copy' as const,
        src,
        dst: directory ? `${asFolder(folder)}${name}/` : asFolder(folder)
      });
    }
    await startJobs(app.commands, transfers, requests);
  };

  for (const type of [
    'lm-dragenter',
    'lm-dragover',
    'lm-dragleave',
    'lm-drop'
  ]) {
    panel.addEventListener(type, handle);
  }
}
