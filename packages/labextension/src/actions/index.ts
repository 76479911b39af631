// The object actions of the Buckets panel: a context menu on its rows and the
// same commands in the palette (open, open with, download, download to the
// Jupyter disk as a transfer job, copy URI or snippet, rename, delete,
// properties), and opening objects on double-click or Enter in JupyterLab's
// own editors through the bucket drives.
import {
  objectRoutes,
  remoteRoutes,
  type IDeleteCount,
  type IDeleteResult,
  type IObjectStat,
  type IRemoteDetail,
  type IShareLink
} from '@jupyter-buckets/core';
import type { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Clipboard,
  Dialog,
  type ICommandPalette,
  InputDialog,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import type { IDocumentManager } from '@jupyterlab/docmanager';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import {
  copyIcon,
  downloadIcon,
  editIcon,
  closeIcon,
  fileIcon,
  infoIcon as propertiesIcon,
  linkIcon,
  pythonIcon
} from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import { Menu, Widget } from '@lumino/widgets';

import { requestAPI } from '../api';
import { documentPath, objectURI } from '../drive/paths';
import type { IBucketsEntry, IBucketsModel, ITransfersModel } from '../tokens';
import { localLocation, remoteLocation, startJobs } from '../transfers';
import { h } from '../widgets/dom';
import { showActionError } from '../widgets/errors';
import { DELETE_BATCH, deleteInBatches } from './deletion';
import { renameObject, type DriveLookup } from './rename';
import { pythonSnippet } from './snippets';
import {
  describeTargets,
  isRow,
  plural,
  resolveTargets,
  targetsOf,
  wholeFolderOf,
  type ITarget
} from './targets';

export const ActionIDs = {
  openObject: 'jupyter-buckets:open-object',
  openWith: 'jupyter-buckets:open-object-with',
  downloadToDisk: 'jupyter-buckets:download-to-jupyter',
  download: 'jupyter-buckets:download',
  copyURI: 'jupyter-buckets:copy-uri',
  copySnippet: 'jupyter-buckets:copy-python-snippet',
  copyShareLink: 'jupyter-buckets:copy-share-link',
  rename: 'jupyter-buckets:rename',
  delete: 'jupyter-buckets:delete',
  properties: 'jupyter-buckets:properties'
} as const;

/** Share link lifetimes offered (S3 and GCS signatures last 7 days at most). */
const SHARE_EXPIRY: Record<string, number> = {
  '1 hour': 3600,
  '1 day': 24 * 3600,
  '7 days': 7 * 24 * 3600
};

const OBJECT_ROW = '.jp-Buckets .jp-Buckets-item[data-kind="object"]';
// Objects and prefixes (Lumino refuses commas in context menu selectors).
const ENTRY_ROW =
  '.jp-Buckets .jp-Buckets-item:not([data-kind="bucket"]):not([data-kind="bookmark"])';

export interface IActionsOptions {
  app: JupyterFrontEnd;
  model: IBucketsModel;
  /** The Buckets panel's node (its rows tell which entry a click or menu hit). */
  panel: HTMLElement;
  docManager: IDocumentManager;
  /** Where "Download to Jupyter" writes: the file browser's folder. */
  fileBrowser?: IDefaultFileBrowser | null;
  /** Runs "Download to Jupyter" as a job (the action is hidden without it). */
  transfers?: ITransfersModel | null;
  palette?: ICommandPalette | null;
  /** The bucket drives (a rename onto an existing name replaces through them). */
  drives?: DriveLookup;
}

export function addObjectActions(options: IActionsOptions): void {
  const { app, model, panel, docManager, fileBrowser, transfers, palette } =
    options;
  const { commands } = app;

  const hit = (): HTMLElement | undefined =>
    app.contextMenuHitTest(isRow) as HTMLElement | undefined;
  // For isEnabled and labels: the loaded entries, at once.
  const targets = (): ITarget[] => targetsOf(hit(), model);
  const objects = (): ITarget[] =>
    targets().filter(target => target.kind === 'object');
  // For acting: every target, after select-all's remaining pages are loaded.
  const allTargets = (): Promise<ITarget[]> => resolveTargets(hit(), model);
  const allObjects = async (): Promise<ITarget[]> =>
    (await allTargets()).filter(target => target.kind === 'object');
  const one = (): ITarget | undefined => {
    const all = targets();
    return all.length === 1 ? all[0] : undefined;
  };
  const oneObject = (): ITarget | undefined => {
    const target = one();
    return target?.kind === 'object' ? target : undefined;
  };
  const pathOf = (target: ITarget): string =>
    documentPath(target.remote, target.bucket, target.key);
  const providerOf = (remote: string): 's3' | 'gcs' =>
    model.remotes.find(r => r.name === remote)?.provider ?? 's3';
  const guard =
    (title: string, run: () => Promise<unknown>) => async (): Promise<void> => {
      try {
        await run();
      } catch (error) {
        await showActionError(title, error);
      }
    };

  commands.addCommand(ActionIDs.openObject, {
    label: 'Open',
    caption: 'Open the object in JupyterLab',
    icon: fileIcon,
    isEnabled: () => objects().length > 0,
    execute: guard('Open failed', async () => {
      for (const target of await allObjects()) {
        docManager.openOrReveal(pathOf(target));
      }
    })
  });

  commands.addCommand(ActionIDs.openWith, {
    label: args => String(args.label ?? args.factory ?? 'Open With…'),
    isEnabled: () => oneObject() !== undefined,
    execute: args => {
      const target = oneObject();
      if (target) {
        docManager.openOrReveal(pathOf(target), String(args.factory));
      }
    }
  });

  commands.addCommand(ActionIDs.download, {
    label: 'Download',
    caption: 'Download to your computer',
    icon: downloadIcon,
    isEnabled: () => objects().length > 0,
    execute: guard('Download failed', async () => {
      for (const target of await allObjects()) {
        const url = await app.serviceManager.contents.getDownloadUrl(
          pathOf(target)
        );
        const link = h('a', { attrs: { href: url, download: target.name } });
        link.style.display = 'none';
        document.body.append(link);
        link.click();
        link.remove();
      }
    })
  });

  commands.addCommand(ActionIDs.downloadToDisk, {
    label: 'Download to Jupyter',
    caption:
      "Copy to the file browser's current folder on the Jupyter server's disk, as a transfer job (any size)",
    icon: downloadIcon,
    isVisible: () => Boolean(transfers),
    isEnabled: () => targets().length > 0,
    execute: guard('Download to Jupyter failed', async () => {
      const whole = wholeFolderOf(hit(), model);
      const { remote, bucket } = model.location;
      const all = await allTargets();
      const folder = localFolder(fileBrowser);
      if (!transfers) {
        return;
      }
      // The sidecar copies bucket to disk itself: no browser memory, no cap.
      // Everything in the folder shown is one job (its contents into the
      // destination, as the entries one by one would go), not 100,000.
      // Files that exist on the disk are asked about by startJobs.
      await startJobs(
        commands,
        transfers,
        whole !== null && remote !== null && bucket !== null
          ? [
              {
                op: 'copy',
                src: remoteLocation(remote, bucket, whole),
                dst: localLocation(folder, true)
              }
            ]
          : all.map(target => ({
              op: 'copy',
              src: remoteLocation(target.remote, target.bucket, target.key),
              dst:
                target.kind === 'prefix'
                  ? localLocation(PathExt.join(folder, target.name), true)
                  : localLocation(folder, true)
            }))
      );
    })
  });

  commands.addCommand(ActionIDs.copyURI, {
    label: () =>
      `Copy ${providerOf(model.location.remote ?? '') === 'gcs' ? 'gs://' : 's3://'} URI`,
    caption: 'Copy the URI other tools use for this object or folder',
    icon: copyIcon,
    isEnabled: () => targets().length > 0,
    execute: guard('Copy failed', async () => {
      const text = (await allTargets())
        .map(t => objectURI(providerOf(t.remote), t.bucket, t.key))
        .join('\n');
      await copyText(text);
    })
  });

  commands.addCommand(ActionIDs.copySnippet, {
    label: 'Copy Python Snippet',
    caption:
      'Copy Python code that opens this with fsspec, pandas or xarray (no secret in it)',
    icon: pythonIcon,
    isEnabled: () => one() !== undefined,
    execute: guard('Copy failed', async () => {
      const target = one();
      if (!target) {
        return;
      }
      const remote = model.remotes.find(r => r.name === target.remote);
      if (!remote) {
        return;
      }
      let keyFile: string | undefined;
      if (remote.provider === 'gcs' && !remote.anonymous) {
        // The key file's path (never its content) lives in the remote's details.
        const detail = await requestAPI<IRemoteDetail>(
          remoteRoutes.remote(remote.name)
        ).catch(() => null);
        keyFile = detail?.serviceAccountFile;
      }
      await copyText(
        pythonSnippet({ ...remote, keyFile }, target.bucket, target.key)
      );
    })
  });

  commands.addCommand(ActionIDs.copyShareLink, {
    label: 'Copy Share Link…',
    caption:
      'Copy a presigned link that opens the object without credentials, for a chosen time',
    icon: linkIcon,
    isEnabled: () => oneObject() !== undefined,
    execute: guard('No share link', async () => {
      const target = oneObject();
      if (!target) {
        return;
      }
      const choice = await InputDialog.getItem({
        title: `Share ${target.name}`,
        label: 'Anyone with the link can read the object until it expires.',
        items: Object.keys(SHARE_EXPIRY),
        current: 0,
        okLabel: 'Copy Link'
      });
      if (!choice.button.accept || !choice.value) {
        return;
      }
      const link = await requestAPI<IShareLink>(
        objectRoutes.share(
          target.remote,
          target.bucket,
          target.key,
          SHARE_EXPIRY[choice.value]
        )
      );
      await copyText(link.url);
    })
  });

  commands.addCommand(ActionIDs.rename, {
    label: 'Rename',
    caption: 'Rename the object (a server-side copy, then delete)',
    icon: editIcon,
    isEnabled: () => oneObject() !== undefined,
    execute: guard('Rename failed', async () => {
      const target = oneObject();
      if (!target) {
        return;
      }
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
      const parent = target.key.slice(
        0,
        target.key.length - target.name.length
      );
      await renameObject(
        app,
        options.drives,
        target.remote,
        target.bucket,
        target.key,
        `${parent}${name}`
      );
      await model.refresh();
    })
  });

  commands.addCommand(ActionIDs.delete, {
    label: 'Delete',
    caption: 'Delete objects, or folders with everything in them',
    icon: closeIcon,
    isEnabled: () => targets().length > 0,
    execute: guard('Delete failed', async () => {
      const all = await allTargets();
      await deleteTargets(all, () => model.refresh());
    })
  });

  commands.addCommand(ActionIDs.properties, {
    label: 'Properties',
    caption: 'Size, dates, checksums, content type, storage class, metadata',
    icon: propertiesIcon,
    isEnabled: () => oneObject() !== undefined,
    execute: guard('Properties unavailable', async () => {
      const target = oneObject();
      if (!target) {
        return;
      }
      const stat = await requestAPI<IObjectStat>(
        objectRoutes.object(target.remote, target.bucket, target.key)
      );
      await showDialog({
        title: `Properties of ${target.name}`,
        body: propertiesBody(
          stat,
          objectURI(providerOf(target.remote), target.bucket, target.key)
        ),
        buttons: [Dialog.okButton({ label: 'Close' })]
      });
    })
  });

  const openWithMenu = new OpenWithMenu(app, () => {
    const target = oneObject();
    return target ? pathOf(target) : null;
  });

  let rank = 1;
  const item = (command: string, selector = OBJECT_ROW) =>
    app.contextMenu.addItem({ command, selector, rank: rank++ });
  item(ActionIDs.openObject);
  app.contextMenu.addItem({
    type: 'submenu',
    submenu: openWithMenu,
    selector: OBJECT_ROW,
    rank: rank++
  });
  item(ActionIDs.download);
  item(ActionIDs.downloadToDisk, ENTRY_ROW);
  app.contextMenu.addItem({
    type: 'separator',
    selector: ENTRY_ROW,
    rank: rank++
  });
  item(ActionIDs.copyURI, ENTRY_ROW);
  item(ActionIDs.copySnippet, ENTRY_ROW);
  item(ActionIDs.copyShareLink);
  app.contextMenu.addItem({
    type: 'separator',
    selector: ENTRY_ROW,
    rank: rank++
  });
  item(ActionIDs.rename);
  item(ActionIDs.delete, ENTRY_ROW);
  item(ActionIDs.properties);

  for (const command of [
    ActionIDs.openObject,
    ActionIDs.download,
    ActionIDs.downloadToDisk,
    ActionIDs.copyURI,
    ActionIDs.copySnippet,
    ActionIDs.copyShareLink,
    ActionIDs.rename,
    ActionIDs.delete,
    ActionIDs.properties
  ]) {
    palette?.addItem({ command, category: 'Buckets' });
  }

  // Objects open like files in the file browser: double-click, or Enter on
  // the selected object. The listing handles folders itself.
  const open = (entry: IBucketsEntry | undefined): void => {
    const { remote, bucket } = model.location;
    if (entry?.kind === 'object' && remote !== null && bucket !== null) {
      docManager.openOrReveal(documentPath(remote, bucket, entry.path));
    }
  };
  panel.addEventListener('dblclick', event => {
    const row = (event.target as HTMLElement).closest<HTMLElement>(
      '.jp-Buckets-item'
    );
    const path = row?.dataset.path;
    open(path === undefined ? undefined : model.entry(path));
  });
  panel.addEventListener('keydown', event => {
    if (event.key === 'Enter' && !event.altKey && !event.ctrlKey) {
      // A select-all still loading is more than the one entry loaded so far.
      const selected = model.selectedEntries;
      const growing = model.allSelected && model.cursor !== null;
      if (selected.length === 1 && !growing) {
        open(selected[0]);
      }
    }
  });
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
          command: ActionIDs.openWith,
          args: { factory: factory.name, label: factory.label || factory.name }
        });
      }
    }
    super.onBeforeAttach(msg);
  }
}

