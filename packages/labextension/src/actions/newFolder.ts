// New Folder, in the panel's toolbar and the palette: a folder in the folder
// shown. In a bucket it is the empty 'name/' marker the S3 and GCS consoles
// make (the sidecar writes it), so it is there before anything is copied in.
import { objectRoutes, type IFolderRequest } from '@jupyter-buckets/core';
import { InputDialog } from '@jupyterlab/apputils';
import { newFolderIcon } from '@jupyterlab/ui-components';

import { requestAPI } from '../api';
import type { ICommandSpec } from '../commands';
import { shownFolderRefusal } from '../rules';
import { CommandIDs } from '../tokens';
import { guard, type IActionContext } from './context';

/** Why `name` cannot be a folder's name, or undefined. */
export function folderNameProblem(name: string): string | undefined {
  if (!name.trim()) {
    return 'A folder needs a name.';
  }
  if (name.includes('/')) {
    return "A folder name cannot contain '/': make one folder at a time.";
  }
  if (name === '.' || name === '..') {
    return `'${name}' cannot be a folder name.`;
  }
  // eslint-disable-next-line no-control-regex -- controls are what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    return 'A folder name cannot contain control characters.';
  }
  return undefined;
}

export function newFolderSpec(ctx: IActionContext): ICommandSpec {
  const { model } = ctx;
  const refusal = (): string | undefined => shownFolderRefusal(model);
  return {
    id: CommandIDs.newFolder,
    label: 'New Folder',
    caption: () =>
      refusal() ??
      (model.location.bucket === null
        ? 'Open a bucket to make a folder in it'
        : 'Make a folder in the folder shown'),
    icon: newFolderIcon,
    isEnabled: () => model.location.bucket !== null && !refusal(),
    execute: guard('New Folder failed', async () => {
      const { remote, bucket, prefix } = model.location;
      if (remote === null || bucket === null) {
        return;
      }
      const result = await InputDialog.getText({
        title: 'New Folder',
        label: `A folder in ${prefix ? `${bucket}/${prefix}` : bucket}`,
        placeholder: 'name',
        okLabel: 'Create'
      });
      const name = result.value?.trim() ?? '';
      if (!result.button.accept || !name) {
        return;
      }
      const problem = folderNameProblem(name);
      if (problem) {
        throw new Error(problem);
      }
      const request: IFolderRequest = { prefix: `${prefix}${name}/` };
      await requestAPI(objectRoutes.folder(remote, bucket), {
        method: 'POST',
        body: JSON.stringify(request)
      });
      await model.refresh();
    }),
    palette: true
  };
}
