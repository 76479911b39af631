// Zarr stores and folders as wholes: a store's details, any folder's size,
// and the code that opens an entry, copied or inserted into the notebook.
import {
  zarrRoutes,
  type IFsspecOpen,
  type IZarrStore
} from '@jupyter-buckets/core';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { addAboveIcon, infoIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { requestAPI } from '../api';
import type { ICommandSpec } from '../commands';
import { CommandIDs } from '../tokens';
import { h } from '../widgets/dom';
import { sizeText, ZarrDetails } from '../widgets/ZarrDetails';
import { guardOne, type IActionContext } from './context';
import { copyText } from './copyText';
import { canInsertIntoNotebook, insertIntoNotebook } from './notebook';
import { countFolder } from './size';
import { pythonSnippet } from './snippets';
import { ENTRY_ROW, PREFIX_ROW, ZARR_ROW, type ITarget } from './targets';

/** The code that opens `target`, with the sidecar's storage options for its remote (never a secret). */
export async function snippetOf(
  ctx: IActionContext,
  target: ITarget
): Promise<string> {
  const open = await requestAPI<IFsspecOpen>(zarrRoutes.fsspec(target.remote));
  return pythonSnippet(open, {
    remote: target.remote,
    provider: ctx.providerOf(target.remote),
    bucket: target.bucket,
    key: target.key,
    zarr: target.zarr
  });
}

async function insertSnippet(
  ctx: IActionContext,
  target: ITarget
): Promise<void> {
  if (!canInsertIntoNotebook(ctx.app)) {
    Notification.warning('Open a notebook to insert the code into.', {
      autoClose: 4000
    });
    return;
  }
  await insertIntoNotebook(ctx.app, await snippetOf(ctx, target));
}

function sizeBody(
  target: ITarget,
  signal: AbortSignal
): { widget: Widget; done: Promise<void> } {
  const text = h('p', {
    className: 'jp-Buckets-zarrSize',
    text: 'Counting…',
    attrs: { 'aria-live': 'polite' }
  });
  const widget = new Widget({ node: h('div', {}, [text]) });
  const done = countFolder(
    target.remote,
    target.bucket,
    target.key,
    size => {
      text.textContent = sizeText(size);
    },
    signal
  ).then(
    () => undefined,
    (error: Error) => {
      text.textContent = error.message;
    }
  );
  return { widget, done };
}

export function zarrSpecs(ctx: IActionContext): ICommandSpec[] {
  const folder = (): ITarget | undefined => {
    const target = ctx.one();
    return target?.kind === 'prefix' ? target : undefined;
  };
  const store = (): ITarget | undefined => {
    const target = folder();
    return target?.zarr ? target : undefined;
  };
  return [
    {
      id: CommandIDs.zarrDetails,
      label: 'Zarr Store Details…',
      caption:
        'Format, groups and arrays (shape, data type, chunks), read from the metadata alone',
      icon: infoIcon,
      isEnabled: () => store() !== undefined,
      execute: guardOne('Zarr store unreadable', store, async target => {
        const details = await requestAPI<IZarrStore>(
          zarrRoutes.store(target.remote, target.bucket, target.key)
        );
        const body = new ZarrDetails(details, {
          countSize: (onProgress, signal) =>
            countFolder(
              target.remote,
              target.bucket,
              target.key,
              onProgress,
              signal
            ),
          copySnippet: async () => copyText(await snippetOf(ctx, target)),
          insertSnippet: () => insertSnippet(ctx, target),
          canInsert: () => canInsertIntoNotebook(ctx.app)
        });
        await showDialog({
          title: `${target.name} (Zarr store)`,
          body,
          buttons: [Dialog.okButton({ label: 'Close' })]
        });
      }),
      contextMenu: { selector: ZARR_ROW, rank: 0.5 },
      palette: true
    },
    {
      id: CommandIDs.calculateSize,
      label: 'Calculate Size',
      caption: 'Count the objects and bytes under this folder',
      isEnabled: () => folder() !== undefined,
      execute: guardOne('Size unavailable', folder, async target => {
        const counting = new AbortController();
        const { widget, done } = sizeBody(target, counting.signal);
        // The dialog closes on Stop as on Close: both end the count.
        void done;
        await showDialog({
          title: `Size of ${target.name}`,
          body: widget,
          buttons: [Dialog.okButton({ label: 'Close' })]
        });
        counting.abort();
      }),
      contextMenu: { selector: PREFIX_ROW, rank: 12.5 },
      palette: true
    },
    {
      id: CommandIDs.insertSnippet,
      label: 'Insert Python Snippet into Notebook',
      caption:
        'Add code that opens this (xarray for a Zarr store, pandas for a CSV, fsspec otherwise) below the active cell',
      icon: addAboveIcon,
      isEnabled: () =>
        ctx.one() !== undefined && canInsertIntoNotebook(ctx.app),
      execute: guardOne('Insert failed', ctx.one, target =>
        insertSnippet(ctx, target)
      ),
      contextMenu: { selector: ENTRY_ROW, rank: 7.5 },
      palette: true
    }
  ];
}
