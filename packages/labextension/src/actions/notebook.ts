// Code into the notebook the user works in: a new cell below the active one,
// through the notebook's own commands (no dependency on its packages, and
// the cell lands where the user's cursor is, with undo working as usual).
import type { JupyterFrontEnd } from '@jupyterlab/application';

const INSERT_BELOW = 'notebook:insert-cell-below';
const REPLACE_SELECTION = 'notebook:replace-selection';

/** Whether a notebook is open and current, to insert into. */
export function canInsertIntoNotebook(app: JupyterFrontEnd): boolean {
  return (
    app.commands.hasCommand(INSERT_BELOW) &&
    app.commands.hasCommand(REPLACE_SELECTION) &&
    app.commands.isEnabled(INSERT_BELOW)
  );
}

/** Insert `code` as a new code cell below the active cell of the current notebook. */
export async function insertIntoNotebook(
  app: JupyterFrontEnd,
  code: string
): Promise<void> {
  await app.commands.execute(INSERT_BELOW);
  await app.commands.execute(REPLACE_SELECTION, { text: code });
}
