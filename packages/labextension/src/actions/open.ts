// Open and Open With: objects open in JupyterLab's own editors, through the
// bucket drives, like files of the Jupyter disk.
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { fileIcon } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import { Menu } from '@lumino/widgets';

import type { ICommandSpec } from '../commands';
import { CommandIDs } from '../tokens';
import { guard, pathOf, type IActionContext } from './context';
import { OBJECT_ROW } from './targets';

export function openSpecs(ctx: IActionContext): ICommandSpec[] {
  const { app, docManager } = ctx;
  const oneObjectPath = (): string | null => {
    const target = ctx.oneObject();
    return target ? pathOf(target) : null;
  };
  return [
    {
      id: CommandIDs.openObject,
      label: 'Open',
      caption: 'Open the object in JupyterLab',
      icon: fileIcon,
      isEnabled: () => ctx.objects().length > 0,
      execute: guard('Open failed', async () => {
        for (const target of await ctx.allObjects()) {
          docManager.openOrReveal(pathOf(target));
        }
      }),
      contextMenu: { selector: OBJECT_ROW, rank: 1 },
      palette: true
    },
    {
      id: CommandIDs.openWith,
      label: args => String(args.label ?? args.factory ?? 'Open With…'),
      isEnabled: () => ctx.oneObject() !== undefined,
      execute: args => {
        const path = oneObjectPath();
        if (path) {
          docManager.openOrReveal(path, String(args.factory));
        }
      },
      contextMenu: {
        selector: OBJECT_ROW,
        rank: 2,
        submenu: new OpenWithMenu(app, oneObjectPath)
      }
    }
  ];
}

/** "Open With": one entry per widget factory that can open the object. */
class OpenWithMenu extends Menu {
  constructor(
    private readonly _app: JupyterFrontEnd,
    private readonly _path: () => string | null
  ) {
    super({ commands: _app.commands });
    this.title.label = 'Open With';
    this.addClass('jp-Buckets-openWith');
  }

  protected onBeforeAttach(msg: Message): void {
    this.clearItems();
    const path = this._path();
    if (path) {
      for (const factory of this._app.docRegistry.preferredWidgetFactories(
        path
      )) {
        this.addItem({
          command: CommandIDs.openWith,
          args: { factory: factory.name, label: factory.label || factory.name }
        });
      }
    }
    super.onBeforeAttach(msg);
  }
}
