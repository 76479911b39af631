// The rows of one level (buckets, or prefixes then objects), with the file
// browser's look and keys, and the loading, empty and error states.
import { folderIcon, LabIcon, Spinner } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import type { Message } from '@lumino/messaging';

import { pinIcon } from '../credentials/icons';
import { bucketIcon } from '../icons';
import { formatModified, formatSize } from '../format';
import type { BucketsChange, IBucketsEntry, IBucketsModel } from '../tokens';
import { renderError } from './errors';
import { h } from './dom';

/** Fast answers should not flash a spinner. */
const SPINNER_DELAY_MS = 150;

export class Listing extends Widget {
  constructor(
    private readonly _model: IBucketsModel,
    private readonly _iconFor: (name: string) => LabIcon
  ) {
    super({ node: h('div', { className: 'jp-Buckets-listing' }) });
    this._header = h('div', { className: 'jp-Buckets-header' }, [
      h('span', { className: 'jp-Buckets-headerName', text: 'Name' }),
      h('span', { className: 'jp-Buckets-headerSize', text: 'Size' }),
      h('span', { className: 'jp-Buckets-headerModified', text: 'Modified' })
    ]);
    this._content = h('ul', {
      className: 'jp-Buckets-content',
      attrs: { tabindex: '0', role: 'listbox', 'aria-label': 'Bucket contents' }
    });
    this._status = h('div', { className: 'jp-Buckets-status' });
    this._spinner = new Spinner();
    this._spinner.addClass('jp-Buckets-spinner');
    this.node.append(
      this._header,
      h('div', { className: 'jp-Buckets-body' }, [this._content, this._status])
    );
    this._content.addEventListener('click', this._onClick);
    this._content.addEventListener('dblclick', this._onDoubleClick);
    this._content.addEventListener('keydown', this._onKeyDown);
    this._model.stateChanged.connect(this._onChange, this);
    this._renderRows(true);
    this._renderStatus();
  }

  dispose(): void {
    window.clearTimeout(this._spinnerTimer);
    this._spinner.dispose();
    super.dispose();
  }

  protected onActivateRequest(_msg: Message): void {
    this._content.focus();
  }

  private _onChange(_: IBucketsModel, change: BucketsChange): void {
    if (change === 'entries') {
      this._renderRows(false);
    } else if (change === 'location') {
      this._selected = -1;
    }
    if (change === 'loading') {
      this._onLoading();
    }
    this._renderStatus();
  }

  /**
   * Sync the rows with the model's entries. Rows of earlier pages are kept
   * (the model appends pages keeping entry identity); a new page that brings
   * prefixes reorders the tail (prefixes come first), so rebuild from there.
   */
  private _renderRows(reset: boolean): void {
    const entries = this._model.entries;
    const rows = Array.from(
      this._content.querySelectorAll<HTMLElement>('.jp-Buckets-item')
    );
    let keep = 0;
    if (!reset) {
      while (
        keep < rows.length &&
        keep < entries.length &&
        this._renderedEntries[keep] === entries[keep]
      ) {
        keep += 1;
      }
    }
    this._content.querySelector('.jp-Buckets-loadMore')?.remove();
    rows.slice(keep).forEach(row => row.remove());
    const fragment = document.createDocumentFragment();
    for (let i = keep; i < entries.length; i++) {
      fragment.append(this._renderRow(entries[i], i));
    }
    this._content.append(fragment);
    this._renderedEntries = entries;
    if (this._selected >= entries.length) {
      this._selected = -1;
    }
    const buckets = this._isBucketList();
    this._header.classList.toggle('jp-mod-buckets', buckets);
    // Buckets carry their creation time; objects their modification time.
    this._header.querySelector('.jp-Buckets-headerModified')!.textContent =
      buckets ? 'Created' : 'Modified';
    this._updateSelection(false);
  }

