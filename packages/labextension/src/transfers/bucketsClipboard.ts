// Copy and paste in the Buckets panel: Ctrl/Cmd+C keeps the selected objects
// and folders, Ctrl/Cmd+V copies them into the folder shown (another folder,
// bucket or remote, or the same folder: a renamed copy) as transfer jobs.
// Also in the rows' context menu.
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { copyIcon, pasteIcon } from '@jupyterlab/ui-components';

import { ENTRY_ROW, isRow } from '../actions/targets';
import { addCommands } from '../commands';
import {
  CommandIDs,
  type IBucketsEntry,
  type IBucketsModel,
  type ITransfersModel
} from '../tokens';
import { shownFolderRefusal } from '../rules';
import { showActionError } from '../widgets/errors';
import { entriesFor } from './bucketsDrag';
import { startJobs } from './commands';
import { pasteRequests, type IBucketEntries } from './entries';
import { remoteLocation } from './locations';

const LISTING = '.jp-Buckets .jp-Buckets-content';

export interface IBucketsClipboardOptions {
  app: JupyterFrontEnd;
  buckets: IBucketsModel;
  transfers: ITransfersModel;
}

export function addBucketsClipboard(options: IBucketsClipboardOptions): void {
  const { app, buckets, transfers } = options;
  const { commands } = app;
  // In memory only: what was copied in this page, as locations (no secret).
  let copied: IBucketEntries | null = null;

  const hit = (): HTMLElement | null =>
    (app.contextMenuHitTest(isRow) as HTMLElement | undefined) ?? null;
  // For isEnabled: the loaded entries, at once.
  const current = (): IBucketEntries | null => entriesFor(buckets, hit());
  const here = (): string | null => {
    const { remote, bucket, prefix } = buckets.location;
    return remote !== null && bucket !== null
      ? remoteLocation(remote, bucket, prefix)
      : null;
  };

  // Why the admin's rules refuse writing into the folder shown, if they do.
  const refusedHere = (): string | undefined => shownFolderRefusal(buckets);

  const copy = async (): Promise<void> => {
    // Every selected entry, after select-all's remaining pages arrived.
    const row = hit();
    let selected: ReadonlyArray<IBucketsEntry>;
    try {
      selected = await buckets.completeSelection();
    } catch (error) {
      await showActionError('Copy failed', error);
      return;
    }
    const data = entriesFor(buckets, row, selected);
    if (!data) {
      return;
    }
    copied = data;
    const n = data.entries.length;
    Notification.info(
      `${n === 1 ? data.entries[0].name : `${n.toLocaleString('en')} items`} copied: paste with Ctrl+V in a folder of any remote`,
      { autoClose: 3000 }
    );
  };

  addCommands(app, [
    {
      id: CommandIDs.copyEntries,
      label: 'Copy',
      caption:
        'Copy the selected objects and folders, to paste them in another folder, bucket or remote',
      icon: copyIcon,
      isEnabled: () => current() !== null,
      execute: copy,
      // Beside Download to Jupyter, the other copy of the rows.
      contextMenu: { selector: ENTRY_ROW, rank: 4.1 }
    },
    {
      id: CommandIDs.pasteEntries,
      label: () =>
        copied && copied.entries.length > 1
          ? `Paste ${copied.entries.length.toLocaleString('en')} Items`
          : 'Paste',
      caption: () =>
        refusedHere() ??
        'Copy what was copied into the folder shown, as transfer jobs',
      icon: pasteIcon,
      isEnabled: () => copied !== null && here() !== null && !refusedHere(),
      execute: async () => {
        const folder = here();
        if (!copied || !folder) {
          return;
        }
        await startJobs(commands, transfers, pasteRequests(copied, folder));
      },
      contextMenu: { selector: LISTING, rank: 4.2 }
    }
  ]);
}
