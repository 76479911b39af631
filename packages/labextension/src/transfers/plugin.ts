// The transfers plugins. One owns the jobs (model, Transfers panel, status
// bar, notifications) and depends on nothing of the Buckets panel; the other
// puts transfers in JupyterLab's own file browser ("Copy to bucket…", drops
// from the Buckets panel). The Buckets plugin itself takes the jobs model as
// an optional dependency for its own copy, paste and drags.
import {
  ILabShell,
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { IStatusBar } from '@jupyterlab/statusbar';
import { clearIcon } from '@jupyterlab/ui-components';

import { addCommands } from '../commands';
import { CommandIDs, IBucketsModel, ITransfersModel } from '../tokens';
import { BUCKETS_PANEL_ID } from '../widgets/BucketsPanel';
import { addCopyToBucket } from './copyToBucket';
import { acceptBucketDrops } from './fileBrowserDrop';
import { transfersIcon } from './icons';
import { springLoadSideTabs } from './springTabs';
import { hadJobs, TransfersModel } from './model';
import { notifyJobEnds } from './notify';
import { TransfersStatus } from './StatusItem';
import { TransfersPanel } from './TransfersPanel';

export const transfersPlugin: JupyterFrontEndPlugin<ITransfersModel> = {
  id: '@jupyter-buckets/labextension:transfers',
  description:
    'Transfer jobs between the Jupyter disk, S3 and GCS: the Transfers panel, a status-bar item and notifications.',
  autoStart: true,
  provides: ITransfersModel,
  optional: [ILabShell, ILayoutRestorer, IStatusBar, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    labShell: ILabShell | null,
    restorer: ILayoutRestorer | null,
    statusBar: IStatusBar | null,
    palette: ICommandPalette | null
  ): ITransfersModel => {
    const model = new TransfersModel();
    const panel = new TransfersPanel(
      model,
      id => void app.commands.execute(CommandIDs.continueUpload, { id })
    );
    // Right sidebar: the file browser and the Buckets panel (left) stay in
    // view beside the jobs moving data between them.
    (labShell ?? app.shell).add(panel, 'right', { rank: 700 });
    restorer?.add(panel, panel.id);

    const show = (): void => app.shell.activateById(panel.id);
    addCommands(
      app,
      [
        {
          id: CommandIDs.showTransfers,
          label: 'Show Transfers',
          caption: 'Show the transfer jobs and their progress',
          icon: transfersIcon,
          execute: show,
          palette: true
        },
        {
          id: CommandIDs.clearFinishedTransfers,
          label: 'Clear Finished Transfers',
          caption: 'Hide the transfer jobs that have ended',
          icon: clearIcon,
          execute: () => model.clearFinished(),
          palette: true
        }
      ],
      palette
    );

    const status = new TransfersStatus(model, show);
    statusBar?.registerStatusItem(CommandIDs.showTransfers, {
      item: status,
      align: 'left',
      rank: 4,
      isActive: () => status.active,
      activeStateChanged: status.activeChanged
    });
    notifyJobEnds(model, show);

    // Jobs survive a reload: look for them at once when this browser has
    // seen some. Otherwise the sidecar starts only when a panel is shown.
    if (hadJobs()) {
      void app.restored.then(() => model.refresh());
    }
    return model;
  }
};

export const fileBrowserTransfersPlugin: JupyterFrontEndPlugin<void> = {
  id: '@jupyter-buckets/labextension:file-browser-transfers',
  description:
    'Copy or move files and folders of the file browser to a bucket, drop Buckets panel rows on it, and open either panel by resting a drag on its tab.',
  autoStart: true,
  requires: [ITransfersModel, IBucketsModel, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    transfers: ITransfersModel,
    buckets: IBucketsModel,
    fileBrowser: IDefaultFileBrowser
  ): void => {
    addCopyToBucket({ app, transfers, buckets, fileBrowser });
    acceptBucketDrops(app, fileBrowser, transfers);
    springLoadSideTabs(app, [fileBrowser.id, BUCKETS_PANEL_ID]);
  }
};