  private _renderRow(entry: IBucketsEntry, index: number): HTMLElement {
    const icon =
      entry.kind === 'bucket'
        ? bucketIcon
        : entry.kind === 'bookmark'
          ? pinIcon
          : entry.kind === 'prefix'
            ? folderIcon
            : this._iconFor(entry.name);
    const modified = formatModified(entry.modified);
    const row = h(
      'li',
      {
        className: `jp-Buckets-item jp-mod-${entry.kind}`,
        title: this._describe(entry),
        attrs: {
          role: 'option',
          'aria-selected': 'false',
          'data-name': entry.name,
          'data-kind': entry.kind,
          'data-path': entry.path,
          'data-index': String(index)
        }
      },
      [
        icon.element({ className: 'jp-Buckets-itemIcon', tag: 'span' }),
        h('span', { className: 'jp-Buckets-itemName', text: entry.name }),
        h('span', {
          className: 'jp-Buckets-itemSize',
          text: entry.size === undefined ? '' : formatSize(entry.size),
          title: entry.size === undefined ? '' : `${entry.size} bytes`
        }),
        h(
          'span',
          { className: 'jp-Buckets-itemModified', title: modified.title },
          [
            h('span', { className: 'jp-Buckets-long', text: modified.text }),
            h('span', { className: 'jp-Buckets-narrow', text: modified.narrow })
          ]
        )
      ]
    );
    return row;
  }

  private _describe(entry: IBucketsEntry): string {
    const { remote, bucket } = this._model.location;
    switch (entry.kind) {
      case 'bucket':
        return `${remote}:${entry.path}\nDouble-click to open`;
      case 'bookmark':
        return `Bookmark: ${remote}:${entry.path}\nClick to open`;
      case 'prefix':
        return `${remote}:${bucket}/${entry.path}\nDouble-click to open`;
      default: {
        const details = [formatSize(entry.size ?? -1)];
        const modified = formatModified(entry.modified).title;
        if (modified) {
          details.push(`modified ${modified}`);
        }
        return `${remote}:${bucket}/${entry.path}\n${details.join(', ')}`;
      }
    }
  }

  private _isBucketList(): boolean {
    return this._model.location.bucket === null;
  }

  private _onLoading(): void {
    window.clearTimeout(this._spinnerTimer);
    this._spinnerShown = false;
    if (this._model.loading) {
      this._spinnerTimer = window.setTimeout(() => {
        this._spinnerShown = this._model.loading;
        this._renderStatus();
      }, SPINNER_DELAY_MS);
    }
  }

  /** The overlay (spinner, empty, error) and the 'Load more' row. */
  private _renderStatus(): void {
    const { loading, error, entries, cursor, location } = this._model;
    const loadingMore = loading && cursor !== null && entries.length > 0;
    let overlay: Node | null = null;
    if (error) {
      overlay = renderError(error, () => void this._model.refresh());
    } else if (loading && this._spinnerShown && !loadingMore) {
      overlay = this._spinner.node;
    } else if (!loading && entries.length === 0 && location.remote !== null) {
      overlay = h('div', {
        className: 'jp-Buckets-empty',
        text:
          location.bucket === null
            ? 'No buckets in this remote'
            : location.prefix
              ? 'This folder is empty'
              : 'This bucket is empty'
      });
    }
    this.node.classList.toggle('jp-mod-error', error !== null);
    // Column titles mean nothing above an error or before a remote is chosen.
    this._header.hidden = error !== null || location.remote === null;
    this.node.classList.toggle(
      'jp-mod-loading',
      loading && this._spinnerShown && !loadingMore && entries.length > 0
    );
    if (overlay) {
      if (this._status.firstChild !== overlay) {
        this._status.replaceChildren(overlay);
      }
      this._status.hidden = false;
    } else {
      this._status.replaceChildren();
      this._status.hidden = true;
    }
    this._renderLoadMore(loadingMore);
  }

