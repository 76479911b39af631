// Download to this computer through the browser, or to the Jupyter server's
// disk as a transfer job.
import { PathExt } from '@jupyterlab/coreutils';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { downloadIcon } from '@jupyterlab/ui-components';

import type { ICommandSpec } from '../commands';
import { CommandIDs } from '../tokens';
import { localLocation, remoteLocation, startJobs } from '../transfers';
import { h } from '../widgets/dom';
import { guard, pathOf, type IActionContext } from './context';
import { ENTRY_ROW, OBJECT_ROW, wholeFolderOf } from './targets';

export function downloadSpecs(ctx: IActionContext): ICommandSpec[] {
  const { app, model, transfers } = ctx;
  return [
    {
      id: CommandIDs.download,
      label: 'Download',
      caption: 'Download to your computer',
      icon: downloadIcon,
      isEnabled: () => ctx.objects().length > 0,
      execute: guard('Download failed', async () => {
        for (const target of await ctx.allObjects()) {
          const url = await app.serviceManager.contents.getDownloadUrl(
            pathOf(target)
          );
          const link = h('a', { attrs: { href: url, download: target.name } });
          link.style.display = 'none';
          document.body.append(link);
          link.click();
          link.remove();
        }
      }),
      contextMenu: { selector: OBJECT_ROW, rank: 3 },
      palette: true
    },
    {
      id: CommandIDs.downloadToDisk,
      label: 'Download to Jupyter',
      caption:
        "Copy to the file browser's current folder on the Jupyter server's disk, as a transfer job (any size)",
      icon: downloadIcon,
      isVisible: () => Boolean(transfers),
      isEnabled: () => ctx.targets().length > 0,
      execute: guard('Download to Jupyter failed', async () => {
        const whole = wholeFolderOf(ctx.hit(), model);
        const { remote, bucket } = model.location;
        const all = await ctx.allTargets();
        const folder = localFolder(ctx.fileBrowser);
        if (!transfers) {
          return;
        }
        // The sidecar copies bucket to disk itself: no browser memory, no cap.
        // Everything in the folder shown is one job (its contents into the
        // destination, as the entries one by one would go), not 100,000.
        // Files that exist on the disk are asked about by startJobs.
        await startJobs(
          app.commands,
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
      }),
      contextMenu: { selector: ENTRY_ROW, rank: 4 },
      palette: true
    }
  ];
}

/** The file browser's folder on the Jupyter disk ('' at the root, or when it shows another drive). */
function localFolder(browser?: IDefaultFileBrowser | null): string {
  const path = browser?.model.path ?? '';
  return path.includes(':') ? '' : path;
}
