// The Buckets side panel: toolbar, config warnings, breadcrumbs, listing.
import {
  CommandToolbarButton,
  fileUploadIcon,
  LabIcon,
  newFolderIcon,
  refreshIcon,
  Toolbar,
  ToolbarButton
} from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { Message } from '@lumino/messaging';
import { Menu, Panel } from '@lumino/widgets';

import { keyIcon } from '../credentials/icons';
import { bucketIcon } from '../icons';
import { CommandIDs, type IBucketsModel } from '../tokens';
import { Breadcrumbs } from './Breadcrumbs';
import { Listing } from './Listing';
import { ProblemsBar } from './ProblemsBar';
import { RemotePicker } from './RemotePicker';
import { RulesBar } from './RulesBar';
import type { AddRemote } from './Welcome';

export const BUCKETS_PANEL_ID = 'jupyter-buckets-panel';

export class BucketsPanel extends Panel {
  constructor(options: IBucketsPanelOptions) {
    super();
    this._model = options.model;
    this.id = BUCKETS_PANEL_ID;
    this.addClass('jp-Buckets');
    this.title.icon = bucketIcon;
    this.title.caption = 'Buckets';

    const toolbar = new Toolbar();
    toolbar.addClass('jp-Buckets-toolbar');
    toolbar.addItem('remote', new RemotePicker(this._model));
    if (options.commands) {
      toolbar.addItem(
        'new-folder',
        new CommandToolbarButton({
          commands: options.commands,
          id: CommandIDs.newFolder,
          icon: newFolderIcon,
          label: ''
        })
      );
    }
    if (options.commands && options.uploads) {
      const commands = options.commands;
      const menu = new Menu({ commands });
      menu.addClass('jp-Buckets-uploadMenu');
      menu.addItem({ command: CommandIDs.uploadFiles });
      menu.addItem({ command: CommandIDs.uploadFolder });
      toolbar.addItem(
        'upload',
        new ToolbarButton({
          icon: fileUploadIcon,
          tooltip: 'Upload files or a folder from this computer',
          className: 'jp-Buckets-upload',
          onClick: () => {
            const box = toolbar.node
              .querySelector('.jp-Buckets-upload')!
              .getBoundingClientRect();
            menu.open(box.left, box.bottom);
          }
        })
      );
    }
    toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: 'Refresh Buckets',
        className: 'jp-Buckets-refresh',
        onClick: () => void this._model.refresh()
      })
    );
    if (options.onManageRemotes) {
      toolbar.addItem(
        'manage-remotes',
        new ToolbarButton({
          icon: keyIcon,
          tooltip: 'Manage Remotes (credentials)',
          className: 'jp-Buckets-manageRemotes',
          onClick: options.onManageRemotes
        })
      );
    }
    this._listing = new Listing(
      this._model,
      options.iconFor,
      options.onAddRemote
    );
    this.addWidget(toolbar);
    this.addWidget(new ProblemsBar(this._model));
    this.addWidget(new Breadcrumbs(this._model));
    this.addWidget(new RulesBar(this._model));
    this.addWidget(this._listing);
  }

  get model(): IBucketsModel {
    return this._model;
  }

  /** The sidecar starts on the first request: only when the panel is seen. */
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (!this._model.started) {
      void this._model.start();
    }
  }

  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    this._listing.activate();
  }

  private readonly _model: IBucketsModel;
  private readonly _listing: Listing;
}

export interface IBucketsPanelOptions {
  model: IBucketsModel;
  /** The icon of an object, from its name (the document registry's file types). */
  iconFor: (name: string) => LabIcon;
  /** Opens the credentials panel (a key button in the toolbar when set). */
  onManageRemotes?: () => void;
  /** The app's commands: the toolbar's New Folder button runs one. */
  commands?: CommandRegistry;
  /** Upload Files… and Upload Folder… exist (a toolbar button opens them). */
  uploads?: boolean;
  /** Opens the credentials panel on a new remote (the welcome view's buttons). */
  onAddRemote?: AddRemote;
}
