// Deleting objects and whole folders, after a confirmation that counts what
// goes (a folder's objects are not listed anywhere else).
import {
  objectRoutes,
  type IDeleteCount,
  type IDeleteResult
} from '@jupyter-buckets/core';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { closeIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { requestAPI } from '../api';
import type { ICommandSpec } from '../commands';
import { CommandIDs } from '../tokens';
import { remoteLocation, startJobs } from '../transfers';
import { h } from '../widgets/dom';
import { guard, type IActionContext } from './context';
import { DELETE_BATCH, deleteInBatches } from './deletion';
import { describeTargets, ENTRY_ROW, plural, type ITarget } from './targets';

export function deleteSpec(ctx: IActionContext): ICommandSpec {
  return {
    id: CommandIDs.delete,
    label: () => ctx.refusedLabel('Delete'),
    caption: () =>
      ctx.refusal(ctx.targets()) ??
      'Delete objects, or folders with everything in them',
    icon: closeIcon,
    isEnabled: () => ctx.targets().length > 0 && !ctx.refusal(ctx.targets()),
    execute: guard('Delete failed', async () => {
      const all = await ctx.allTargets();
      await deleteTargets(all, ctx, () => ctx.model.refresh());
    }),
    contextMenu: { selector: ENTRY_ROW, rank: 11 },
    palette: true
  };
}

/**
 * Ask with the true count, then delete: the objects by key, in batches,
 * and each folder as a delete job in the Transfers panel (a Zarr store is
 * thousands of chunks: progress, cancel and retry as for a copy; the
 * listing is refreshed when the job ends), or by its prefix in one request
 * when there is no Transfers panel. `done` runs afterwards, also after a
 * failure halfway (the listing must show what is left).
 */
async function deleteTargets(
  all: ITarget[],
  ctx: Pick<IActionContext, 'app' | 'transfers'>,
  done: () => Promise<void>
): Promise<void> {
  if (all.length === 0) {
    return;
  }
  const { remote, bucket } = all[0];
  const route = objectRoutes.delete(remote, bucket);
  const post = <T>(body: object): Promise<T> =>
    requestAPI<T>(route, { method: 'POST', body: JSON.stringify(body) });
  const keys = all.filter(t => t.kind === 'object').map(t => t.key);
  const prefixes = all.filter(t => t.kind === 'prefix').map(t => t.key);
  // Count what each folder holds before asking: "N objects will be deleted".
  let count = keys.length;
  for (const prefix of prefixes) {
    count += (await post<IDeleteCount>({ prefix, dryRun: true })).count;
  }
  const result = await showDialog({
    title: 'Delete',
    body: new Widget({
      node: h('div', { className: 'jp-Buckets-deleteConfirm' }, [
        h('p', {
          text: `Delete ${describeTargets(all)} from ${remote}:${bucket}?`
        }),
        h('p', {
          className: 'jp-Buckets-deleteCount',
          text: `${plural(count, 'object')} will be deleted. This cannot be undone.`
        })
      ])
    }),
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
  });
  if (!result.button.accept) {
    return;
  }
  const deleting = `Deleting ${plural(keys.length, 'object')}`;
  const progress =
    keys.length > DELETE_BATCH
      ? Notification.emit(`${deleting}…`, 'in-progress', { autoClose: false })
      : null;
  try {
    await deleteInBatches(
      keys,
      async batch => {
        await post<IDeleteResult>({ keys: batch });
      },
      {
        progress: done => {
          if (progress) {
            Notification.update({
              id: progress,
              message: `${deleting}: ${done.toLocaleString('en')} done…`
            });
          }
        }
      }
    );
    const transfers = ctx.transfers;
    if (transfers && prefixes.length) {
      await startJobs(
        ctx.app.commands,
        transfers,
        prefixes.map(prefix => ({
          op: 'delete',
          src: remoteLocation(remote, bucket, prefix),
          dst: ''
        }))
      );
    } else {
      for (const prefix of prefixes) {
        await post<IDeleteResult>({ prefix });
      }
    }
  } finally {
    if (progress) {
      Notification.dismiss(progress);
    }
    await done();
  }
}
