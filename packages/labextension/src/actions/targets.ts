// Which entries an action is about: the row under the context menu (and the
// other selected entries when it is one of them), else the selection. Read
// from the model, never from the rendered rows: the listing is virtualized,
// so a selected entry scrolled out of view has no row in the DOM.
import type { ZarrVersion } from '@jupyter-buckets/core';

import type { IBucketsEntry, IBucketsModel } from '../tokens';

export interface ITarget {
  kind: 'object' | 'prefix';
  remote: string;
  bucket: string;
  /** The object's key, or the prefix ending with '/'. */
  key: string;
  name: string;
  /** Bytes, for objects. */
  size?: number;
  /** A folder that is a Zarr store of this format. */
  zarr?: ZarrVersion;
}

/** The rows of objects: the actions that read or change one object. */
export const OBJECT_ROW = '.jp-Buckets .jp-Buckets-item[data-kind="object"]';
/** Folders (Zarr stores included). */
export const PREFIX_ROW = '.jp-Buckets .jp-Buckets-item[data-kind="prefix"]';
/** Folders that are Zarr stores. */
export const ZARR_ROW = '.jp-Buckets .jp-Buckets-item[data-zarr]';
/** Objects and folders (one selector: Lumino refuses commas in menu selectors). */
export const ENTRY_ROW =
  '.jp-Buckets .jp-Buckets-item:not([data-kind="bucket"]):not([data-kind="bookmark"])';

export function isRow(node: HTMLElement): boolean {
  return node.classList?.contains('jp-Buckets-item') ?? false;
}

function toTarget(entry: IBucketsEntry, model: IBucketsModel): ITarget | null {
  const { remote, bucket } = model.location;
  if (
    remote === null ||
    bucket === null ||
    (entry.kind !== 'object' && entry.kind !== 'prefix')
  ) {
    return null;
  }
  return {
    kind: entry.kind,
    remote,
    bucket,
    key: entry.path,
    name: entry.name,
    size: entry.size,
    ...(entry.zarr ? { zarr: entry.zarr } : {})
  };
}

function toTargets(
  entries: ReadonlyArray<IBucketsEntry>,
  model: IBucketsModel
): ITarget[] {
  return entries
    .map(entry => toTarget(entry, model))
    .filter((target): target is ITarget => target !== null);
}

/**
 * What an action started on the row `hit` is about when that is not the
 * selection: the row alone (nothing when its entry is gone). null when the
 * action is about the selection (no row, or a selected one). Only the row's
 * identity is read from the DOM.
 */
function hitAlone(
  hit: HTMLElement | null | undefined,
  model: IBucketsModel
): IBucketsEntry[] | null {
  const path = hit?.dataset.path;
  if (path === undefined || model.selection.has(path)) {
    return null;
  }
  const entry = model.entry(path);
  return entry ? [entry] : [];
}

/**
 * The targets of an action started on `hit` (a row), or from the palette or
 * a key (null), among the loaded entries: for enabling and labelling
 * commands. Acting on them takes `resolveTargets`.
 */
export function targetsOf(
  hit: HTMLElement | null | undefined,
  model: IBucketsModel
): ITarget[] {
  return toTargets(hitAlone(hit, model) ?? model.selectedEntries, model);
}

/** What an action acts on: as `targetsOf`, with a select-all complete (every page loaded). */
export async function resolveTargets(
  hit: HTMLElement | null | undefined,
  model: IBucketsModel
): Promise<ITarget[]> {
  return toTargets(
    hitAlone(hit, model) ?? (await model.completeSelection()),
    model
  );
}

/**
 * The prefix of the folder shown when the targets are everything in it
 * (select-all without a filter, not a single row outside the selection):
 * one job can then copy the folder instead of one job per entry. null
 * otherwise.
 */
export function wholeFolderOf(
  hit: HTMLElement | null | undefined,
  model: IBucketsModel
): string | null {
  const { bucket, prefix } = model.location;
  if (
    bucket === null ||
    !model.allSelected ||
    model.filter !== '' ||
    hitAlone(hit, model) !== null
  ) {
    return null;
  }
  return prefix;
}

/** How a confirmation names the targets: "the folder results", "notes.txt", "100,000 objects", "12 items". */
export function describeTargets(all: ReadonlyArray<ITarget>): string {
  if (all.length === 1) {
    return `${all[0].kind === 'prefix' ? 'the folder ' : ''}${all[0].name}`;
  }
  const kinds = new Set(all.map(t => t.kind));
  const noun =
    kinds.size > 1 ? 'item' : kinds.has('prefix') ? 'folder' : 'object';
  return plural(all.length, noun);
}

/** "1 object", "100,000 objects": grouped the same in every locale, as the listing's count line. */
export function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
}
