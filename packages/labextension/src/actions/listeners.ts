// Objects open like files in the file browser: double-click, or Enter on the
// selected object. The listing opens folders itself.
import type { IDocumentManager } from '@jupyterlab/docmanager';

import { documentPath } from '../drive/paths';
import type { IBucketsEntry, IBucketsModel } from '../tokens';

export function openOnActivate(
  panel: HTMLElement,
  model: IBucketsModel,
  docManager: IDocumentManager
): void {
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
