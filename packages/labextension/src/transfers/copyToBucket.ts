// "Copy to bucket…" and "Move to bucket…" on files and folders of
// JupyterLab's own file browser: notebook outputs to persistent storage in
// one step. A dialog picks the destination; each item becomes a job.
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';

import { addCommands } from '../commands';
import { bucketIcon } from '../icons';
import {
  CommandIDs,
  type IBucketsModel,
  type ITransfersModel
} from '../tokens';
import { startJobs } from './commands';
import { diskItemsRequests, type IDiskItem } from './entries';
import { localLocation } from './locations';
import { askDestination } from './TransferDialog';

export interface ICopyToBucketOptions {
  app: JupyterFrontEnd;
  transfers: ITransfersModel;
  buckets: IBucketsModel;
  fileBrowser: IDefaultFileBrowser;
}

export function addCopyToBucket(options: ICopyToBucketOptions): void {
  const { app, transfers, buckets, fileBrowser } = options;
  /** Selected items on the Jupyter disk (the default drive). */
  const selected = (): IDiskItem[] =>
    Array.from(fileBrowser.selectedItems())
      .filter(item => app.serviceManager.contents.driveName(item.path) === '')
      .map(item => ({
        path: item.path,
        name: item.name,
        directory: item.type === 'directory'
      }));

  const run = async (op: 'copy' | 'move'): Promise<void> => {
    const items = selected();
    if (!items.length) {
      return;
    }
    if (!buckets.started) {
      await buckets.start();
    }
    if (!buckets.remotes.length) {
      if (buckets.error && buckets.error.code !== 'no_remotes') {
        await showErrorMessage('No remote to copy to', buckets.error.message);
        return;
      }
      // A first run: the same way in as the Buckets panel's welcome.
      const answer = await showDialog({
        title: 'No remote to copy to yet',
        body: 'Add a remote (Amazon S3, an Open Storage Network pod, Google Cloud Storage, any S3-compatible store) and copy to it. It is saved where the AWS CLI, rclone and fsspec look too.',
        buttons: [
          Dialog.cancelButton(),
          Dialog.okButton({ label: 'Add a remote' })
        ]
      });
      if (answer.button.accept) {
        await app.commands.execute(CommandIDs.manageRemotes, { add: true });
      }
      return;
    }
    const what = items.length === 1 ? items[0].name : `${items.length} items`;
    // From the Jupyter disk: no Dask cluster is offered (its workers do not see this disk).
    const choice = await askDestination({
      op,
      title: `${op === 'copy' ? 'Copy' : 'Move'} ${what} to a bucket`,
      sources: items.map(item => localLocation(item.path, item.directory)),
      buckets
    });
    if (!choice) {
      return;
    }
    await startJobs(
      app.commands,
      transfers,
      diskItemsRequests(items, choice.location, op)
    );
  };

  const label = (op: 'copy' | 'move') =>
    `${op === 'copy' ? 'Copy' : 'Move'} to Bucket…`;
  // Items of the default file browser only: it shows the Jupyter disk.
  const selector = `#${CSS.escape(fileBrowser.id)} .jp-DirListing-item[data-isdir]`;
  addCommands(app, [
    {
      id: CommandIDs.copyToBucket,
      label: label('copy'),
      caption:
        'Copy the selected files and folders to a bucket (S3, OSN, GCS) as a transfer job',
      icon: bucketIcon,
      isEnabled: () => selected().length > 0,
      execute: () => run('copy'),
      contextMenu: { selector, rank: 10.5 }
    },
    {
      id: CommandIDs.moveToBucket,
      label: label('move'),
      caption:
        'Move the selected files and folders to a bucket: each file is deleted here once its copy is verified',
      isEnabled: () => selected().length > 0,
      execute: () => run('move'),
      contextMenu: { selector, rank: 10.6 }
    }
  ]);
}
