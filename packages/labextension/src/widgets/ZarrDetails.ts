// A Zarr store in a dialog: its format, whether its metadata is consolidated,
// its groups and arrays (shape, dtype, chunks, compressor), from the
// metadata objects alone; and what to do with it: count its size, copy or
// insert the code that opens it. The metadata was written by whoever can
// write to the bucket: it is only ever set as text.
import type { IFolderSize, IZarrNode, IZarrStore } from '@jupyter-buckets/core';
import { Widget } from '@lumino/widgets';

import { formatSize } from '../format';
import { h } from './dom';

export interface IZarrDetailsActions {
  /** Count objects and bytes; calls `onProgress`; resolves with the total or null when stopped. */
  countSize(
    onProgress: (size: IFolderSize) => void,
    signal: AbortSignal
  ): Promise<IFolderSize | null>;
  copySnippet(): Promise<void>;
  insertSnippet(): Promise<void>;
  /** Whether a notebook is open to insert into. */
  canInsert(): boolean;
}

function dims(values: number[] | undefined): string {
  return values ? values.join(' × ') : '';
}

/** "1,234 objects, 5.6 MB" */
export function sizeText(size: IFolderSize): string {
  const objects = `${size.objects.toLocaleString('en')} object${size.objects === 1 ? '' : 's'}`;
  return `${objects}, ${formatSize(size.bytes)}${size.complete ? '' : ' so far…'}`;
}

export class ZarrDetails extends Widget {
  constructor(
    private readonly _store: IZarrStore,
    private readonly _actions: IZarrDetailsActions
  ) {
    super();
    this.addClass('jp-Buckets-zarrDetails');
    const store = this._store;
    const facts = h('p', {
      className: 'jp-Buckets-zarrFacts',
      text: `Zarr format ${store.version}, ${store.consolidated ? 'consolidated metadata' : 'metadata not consolidated'}; ${this._counts()}`
    });
    const table = h('table', { className: 'jp-Buckets-zarrNodes' }, [
      h('thead', {}, [
        h(
          'tr',
          {},
          ['Path', 'Kind', 'Shape', 'Data type', 'Chunks', 'Compressor'].map(
            name => h('th', { text: name })
          )
        )
      ]),
      h(
        'tbody',
        {},
        store.nodes.map(node => this._row(node))
      )
    ]);
    const more = store.truncated
      ? [
          h('p', {
            text: `Only the first ${store.nodes.length} groups and arrays are shown.`
          })
        ]
      : [];
    this._size = h('span', {
      className: 'jp-Buckets-zarrSize',
      attrs: { 'aria-live': 'polite' }
    });
    this._sizeButton = this._button('Calculate Size', () => this._toggleSize());
    const insert = this._button('Insert into Notebook', () =>
      this._actions.insertSnippet()
    );
    if (!this._actions.canInsert()) {
      insert.disabled = true;
      insert.title = 'Open a notebook first';
    }
    const actions = h('div', { className: 'jp-Buckets-zarrActions' }, [
      this._sizeButton,
      this._size,
      this._button('Copy Open Snippet', () => this._actions.copySnippet()),
      insert
    ]);
    this.node.append(facts, table, ...more, actions);
  }

  dispose(): void {
    this._counting?.abort();
    super.dispose();
  }

  private _counts(): string {
    const arrays = this._store.nodes.filter(n => n.kind === 'array').length;
    const groups = this._store.nodes.length - arrays;
    return `${groups} group${groups === 1 ? '' : 's'}, ${arrays} array${arrays === 1 ? '' : 's'}`;
  }

  private _row(node: IZarrNode): HTMLElement {
    return h('tr', { attrs: { 'data-path': node.path } }, [
      h('td', { text: node.path || '/' }),
      h('td', { text: node.kind }),
      h('td', { text: dims(node.shape) }),
      h('td', { text: node.dtype ?? '' }),
      h('td', { text: dims(node.chunks) }),
      h('td', { text: node.compressor ?? '' })
    ]);
  }

  private _button(label: string, run: () => Promise<void>): HTMLButtonElement {
    const button = h('button', {
      className: 'jp-Button jp-mod-styled jp-mod-reject',
      text: label
    });
    button.type = 'button';
    button.addEventListener('click', () => {
      void run();
    });
    return button;
  }

  private async _toggleSize(): Promise<void> {
    if (this._counting) {
      this._counting.abort();
      return;
    }
    const counting = new AbortController();
    this._counting = counting;
    this._sizeButton.textContent = 'Stop';
    this._size.textContent = 'Counting…';
    try {
      const total = await this._actions.countSize(size => {
        this._size.textContent = sizeText(size);
      }, counting.signal);
      if (!total) {
        this._size.textContent += ' (stopped)';
      }
    } catch (error) {
      this._size.textContent = (error as Error).message;
    } finally {
      this._counting = undefined;
      this._sizeButton.textContent = 'Calculate Size';
    }
  }

  private readonly _size: HTMLElement;
  private readonly _sizeButton: HTMLButtonElement;
  private _counting: AbortController | undefined;
}
