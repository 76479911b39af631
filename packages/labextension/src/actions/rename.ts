// Renaming an object of the Buckets panel. Through the bucket drive, so
// documents open on it follow the new name. Onto an existing name it asks
// first (Replace or Cancel), as the one conflict policy says; the drive alone
// refuses, like Jupyter's own contents API.
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, InputDialog, showDialog } from '@jupyterlab/apputils';
import { editIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import type { ICommandSpec } from '../commands';
import type { BucketDrive } from '../drive';
import { documentPath } from '../drive/paths';
import { formatModified, formatSize } from '../format';
import { CommandIDs } from '../tokens';
import { conflictsOf } from '../transfers/conflicts';
import { h } from '../widgets/dom';
import { guardOne, type IActionContext } from './context';
import { OBJECT_ROW } from './targets';

/** The bucket drive of a remote (registered as the panel learns remotes). */
export type DriveLookup = (remote: string) => BucketDrive | undefined;

export function renameSpec(ctx: IActionContext): ICommandSpec {
  return {
    id: CommandIDs.rename,
    label: () => ctx.refusedLabel('Rename'),
    caption: () =>
      ctx.refusal(ctx.targets()) ??
      'Rename the object (a server-side copy, then delete)',
    icon: editIcon,
    isEnabled: () => {
      const target = ctx.oneObject();
      return target !== undefined && !ctx.refusal([target]);
    },
    execute: guardOne('Rename failed', ctx.oneObject, async target => {
      const result = await InputDialog.getText({
        title: 'Rename',
        label: `New name for ${target.name}`,
        text: target.name,
        okLabel: 'Rename'
      });
      const name = result.value;
      if (!result.button.accept || !name || name === target.name) {
        return;
      }
      const { remote, bucket, key } = target;
      const parent = key.slice(0, key.length - target.name.length);
      await renameObject(
        ctx.app,
        ctx.drives,
        remote,
        bucket,
        key,
        `${parent}${name}`
      );
      await ctx.model.refresh();
    }),
    contextMenu: { selector: OBJECT_ROW, rank: 10 },
    palette: true
  };
}

/**
 * Rename `key` of `remote`:`bucket` to `newKey`. False when the user kept
 * the existing object instead.
 */
export async function renameObject(
  app: JupyterFrontEnd,
  drives: DriveLookup | undefined,
  remote: string,
  bucket: string,
  key: string,
  newKey: string
): Promise<boolean> {
  const from = documentPath(remote, bucket, key);
  const to = documentPath(remote, bucket, newKey);
  try {
    await app.serviceManager.contents.rename(from, to);
    return true;
  } catch (error) {
    const found = conflictsOf(error);
    const drive = drives?.(remote);
    if (!found || !drive) {
      throw error;
    }
    const name = newKey.slice(newKey.lastIndexOf('/') + 1);
    const answer = await showDialog({
      title: `Replace ${name}?`,
      body: replaceBody(name, found.conflicts[0]),
      buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Replace' })]
    });
    if (!answer.button.accept) {
      return false;
    }
    const local = (path: string) => app.serviceManager.contents.localPath(path);
    await drive.rename(local(from), local(to), 'replace');
    return true;
  }
}

function replaceBody(
  name: string,
  conflict?: { existing: { size: number; modified?: string } }
): Widget {
  const existing = conflict?.existing;
  const when = formatModified(existing?.modified).text;
  return new Widget({
    node: h('div', { className: 'jp-Buckets-replaceConfirm' }, [
      h('p', {
        text: `An object named ${name} is already in this folder${
          existing
            ? ` (${formatSize(existing.size)}${when ? `, modified ${when}` : ''})`
            : ''
        }. Replacing it overwrites its contents.`
      })
    ])
  });
}
