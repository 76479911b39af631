// Renaming an object of the Buckets panel. Through the bucket drive, so
// documents open on it follow the new name. Onto an existing name it asks
// first (Replace or Cancel), as the one conflict policy says; the drive alone
// refuses, like Jupyter's own contents API.
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import type { BucketDrive } from '../drive';
import { documentPath } from '../drive/paths';
import { formatModified, formatSize } from '../format';
import { conflictsOf } from '../transfers/conflicts';
import { h } from '../widgets/dom';

/** The bucket drive of a remote (registered as the panel learns remotes). */
export type DriveLookup = (remote: string) => BucketDrive | undefined;

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
