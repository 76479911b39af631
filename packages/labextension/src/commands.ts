// Commands as data: a spec says what a command does and also where it shows
// (context menu, palette, keys), so a menu or the palette never lists the
// commands a second time, out of step with them.
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';
import type { CommandRegistry } from '@lumino/commands';
import type { Menu } from '@lumino/widgets';

import type { CommandIDs } from './tokens';

/** The palette category of every command of the extension. */
const CATEGORY = 'Buckets';

export interface IMenuPlace {
  /** One CSS selector: Lumino refuses commas in context menu selectors. */
  selector: string;
  /**
   * Several files add to the rows' menu (actions, clipboard): ranks, not
   * the order of registration, keep its items in order.
   */
  rank: number;
  /** Shown as this submenu instead, whose items run the command with arguments. */
  submenu?: Menu;
}

export interface ICommandSpec extends CommandRegistry.ICommandOptions {
  id: CommandIDs;
  contextMenu?: IMenuPlace;
  /** Listed in the palette; commands that need arguments are not. */
  palette?: boolean;
}

export function addCommands(
  app: JupyterFrontEnd,
  specs: ReadonlyArray<ICommandSpec>,
  palette?: ICommandPalette | null
): void {
  for (const spec of specs) {
    const { id, contextMenu, palette: listed, ...options } = spec;
    app.commands.addCommand(id, options);
    if (contextMenu) {
      const { selector, rank, submenu } = contextMenu;
      app.contextMenu.addItem(
        submenu
          ? { type: 'submenu', submenu, selector, rank }
          : { command: id, selector, rank }
      );
    }
    if (listed) {
      palette?.addItem({ command: id, category: CATEGORY });
    }
  }
}