/**
 * Ask with the true count, then delete: the objects by key, in batches,
 * and each folder by its prefix. `done` runs afterwards, also after a
 * failure halfway (the listing must show what is left).
 */
async function deleteTargets(
  all: ITarget[],
  done: () => Promise<void>
): Promise<void> {
  if (all.length === 0) {
    return;
  }
  const { remote, bucket } = all[0];
  const keys = all.filter(t => t.kind === 'object').map(t => t.key);
  const prefixes = all.filter(t => t.kind === 'prefix').map(t => t.key);
  // Count what each folder holds before asking: "N objects will be deleted".
  let count = keys.length;
  for (const prefix of prefixes) {
    const answer = await requestAPI<IDeleteCount>(
      objectRoutes.delete(remote, bucket),
      { method: 'POST', body: JSON.stringify({ prefix, dryRun: true }) }
    );
    count += answer.count;
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
  const progress =
    keys.length > DELETE_BATCH
      ? Notification.emit(
          `Deleting ${plural(keys.length, 'object')}…`,
          'in-progress',
          { autoClose: false }
        )
      : null;
  try {
    await deleteInBatches(
      keys,
      async batch => {
        await requestAPI<IDeleteResult>(objectRoutes.delete(remote, bucket), {
          method: 'POST',
          body: JSON.stringify({ keys: batch })
        });
      },
      {
        progress: done => {
          if (progress) {
            Notification.update({
              id: progress,
              message: `Deleting ${plural(keys.length, 'object')}: ${done.toLocaleString('en')} done…`
            });
          }
        }
      }
    );
    for (const prefix of prefixes) {
      await requestAPI<IDeleteResult>(objectRoutes.delete(remote, bucket), {
        method: 'POST',
        body: JSON.stringify({ prefix })
      });
    }
  } finally {
    if (progress) {
      Notification.dismiss(progress);
    }
    await done();
  }
}

/** The file browser's folder on the Jupyter disk ('' at the root, or when it shows another drive). */
function localFolder(browser?: IDefaultFileBrowser | null): string {
  const path = browser?.model.path ?? '';
  return path.includes(':') ? '' : path;
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No permission (or not a secure context): JupyterLab's fallback.
    Clipboard.copyToSystem(text);
  }
  Notification.info('Copied to the clipboard', { autoClose: 2000 });
}

function propertiesBody(stat: IObjectStat, uri: string): Widget {
  const rows: [string, string][] = [
    ['URI', uri],
    ['Size', `${stat.size.toLocaleString()} bytes`],
    ['Modified', stat.modified ? new Date(stat.modified).toLocaleString() : ''],
    ['Content type', stat.contentType ?? ''],
    ['Storage class', stat.storageClass ?? ''],
    ['ETag', stat.etag ?? ''],
    ['MD5', stat.md5 ?? ''],
    ['CRC32C', stat.crc32c ?? '']
  ];
  for (const [name, value] of Object.entries(stat.metadata ?? {})) {
    rows.push([`Metadata: ${name}`, value]);
  }
  const table = h(
    'table',
    { className: 'jp-Buckets-properties' },
    rows
      .filter(([, value]) => value !== '')
      .map(([name, value]) =>
        h('tr', { attrs: { 'data-field': name } }, [
          h('th', { text: name }),
          h('td', { text: value })
        ])
      )
  );
  return new Widget({ node: table });
}
