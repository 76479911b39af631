// The Buckets panel plugin: a left-sidebar browser of S3 and GCS remotes; and
// the transfers plugins (jobs, their panel, the file browser's side).
import {
  ILabShell,
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { fileIcon, refreshIcon } from '@jupyterlab/ui-components';
import { IStateDB } from '@jupyterlab/statedb';
import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import type { RemotePreset } from '@jupyter-buckets/core';

import { addObjectActions } from './actions';
import { addCommands } from './commands';
import { CredentialsPanel, keyIcon, RemotesManager } from './credentials';
import { addBucketDrives } from './drive';
import { bucketIcon } from './icons';
import { BucketsModel, savedLocation } from './model';
import { CommandIDs, IBucketsModel, ITransfersModel } from './tokens';
import {
  addBucketsClipboard,
  addBucketsCopyTo,
  addBucketsDrag,
  addBucketsDrop,
  fileBrowserTransfersPlugin,
  refreshWhenJobsEnd,
  transfersPlugin
} from './transfers';
import { addUploads } from './uploads/plugin';
import { BucketsPanel } from './widgets';

export { BucketsError, requestAPI } from './api';
export { BucketsModel } from './model';
export { TransfersModel } from './transfers';
export * from './tokens';

/** The state database's key for the Buckets panel's location. */
const LOCATION_KEY = 'jupyter-buckets:location';

const plugin: JupyterFrontEndPlugin<IBucketsModel> = {
  id: '@jupyter-buckets/labextension:plugin',
  description: 'A side panel that browses S3 and Google Cloud Storage buckets.',
  autoStart: true,
  provides: IBucketsModel,
  optional: [
    ILabShell,
    ICommandPalette,
    ILayoutRestorer,
    IDocumentManager,
    IDefaultFileBrowser,
    ITransfersModel,
    IStateDB
  ],
  activate: (
    app: JupyterFrontEnd,
    labShell: ILabShell | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    docManager: IDocumentManager | null,
    fileBrowser: IDefaultFileBrowser | null,
    transfers: ITransfersModel | null,
    state: IStateDB | null
  ): IBucketsModel => {
    // Where the panel was is kept across reloads, as the file browser keeps
    // its folder: names only.
    const model = new BucketsModel({
      memory: state
        ? {
            load: async () => savedLocation(await state.fetch(LOCATION_KEY)),
            save: location =>
              void state.save(LOCATION_KEY, { ...location }).catch(() => {
                // The state database refused: the next reload starts afresh.
              })
          }
        : undefined
    });
    const manager = new RemotesManager({ buckets: model });
    const panel = new BucketsPanel({
      model,
      commands: app.commands,
      uploads: transfers !== null,
      iconFor: name =>
        app.docRegistry.getFileTypesForPath(name)[0]?.icon ?? fileIcon,
      onManageRemotes: () =>
        void app.commands.execute(CommandIDs.manageRemotes),
      onAddRemote: preset =>
        void app.commands.execute(CommandIDs.manageRemotes, {
          add: true,
          ...(preset ? { preset } : {})
        })
    });
    (labShell ?? app.shell).add(panel, 'left', { rank: 150 });
    restorer?.add(panel, panel.id);

    // One credentials panel at a time, in the main area.
    let credentials: MainAreaWidget<CredentialsPanel> | null = null;
    const showCredentials = (args: ReadonlyPartialJSONObject = {}): void => {
      if (!credentials || credentials.isDisposed) {
        credentials = new MainAreaWidget({
          content: new CredentialsPanel(manager, name => {
            app.shell.activateById(panel.id);
            void model.selectRemote(name);
          })
        });
        credentials.id = 'jupyter-buckets-credentials';
        // The panel has its own actions: no empty toolbar strip on top.
        credentials.toolbar.hide();
        credentials.title.label = 'Remotes';
        credentials.title.icon = keyIcon;
        credentials.title.caption = 'Manage Remotes';
        credentials.title.closable = true;
        app.shell.add(credentials, 'main');
      }
      app.shell.activateById(credentials.id);
      if (args.add) {
        credentials.content.addRemote(
          typeof args.preset === 'string'
            ? (args.preset as RemotePreset)
            : undefined
        );
      }
    };
    addCommands(
      app,
      [
        {
          id: CommandIDs.open,
          label: 'Show Buckets',
          caption: 'Show the Buckets panel',
          icon: bucketIcon,
          execute: () => app.shell.activateById(panel.id),
          palette: true
        },
        {
          id: CommandIDs.refresh,
          label: 'Refresh Buckets',
          caption: 'Reload the remotes and the current bucket listing',
          icon: refreshIcon,
          execute: () => (model.started ? model.refresh() : model.start()),
          palette: true
        },
        {
          id: CommandIDs.goUp,
          label: 'Go Up a Folder',
          caption: 'Show the folder (or bucket list) above the one shown',
          isEnabled: () => model.location.bucket !== null,
          execute: () => {
            const { bucket, prefix } = model.location;
            // Breadcrumb indexes: 0 the remote, 1 the bucket, then folders.
            const depth =
              bucket === null
                ? 0
                : 1 + prefix.split('/').filter(s => s !== '').length;
            return model.goTo(depth - 1);
          }
        },
        {
          id: CommandIDs.manageRemotes,
          label: 'Manage Remotes',
          caption:
            'Add, edit, test and delete remotes (AWS profiles and rclone remotes)',
          icon: keyIcon,
          execute: args => showCredentials(args),
          palette: true
        }
      ],
      palette
    );
    // The toolbar's New Folder follows the folder shown and the admin's rules.
    model.stateChanged.connect((_, change) => {
      if (change === 'location' || change === 'remotes') {
        app.commands.notifyCommandChanged(CommandIDs.newFolder);
      }
    });
    // Objects open in JupyterLab's own editors through one drive per remote.
    const drives = addBucketDrives(app, model);
    if (docManager) {
      addObjectActions({
        app,
        model,
        panel: panel.node,
        docManager,
        fileBrowser,
        transfers,
        palette,
        drives
      });
    }
    if (transfers) {
      // Copy, paste, drag and Copy to… in the panel; listings follow the jobs' results.
      addBucketsDrag(model, panel.node);
      addBucketsDrop({ app, buckets: model, transfers, panel: panel.node });
      addUploads({
        app,
        buckets: model,
        transfers,
        panel: panel.node,
        palette
      });
      addBucketsClipboard({ app, buckets: model, transfers });
      addBucketsCopyTo({ app, buckets: model, transfers, palette });
      refreshWhenJobsEnd(transfers, model, fileBrowser);
    }
    return model;
  }
};

export default [plugin, transfersPlugin, fileBrowserTransfersPlugin];
