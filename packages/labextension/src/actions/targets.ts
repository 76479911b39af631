// Which entries an action is about: the row under the context menu (and the
// other selected rows when it is one of them), else the selected rows. Read
// from the rows' DOM attributes, so the listing view stays the only owner of
// rows and selection.
import type { IBucketsModel } from '../tokens';

export interface ITarget {
  kind: 'object' | 'prefix';
  remote: string;
  bucket: string;
  /** The object's key, or the prefix ending with '/'. */
  key: string;
  name: string;
}

const ROW = '.jp-Buckets-item';

export function isRow(node: HTMLElement): boolean {
  return node.classList?.contains('jp-Buckets-item') ?? false;
}

function toTarget(row: HTMLElement, model: IBucketsModel): ITarget | null {
  const { remote, bucket, prefix } = model.location;
  const kind = row.dataset.kind;
  const name = row.dataset.name;
  if (
    remote === null ||
    bucket === null ||
    name === undefined ||
    (kind !== 'object' && kind !== 'prefix')
  ) {
    return null;
  }
  const key =
    row.dataset.path ??
    (kind === 'prefix' ? `${prefix}${name}/` : `${prefix}${name}`);
  return { kind, remote, bucket, key, name };
}

/** The targets of an action started on `hit` (a row), or from the palette (null). */
export function targetsOf(
  hit: HTMLElement | null | undefined,
  panel: HTMLElement,
  model: IBucketsModel
): ITarget[] {
  const selected = Array.from(
    panel.querySelectorAll<HTMLElement>(`${ROW}.jp-mod-selected`)
  );
  const rows = hit && !selected.includes(hit) ? [hit] : selected;
  return rows
    .map(row => toTarget(row, model))
    .filter((target): target is ITarget => target !== null);
}
