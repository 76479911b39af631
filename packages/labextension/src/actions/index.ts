// The object actions of the Buckets panel: a context menu on its rows and the
// same commands in the palette (open, open with, download, download to the
// Jupyter disk as a transfer job, copy URI or snippet, rename, delete,
// properties, a Zarr store's details, a folder's size, code inserted into
// the notebook), and opening objects on double-click or Enter in JupyterLab's
// own editors through the bucket drives.
import { addCommands } from '../commands';
import { actionContext, type IActionsOptions } from './context';
import { deleteSpec } from './delete';
import { downloadSpecs } from './download';
import { openOnActivate } from './listeners';
import { newFolderSpec } from './newFolder';
import { openSpecs } from './open';
import { propertiesSpec } from './properties';
import { renameSpec } from './rename';
import { shareSpecs } from './share';
import { zarrSpecs } from './zarr';
import { ENTRY_ROW } from './targets';

export type { IActionsOptions } from './context';

/**
 * Context menu ranks left free between the groups (open and download, copy
 * and share, edit) for their separators; the clipboard's Copy and Paste
 * join the first group at 4.1 and 4.2.
 */
const SEPARATOR_RANKS = [5, 9];

export function addObjectActions(options: IActionsOptions): void {
  const { app, model, panel, docManager, palette } = options;
  const ctx = actionContext(options);
  addCommands(
    app,
    [
      ...openSpecs(ctx),
      ...downloadSpecs(ctx),
      ...shareSpecs(ctx),
      ...zarrSpecs(ctx),
      renameSpec(ctx),
      deleteSpec(ctx),
      propertiesSpec(ctx),
      newFolderSpec(ctx)
    ],
    palette
  );
  for (const rank of SEPARATOR_RANKS) {
    app.contextMenu.addItem({ type: 'separator', selector: ENTRY_ROW, rank });
  }
  openOnActivate(panel, model, docManager);
}
