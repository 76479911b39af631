// The Buckets panel plugin: a left-sidebar browser of S3 and GCS remotes.
import {
  ILabShell,
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { fileIcon, refreshIcon } from '@jupyterlab/ui-components';

import { bucketIcon } from './icons';
import { BucketsModel } from './model';
import { IBucketsModel } from './tokens';
import { BucketsPanel } from './widgets';

export { BucketsError, requestAPI } from './api';
export { BucketsModel } from './model';
export * from './tokens';

const CommandIDs = {
  open: 'jupyter-buckets:open',
  refresh: 'jupyter-buckets:refresh'
} as const;

const plugin: JupyterFrontEndPlugin<IBucketsModel> = {
  id: '@jupyter-buckets/labextension:plugin',
  description: 'A side panel that browses S3 and Google Cloud Storage buckets.',
  autoStart: true,
  provides: IBucketsModel,
  optional: [ILabShell, ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    labShell: ILabShell | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ): IBucketsModel => {
    const model = new BucketsModel();
    const panel = new BucketsPanel({
      model,
      iconFor: name =>
        app.docRegistry.getFileTypesForPath(name)[0]?.icon ?? fileIcon
    });
    (labShell ?? app.shell).add(panel, 'left', { rank: 150 });
    restorer?.add(panel, panel.id);

    app.commands.addCommand(CommandIDs.open, {
      label: 'Show Buckets',
      caption: 'Show the Buckets panel',
      icon: bucketIcon,
      execute: () => app.shell.activateById(panel.id)
    });
    app.commands.addCommand(CommandIDs.refresh, {
      label: 'Refresh Buckets',
      caption: 'Reload the remotes and the current bucket listing',
      icon: refreshIcon,
      execute: () => (model.started ? model.refresh() : model.start())
    });
    for (const command of [CommandIDs.open, CommandIDs.refresh]) {
      palette?.addItem({ command, category: 'Buckets' });
    }
    return model;
  }
};

export default plugin;
