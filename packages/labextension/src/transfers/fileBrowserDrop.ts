// Rows dragged out of the Buckets panel and dropped on JupyterLab's file
// browser become copy jobs into the folder it shows (or the folder row under
// the pointer). The file browser knows nothing of that drag's mime: the
// events are taken in the capture phase, and only when it is ours.
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { PathExt } from '@jupyterlab/coreutils';
import type { Drag } from '@lumino/dragdrop';

import type { ITransfersModel } from '../tokens';
import { startJobs } from './commands';
import { contentsLocation } from './contentsPaths';
import {
  BUCKET_ENTRIES_MIME,
  bucketEntriesRequests,
  type IBucketEntries
} from './entries';

const DROP_TARGET = 'jp-mod-dropTarget';
const FOLDER_ROW = '.jp-DirListing-item[data-isdir="true"]';

export function acceptBucketDrops(
  app: JupyterFrontEnd,
  fileBrowser: IDefaultFileBrowser,
  transfers: ITransfersModel
): void {
  const node = fileBrowser.node;
  let marked: HTMLElement | null = null;
  const mark = (row: HTMLElement | null): void => {
    if (marked !== row) {
      marked?.classList.remove(DROP_TARGET);
      row?.classList.add(DROP_TARGET);
      marked = row;
    }
    node.classList.toggle('jp-Buckets-dropInto', row === null);
  };
  const clear = (): void => {
    marked?.classList.remove(DROP_TARGET);
    marked = null;
    node.classList.remove('jp-Buckets-dropInto');
  };
  const rowAt = (event: Drag.Event): HTMLElement | null =>
    (event.target as HTMLElement | null)?.closest?.<HTMLElement>(FOLDER_ROW) ??
    null;

  const handle = (event: Event): void => {
    const drag = event as Drag.Event;
    if (!drag.mimeData?.hasData(BUCKET_ENTRIES_MIME)) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    switch (event.type) {
      case 'lm-dragenter':
      case 'lm-dragover':
        drag.dropAction = 'copy';
        mark(rowAt(drag));
        break;
      case 'lm-dragleave':
        if (!node.contains(drag.relatedTarget as Node | null)) {
          clear();
        }
        break;
      case 'lm-drop': {
        const row = rowAt(drag);
        clear();
        const name = row?.querySelector('.jp-DirListing-itemText')?.textContent;
        const folder = name
          ? PathExt.join(fileBrowser.model.path, name)
          : fileBrowser.model.path;
        const location = contentsLocation(
          app.serviceManager.contents,
          folder,
          true
        );
        if (!location) {
          drag.dropAction = 'none';
          return;
        }
        drag.dropAction = 'copy';
        const data = drag.mimeData.getData(
          BUCKET_ENTRIES_MIME
        ) as IBucketEntries;
        void startJobs(
          app.commands,
          transfers,
          bucketEntriesRequests(data, location)
        );
        break;
      }
    }
  };
  for (const type of [
    'lm-dragenter',
    'lm-dragover',
    'lm-dragleave',
    'lm-drop'
  ]) {
    node.addEventListener(type, handle, true);
  }
}
