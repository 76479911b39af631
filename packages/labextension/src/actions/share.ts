// Handing an object or folder to other tools and people: its URI, Python
// code that opens it, or a presigned link. Never a secret.
import {
  objectRoutes,
  objectUri,
  uriScheme,
  type IShareLink
} from '@jupyter-buckets/core';
import { InputDialog } from '@jupyterlab/apputils';
import { copyIcon, linkIcon, pythonIcon } from '@jupyterlab/ui-components';

import { requestAPI } from '../api';
import type { ICommandSpec } from '../commands';
import { CommandIDs } from '../tokens';
import { guard, guardOne, type IActionContext } from './context';
import { copyText } from './copyText';
import { snippetOf } from './zarr';
import { ENTRY_ROW, OBJECT_ROW } from './targets';

/** Share link lifetimes offered (S3 and GCS signatures last 7 days at most). */
const SHARE_EXPIRY: Record<string, number> = {
  '1 hour': 3600,
  '1 day': 24 * 3600,
  '7 days': 7 * 24 * 3600
};

export function shareSpecs(ctx: IActionContext): ICommandSpec[] {
  const { model, providerOf } = ctx;
  return [
    {
      id: CommandIDs.copyURI,
      label: () =>
        `Copy ${uriScheme(providerOf(model.location.remote ?? ''))}:// URI`,
      caption: 'Copy the URI other tools use for this object or folder',
      icon: copyIcon,
      isEnabled: () => ctx.targets().length > 0,
      execute: guard('Copy failed', async () => {
        const text = (await ctx.allTargets())
          .map(t => objectUri(providerOf(t.remote), t.bucket, t.key))
          .join('\n');
        await copyText(text);
      }),
      contextMenu: { selector: ENTRY_ROW, rank: 6 },
      palette: true
    },
    {
      id: CommandIDs.copySnippet,
      label: 'Copy Python Snippet',
      caption:
        'Copy Python code that opens this with fsspec, pandas or xarray (a Zarr store with xr.open_zarr; no secret in it)',
      icon: pythonIcon,
      isEnabled: () => ctx.one() !== undefined,
      execute: guardOne('Copy failed', ctx.one, async target => {
        await copyText(await snippetOf(ctx, target));
      }),
      contextMenu: { selector: ENTRY_ROW, rank: 7 },
      palette: true
    },
    {
      id: CommandIDs.copyShareLink,
      label: 'Copy Share Link…',
      caption:
        'Copy a presigned link that opens the object without credentials, for a chosen time',
      icon: linkIcon,
      isEnabled: () => ctx.oneObject() !== undefined,
      execute: guardOne('No share link', ctx.oneObject, async target => {
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
        const { remote, bucket, key } = target;
        const expiry = SHARE_EXPIRY[choice.value];
        const link = await requestAPI<IShareLink>(
          objectRoutes.share(remote, bucket, key, expiry)
        );
        await copyText(link.url);
      }),
      contextMenu: { selector: OBJECT_ROW, rank: 8 },
      palette: true
    }
  ];
}