  private _renderLoadMore(loadingMore: boolean): void {
    const { cursor, entries, error } = this._model;
    let row = this._content.querySelector<HTMLElement>('.jp-Buckets-loadMore');
    if (cursor === null || entries.length === 0 || error) {
      row?.remove();
      return;
    }
    if (!row) {
      const button = h('button', {
        className: 'jp-Buckets-loadMoreButton'
      });
      button.addEventListener('click', () => void this._model.loadMore());
      row = h('li', { className: 'jp-Buckets-loadMore' }, [
        h('span', { className: 'jp-Buckets-loadMoreCount' }),
        button
      ]);
      this._content.append(row);
    }
    const count = row.querySelector('.jp-Buckets-loadMoreCount')!;
    count.textContent = `${entries.length.toLocaleString()} items shown`;
    row.title = `More entries in this ${
      this._model.location.prefix ? 'folder' : 'bucket'
    } than one page: load them page by page.`;
    const button = row.querySelector('button')!;
    button.textContent = loadingMore ? 'Loading…' : 'Load more';
    button.disabled = loadingMore;
  }

  private _rowAt(target: EventTarget | null): HTMLElement | null {
    return (target as HTMLElement).closest<HTMLElement>('.jp-Buckets-item');
  }

  private _onClick = (event: MouseEvent): void => {
    const row = this._rowAt(event.target);
    if (row) {
      this._selected = Number(row.dataset.index);
      this._updateSelection(false);
      // Bookmarks are shortcuts: one click goes there.
      if (row.dataset.kind === 'bookmark') {
        this._open(this._selected);
      }
    }
  };

  private _onDoubleClick = (event: MouseEvent): void => {
    const row = this._rowAt(event.target);
    if (row) {
      this._open(Number(row.dataset.index));
    }
  };

  private _onKeyDown = (event: KeyboardEvent): void => {
    const count = this._model.entries.length;
    if (!count) {
      return;
    }
    let next = this._selected;
    switch (event.key) {
      case 'ArrowDown':
        next = Math.min(count - 1, this._selected + 1);
        break;
      case 'ArrowUp':
        next = Math.max(0, this._selected - 1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = count - 1;
        break;
      case 'Enter':
        if (this._selected >= 0) {
          this._open(this._selected);
        }
        event.preventDefault();
        return;
      default:
        return;
    }
    event.preventDefault();
    this._selected = next;
    this._updateSelection(true);
  };

  private _open(index: number): void {
    const entry = this._model.entries[index];
    if (!entry) {
      return;
    }
    if (entry.kind === 'bookmark') {
      const slash = entry.path.indexOf('/');
      void this._model.openPath(
        slash < 0 ? entry.path : entry.path.slice(0, slash),
        slash < 0 ? '' : entry.path.slice(slash + 1)
      );
    } else if (entry.kind === 'bucket') {
      void this._model.openBucket(entry.path);
    } else if (entry.kind === 'prefix') {
      void this._model.openPrefix(entry.path);
    }
    // Objects: opening and downloading come with the read API.
  }

  private _updateSelection(scroll: boolean): void {
    const previous = this._content.querySelector('.jp-mod-selected');
    previous?.classList.remove('jp-mod-selected');
    previous?.setAttribute('aria-selected', 'false');
    if (this._selected < 0) {
      return;
    }
    const row = this._content.querySelector<HTMLElement>(
      `.jp-Buckets-item[data-index="${this._selected}"]`
    );
    if (row) {
      row.classList.add('jp-mod-selected');
      row.setAttribute('aria-selected', 'true');
      if (scroll) {
        row.scrollIntoView({ block: 'nearest' });
      }
    }
  }

  private readonly _header: HTMLElement;
  private readonly _content: HTMLUListElement;
  private readonly _status: HTMLElement;
  private readonly _spinner: Spinner;
  private _spinnerTimer = 0;
  private _spinnerShown = false;
  private _selected = -1;
  private _renderedEntries: ReadonlyArray<IBucketsEntry> = [];
}
