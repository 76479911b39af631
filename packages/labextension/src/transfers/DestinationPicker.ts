// The destination part of the transfer dialogs: a remote, a bucket (suggested
// from the remote's buckets and bookmarks, or typed: many pods refuse to list
// buckets), a folder within it, and the recent destinations one click away;
// for copies out of a bucket, the Jupyter disk too.
import { parseLocation, PROVIDERS, type IRemote } from '@jupyter-buckets/core';
import { Signal, type ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import type { Message } from '@lumino/messaging';

import { folderRefusal, purgeWarning } from '../rules';
import { h } from '../widgets/dom';
import { describeLocation, localLocation, remoteLocation } from './locations';

/** Ids of the form's labels and inputs are unique per dialog. */
let pickers = 0;

export interface IDestination {
  remote: string;
  bucket: string;
  /** A folder in the bucket: '' or ending with '/'. */
  path: string;
}

/** A folder of the Jupyter server's disk. */
export interface IDiskDestination {
  disk: true;
  /** Relative to the Jupyter root: '' or ending with '/'. */
  path: string;
}

/**
 * The remote picker's value for the Jupyter disk: a remote's name never has
 * a ':' (it ends the name in a location).
 */
const DISK_CHOICE = ':jupyter-disk';

export interface IDestinationPickerOptions {
  remotes: ReadonlyArray<IRemote>;
  initial: IDestination | null;
  /** 'remote:bucket/path/' strings, newest first. */
  recent: string[];
  /** Bucket names of a remote, for suggestions ([] when it cannot list them). */
  listBuckets: (remote: string) => Promise<string[]>;
  /** Offer a folder of the Jupyter disk too (for what comes from a bucket). */
  jupyterDisk?: boolean;
}

/** 'remote:bucket/folder/' of a destination, or the Jupyter disk's 'folder/'. */
export function destinationLocation(
  destination: IDestination | IDiskDestination
): string {
  return 'disk' in destination
    ? localLocation(destination.path, true)
    : remoteLocation(destination.remote, destination.bucket, destination.path);
}

/** A recent destination back into its parts (null if it no longer parses). */
export function parseDestination(text: string): IDestination | null {
  try {
    const location = parseLocation(text);
    return location.kind === 'remote' && location.bucket
      ? {
          remote: location.remote,
          bucket: location.bucket,
          path: normalizeFolder(location.path)
        }
      : null;
  } catch {
    return null;
  }
}

/** 'a//b' -> 'a/b/'; '' stays '' (the bucket root). */
export function normalizeFolder(path: string): string {
  const parts = path.split('/').filter(part => part !== '' && part !== '.');
  return parts.length ? `${parts.join('/')}/` : '';
}

export class DestinationPicker extends Widget {
  constructor(private readonly _options: IDestinationPickerOptions) {
    super({ node: h('div', { className: 'jp-Buckets-destination' }) });
    const id = `jp-Buckets-destination-${++pickers}`;
    this._remote = h('select', {
      className: 'jp-mod-styled',
      attrs: { name: 'remote', id: `${id}-remote` }
    });
    for (const remote of _options.remotes) {
      // A remote the hub admin made read-only is shown, but cannot be chosen.
      const readOnly = remote.policy?.readOnly === true;
      const option = h('option', {
        text: `${remote.name} (${PROVIDERS[remote.provider].label})${readOnly ? ', read-only' : ''}`,
        attrs: { value: remote.name }
      });
      option.disabled = readOnly;
      this._remote.append(option);
    }
    if (_options.jupyterDisk) {
      this._remote.append(
        h('option', {
          text: 'Jupyter disk (this server)',
          attrs: { value: DISK_CHOICE }
        })
      );
    }
    this._buckets = h('datalist', { attrs: { id: `${id}-buckets` } });
    this._bucket = h('input', {
      className: 'jp-mod-styled',
      attrs: {
        name: 'bucket',
        id: `${id}-bucket`,
        list: `${id}-buckets`,
        autocomplete: 'off',
        spellcheck: 'false',
        placeholder: 'bucket name'
      }
    });
    this._path = h('input', {
      className: 'jp-mod-styled',
      attrs: {
        name: 'path',
        id: `${id}-path`,
        autocomplete: 'off',
        spellcheck: 'false',
        placeholder: 'folder/in/bucket/ (empty: its root)'
      }
    });
    this._preview = h('code', { className: 'jp-Buckets-destinationPreview' });
    this._notice = h('div', {
      className: 'jp-Buckets-destinationNotice',
      attrs: { role: 'status' }
    });
    const field = (label: string, input: HTMLElement, forId: string) =>
      h('div', { className: 'jp-Buckets-destinationField' }, [
        h('label', { text: label, attrs: { for: forId } }),
        input
      ]);
    this._bucketField = field('Bucket', this._bucket, `${id}-bucket`);
    this.node.append(
      field('Remote', this._remote, `${id}-remote`),
      this._bucketField,
      this._buckets,
      field('Folder', this._path, `${id}-path`),
      h('div', { className: 'jp-Buckets-destinationSummary' }, [
        h('span', { text: 'Destination: ' }),
        this._preview
      ]),
      this._notice
    );
    const recent = _options.recent
      .map(text => ({ text, destination: parseDestination(text) }))
      .filter(item => item.destination !== null);
    if (recent.length) {
      this.node.append(
        h('div', { className: 'jp-Buckets-recent' }, [
          h('div', {
            className: 'jp-Buckets-recentTitle',
            text: 'Recent destinations'
          }),
          ...recent.map(item => {
            const button = h('button', {
              className: 'jp-Buckets-recentItem',
              text: item.text,
              attrs: { type: 'button', title: `Copy to ${item.text}` }
            });
            button.addEventListener('click', () =>
              this._set(item.destination!)
            );
            return button;
          })
        ])
      );
    }
    this._remote.addEventListener('change', () => {
      this._bucket.value = '';
      this._path.value = '';
      void this._suggestBuckets();
      this._changed();
    });
    this._bucket.addEventListener('input', () => this._changed());
    this._path.addEventListener('input', () => this._changed());
    const first = _options.remotes.find(r => !r.policy?.readOnly);
    const initial =
      _options.initial ??
      (first ? { remote: first.name, bucket: '', path: '' } : null);
    if (initial) {
      this._set(initial);
    } else {
      this._changed();
    }
  }

  /** Fires whenever the destination shown changes (typed, picked, a recent one). */
  get changed(): ISignal<this, void> {
    return this._changedSignal;
  }

  /** The chosen destination, or null while the bucket is missing. */
  getValue(): IDestination | IDiskDestination | null {
    const remote = this._remote.value;
    if (remote === DISK_CHOICE) {
      return { disk: true, path: normalizeFolder(this._path.value.trim()) };
    }
    const bucket = this._bucket.value.trim().replace(/^\/+|\/+$/g, '');
    if (!remote || !bucket || bucket.includes('/')) {
      return null;
    }
    return { remote, bucket, path: normalizeFolder(this._path.value.trim()) };
  }

  /** The chosen destination as a location, or null. */
  location(): string | null {
    const value = this.getValue();
    return value ? destinationLocation(value) : null;
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._changed();
    (this._bucket.value || this._onDisk() ? this._path : this._bucket).focus();
  }

  dispose(): void {
    Signal.clearData(this);
    super.dispose();
  }

  private _onDisk(): boolean {
    return this._remote.value === DISK_CHOICE;
  }

  private _set(destination: IDestination): void {
    const known = this._options.remotes.some(
      r => r.name === destination.remote
    );
    if (!known) {
      return;
    }
    const remoteChanged = this._remote.value !== destination.remote;
    this._remote.value = destination.remote;
    this._bucket.value = destination.bucket;
    this._path.value = destination.path;
    if (remoteChanged || !this._suggested) {
      void this._suggestBuckets();
    }
    this._changed();
  }

  private async _suggestBuckets(): Promise<void> {
    const remote = this._remote.value;
    this._suggested = remote;
    if (this._onDisk()) {
      return;
    }
    const names = new Set(await this._options.listBuckets(remote));
    const bookmarks =
      this._options.remotes.find(r => r.name === remote)?.bookmarks ?? [];
    for (const bookmark of bookmarks) {
      names.add(bookmark.path.split('/')[0]);
    }
    if (this._remote.value !== remote) {
      return; // the user moved on to another remote meanwhile
    }
    this._buckets.replaceChildren(
      ...[...names].sort().map(name => h('option', { attrs: { value: name } }))
    );
  }

  /**
   * Preview the location and allow OK only with a bucket the hub admin's
   * rules let us write to; warn when its files are purged.
   */
  private _changed(): void {
    const value = this.getValue();
    const disk = this._onDisk();
    this._bucketField.hidden = disk;
    this._path.placeholder = disk
      ? 'folder/on/disk/ (empty: the Jupyter root)'
      : 'folder/in/bucket/ (empty: its root)';
    this._preview.textContent = value
      ? describeLocation(destinationLocation(value))
      : 'choose a bucket';
    const remote = this._options.remotes.find(
      r => r.name === this._remote.value
    );
    const refusal =
      value && !('disk' in value)
        ? folderRefusal(remote, value.bucket, value.path)
        : undefined;
    const warning = purgeWarning(remote);
    this._notice.textContent = refusal ?? warning ?? '';
    this._notice.classList.toggle('jp-mod-refused', refusal !== undefined);
    this._notice.classList.toggle(
      'jp-mod-warning',
      refusal === undefined && warning !== undefined
    );
    const accept = this.node
      .closest('.jp-Dialog-content')
      ?.querySelector<HTMLButtonElement>('.jp-Dialog-button.jp-mod-accept');
    if (accept) {
      accept.disabled = value === null || refusal !== undefined;
    }
    this._changedSignal.emit(undefined);
  }

  private readonly _remote: HTMLSelectElement;
  private readonly _bucket: HTMLInputElement;
  private readonly _bucketField: HTMLElement;
  private readonly _buckets: HTMLDataListElement;
  private readonly _path: HTMLInputElement;
  private readonly _preview: HTMLElement;
  private readonly _notice: HTMLElement;
  private _suggested = '';
  private readonly _changedSignal = new Signal<this, void>(this);
}
