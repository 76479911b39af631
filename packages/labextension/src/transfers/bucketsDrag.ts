// Rows of the Buckets panel (objects, folders) dragged out: a Lumino drag
// carrying them, which the file browser (fileBrowserDrop.ts) or a folder row
// of the panel (bucketsDrop.ts) turns into copy jobs.
import { MimeData } from '@lumino/coreutils';
import { Drag } from '@lumino/dragdrop';

import type { IBucketsEntry, IBucketsModel } from '../tokens';
import { h } from '../widgets/dom';
import { BUCKET_ENTRIES_MIME, type IBucketEntries } from './entries';

/** Pixels the pointer moves before a press on a row becomes a drag (as in the file browser). */
const DRAG_THRESHOLD = 5;
const ROW = '.jp-Buckets-item';

/**
 * The entries a gesture on `row` is about: the selection when the row is in
 * it (read from the model: most selected entries have no row in the DOM),
 * else that row alone. Only the row's identity is read from the DOM.
 * `selected` replaces the model's loaded selection (the clipboard passes the
 * complete one). null when there is nothing to carry, or when a select-all
 * with a filter is still loading: its entries are not all known, and
 * carrying the known ones would act on part of the selection.
 */
export function entriesFor(
  buckets: IBucketsModel,
  row: HTMLElement | null,
  selected: ReadonlyArray<IBucketsEntry> = buckets.selectedEntries
): IBucketEntries | null {
  const { remote, bucket, prefix } = buckets.location;
  if (remote === null || bucket === null) {
    return null;
  }
  const path = row?.dataset.path;
  const alone = path !== undefined && !buckets.selection.has(path);
  const hit = alone ? buckets.entry(path) : undefined;
  const entries = alone ? (hit ? [hit] : []) : selected;
  const whole = !alone && buckets.allSelected && buckets.filter === '';
  if (!alone && buckets.allSelected && !whole && buckets.cursor !== null) {
    return null;
  }
  const moving = entries.filter(
    (entry): entry is IBucketsEntry & { kind: 'object' | 'prefix' } =>
      entry.kind === 'object' || entry.kind === 'prefix'
  );
  return moving.length
    ? {
        remote,
        bucket,
        entries: moving.map(entry => ({
          kind: entry.kind,
          key: entry.path,
          name: entry.name
        })),
        ...(whole ? { folder: prefix } : {})
      }
    : null;
}

/** Start drags from the rows of the Buckets panel (its node: `panel`). */
export function addBucketsDrag(
  buckets: IBucketsModel,
  panel: HTMLElement
): void {
  let press: { x: number; y: number; row: HTMLElement } | null = null;

  const onMove = (event: MouseEvent): void => {
    if (!press) {
      return;
    }
    const dx = Math.abs(event.clientX - press.x);
    const dy = Math.abs(event.clientY - press.y);
    if (dx < DRAG_THRESHOLD && dy < DRAG_THRESHOLD) {
      return;
    }
    const row = press.row;
    stop();
    const data = entriesFor(buckets, row);
    if (!data) {
      return;
    }
    const drag = new Drag({
      mimeData: new MimeData(),
      dragImage: dragImage(
        row,
        // Select-all still loading: the count is not known yet.
        data.folder !== undefined && buckets.cursor !== null
          ? 'all'
          : data.entries.length
      ),
      proposedAction: 'copy',
      supportedActions: 'copy',
      source: panel
    });
    drag.mimeData.setData(BUCKET_ENTRIES_MIME, data);
    void drag.start(event.clientX, event.clientY);
  };
  const stop = (): void => {
    press = null;
    document.removeEventListener('mousemove', onMove, true);
    document.removeEventListener('mouseup', stop, true);
  };
  panel.addEventListener('mousedown', event => {
    const row = (event.target as HTMLElement).closest<HTMLElement>(ROW);
    const kind = row?.dataset.kind;
    if (
      !row ||
      event.button !== 0 ||
      event.shiftKey ||
      (kind !== 'object' && kind !== 'prefix')
    ) {
      return;
    }
    press = { x: event.clientX, y: event.clientY, row };
    document.addEventListener('mousemove', onMove, true);
    document.addEventListener('mouseup', stop, true);
  });
}

function dragImage(row: HTMLElement, count: number | 'all'): HTMLElement {
  const image = h('div', { className: 'jp-Buckets-dragImage' }, [
    h('span', {
      text: row.dataset.name ?? ''
    })
  ]);
  if (count === 'all' || count > 1) {
    image.append(
      h('span', {
        className: 'jp-Buckets-dragCount',
        text: count === 'all' ? 'all' : count.toLocaleString('en')
      })
    );
  }
  return image;
}
