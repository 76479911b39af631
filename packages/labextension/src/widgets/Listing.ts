// The rows of one level (buckets, or prefixes then objects), with the file
// browser's look and keys, and the loading, empty and error states.
//
// Folders in climate buckets hold 100,000 objects and more, so the rows are
// virtualized: only the visible window (plus a margin) is in the DOM, every
// row has the same height, and a sizer gives the scroll area its full height.
// The windowing is written here (about 40 lines) rather than taken from
// JupyterLab: its DirListing renders every row, and a general virtual-list
// library would bring a framework for what is a fixed-height list.
import { folderIcon, LabIcon, Spinner } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import type { Message } from '@lumino/messaging';

import { pinIcon } from '../credentials/icons';
import { bucketIcon, zarrIcon } from '../icons';
import { formatModified, formatSize } from '../format';
import type {
  BucketsChange,
  IBucketsEntry,
  IBucketsModel,
  SortKey
} from '../tokens';
import { renderError } from './errors';
import { h } from './dom';
import { renderWelcome, type AddRemote } from './Welcome';

/** Fast answers should not flash a spinner. */
const SPINNER_DELAY_MS = 150;
/** Must match `.jp-Buckets-item` height in style/base.css. */
export const ROW_HEIGHT = 24;
/** Rows rendered above and below the visible ones. */
const MARGIN_ROWS = 20;
/** Fetch the next page when the view comes this close to the last loaded row. */
const PREFETCH_ROWS = 300;
/** Typing pauses this long before the filter asks the server. */
const FILTER_DELAY_MS = 250;

const COLUMNS: { key: SortKey; className: string; label: string }[] = [
  { key: 'name', className: 'jp-Buckets-headerName', label: 'Name' },
  { key: 'size', className: 'jp-Buckets-headerSize', label: 'Size' },
  {
    key: 'modified',
    className: 'jp-Buckets-headerModified',
    label: 'Modified'
  }
];

export class Listing extends Widget {
  constructor(
    private readonly _model: IBucketsModel,
    private readonly _iconFor: (name: string) => LabIcon,
    private readonly _addRemote?: AddRemote
  ) {
    super({ node: h('div', { className: 'jp-Buckets-listing' }) });
    this._filterInput = h('input', {
      className: 'jp-Buckets-filter jp-mod-styled',
      attrs: {
        type: 'search',
        placeholder: 'Filter: names starting with…',
        'aria-label': 'Filter by the start of the name',
        spellcheck: 'false'
      }
    });
    this._filterInput.addEventListener('input', this._onFilterInput);
    this._filterInput.addEventListener('keydown', this._onFilterKey);
    this._header = h(
      'div',
      { className: 'jp-Buckets-header' },
      COLUMNS.map(column => {
        const cell = h('span', {
          className: `${column.className} jp-Buckets-sortable`,
          text: column.label,
          attrs: { 'data-sort': column.key, role: 'button', tabindex: '0' }
        });
        cell.addEventListener('click', () => this._onSortClick(column.key));
        // Focusable and sorted from the keyboard, as a button is.
        cell.addEventListener('keydown', event => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            this._onSortClick(column.key);
          }
        });
        return cell;
      })
    );
    this._rows = h('ul', { className: 'jp-Buckets-rows' });
    this._sizer = h('div', { className: 'jp-Buckets-sizer' }, [this._rows]);
    this._content = h(
      'div',
      {
        className: 'jp-Buckets-content',
        attrs: {
          tabindex: '0',
          role: 'listbox',
          'aria-multiselectable': 'true',
          'aria-label': 'Bucket contents'
        }
      },
      [this._sizer]
    );
    this._status = h('div', { className: 'jp-Buckets-status' });
    this._count = h('div', {
      className: 'jp-Buckets-count',
      attrs: { 'aria-live': 'polite' }
    });
    this._spinner = new Spinner();
    this._spinner.addClass('jp-Buckets-spinner');
    this.node.append(
      this._filterInput,
      this._header,
      h('div', { className: 'jp-Buckets-body' }, [this._content, this._status]),
      this._count
    );
    this._content.addEventListener('scroll', this._onScroll, {
      passive: true
    });
    this._content.addEventListener('mousedown', this._onMouseDown);
    this._content.addEventListener('click', this._onClick);
    this._content.addEventListener('dblclick', this._onDoubleClick);
    this._content.addEventListener('keydown', this._onKeyDown);
    this._model.stateChanged.connect(this._onChange, this);
    this._model.selectionChanged.connect(this._scheduleRender, this);
    this._resizeObserver = new ResizeObserver(() => this._scheduleRender());
    this._resizeObserver.observe(this._content);
    this._onEntries();
    this._renderStatus();
  }

  dispose(): void {
    window.clearTimeout(this._spinnerTimer);
    window.clearTimeout(this._filterTimer);
    this._resizeObserver.disconnect();
    this._spinner.dispose();
    super.dispose();
  }

  protected onActivateRequest(_msg: Message): void {
    this._content.focus();
  }

  private _onChange(_: IBucketsModel, change: BucketsChange): void {
    switch (change) {
      case 'entries':
        this._onEntries();
        break;
      case 'location':
        this._focus = -1;
        this._anchor = -1;
        this._content.scrollTop = 0;
        break;
      case 'filter':
        if (this._filterInput.value !== this._model.filter) {
          window.clearTimeout(this._filterTimer);
          this._filterInput.value = this._model.filter;
        }
        this._content.scrollTop = 0;
        break;
      case 'sort':
        this._renderHeader();
        break;
      case 'loading':
        this._onLoading();
        break;
    }
    this._renderStatus();
  }

  private _onEntries(): void {
    const entries = this._model.entries;
    if (this._focus >= entries.length) {
      this._focus = entries.length - 1;
    }
    this._sizer.style.height = `${entries.length * ROW_HEIGHT}px`;
    this._renderHeader();
    this._renderWindow();
  }

  private _renderHeader(): void {
    const buckets = this._model.location.bucket === null;
    this._header.classList.toggle('jp-mod-buckets', buckets);
    const { key, ascending } = this._model.sort;
    for (const cell of Array.from(
      this._header.querySelectorAll<HTMLElement>('.jp-Buckets-sortable')
    )) {
      const column = COLUMNS.find(c => c.key === cell.dataset.sort)!;
      // Buckets carry their creation time; objects their modification time.
      const label =
        column.key === 'modified' && buckets ? 'Created' : column.label;
      const sorted = column.key === key;
      cell.textContent = sorted ? `${label} ${ascending ? '▲' : '▼'}` : label;
      cell.classList.toggle('jp-mod-sorted', sorted);
      cell.setAttribute(
        'aria-sort',
        sorted ? (ascending ? 'ascending' : 'descending') : 'none'
      );
      cell.title = `Sort by ${label.toLowerCase()}`;
    }
  }

  private _onSortClick(key: SortKey): void {
    const current = this._model.sort;
    this._model.setSort({
      key,
      ascending: current.key === key ? !current.ascending : true
    });
  }

  private _scheduleRender(): void {
    if (this._frame) {
      return;
    }
    this._frame = window.requestAnimationFrame(() => {
      this._frame = 0;
      this._renderWindow();
    });
  }

  private _onScroll = (): void => this._scheduleRender();

  /** Render the rows in view (plus a margin); fetch the next page near the end. */
  private _renderWindow(): void {
    const entries = this._model.entries;
    const top = this._content.scrollTop;
    const height = this._content.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - MARGIN_ROWS);
    const last = Math.min(
      entries.length,
      Math.ceil((top + height) / ROW_HEIGHT) + MARGIN_ROWS
    );
    const selection = this._model.selection;
    const shown = this._shown;
    const before = shown.entries ?? [];
    const sameWindow = first === shown.first && last === shown.last;
    const same = entries === shown.entries && sameWindow;
    // The same rows with news about some (a folder found to be a Zarr
    // store): those rows are patched in place, not redrawn.
    const samePaths =
      !same &&
      sameWindow &&
      entries.length === before.length &&
      entries
        .slice(first, last)
        .every((e, i) => e.path === before[first + i].path);
    if (same || samePaths) {
      // Only the selection or focus moved: keep the row nodes (a double
      // click must land on the row its first click hit).
      for (const row of Array.from(this._rows.children) as HTMLElement[]) {
        const index = Number(row.dataset.index);
        if (entries[index] !== before[index]) {
          this._patchRow(row, entries[index]);
        }
        const selected = selection.has(entries[index].path);
        row.classList.toggle('jp-mod-selected', selected);
        row.classList.toggle('jp-mod-focused', index === this._focus);
        row.setAttribute('aria-selected', String(selected));
      }
      this._shown = { entries, first, last };
    } else {
      this._rows.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
      const fragment = document.createDocumentFragment();
      for (let i = first; i < last; i++) {
        fragment.append(
          this._renderRow(entries[i], i, selection.has(entries[i].path))
        );
      }
      this._rows.replaceChildren(fragment);
      this._shown = { entries, first, last };
    }
    const { cursor, loading, error } = this._model;
    if (
      cursor !== null &&
      !loading &&
      !error &&
      last + PREFETCH_ROWS >= entries.length
    ) {
      void this._model.loadMore();
    }
    this._renderCount();
  }

  private _renderRow(
    entry: IBucketsEntry,
    index: number,
    selected: boolean
  ): HTMLElement {
    const icon =
      entry.kind === 'bucket'
        ? bucketIcon
        : entry.kind === 'bookmark'
          ? pinIcon
          : entry.zarr
            ? zarrIcon
            : entry.kind === 'prefix'
              ? folderIcon
              : this._iconFor(entry.name);
    const modified = formatModified(entry.modified);
    const classes = [`jp-Buckets-item`, `jp-mod-${entry.kind}`];
    if (selected) {
      classes.push('jp-mod-selected');
    }
    if (index === this._focus) {
      classes.push('jp-mod-focused');
    }
    if (entry.zarr) {
      classes.push('jp-mod-zarr');
    }
    return h(
      'li',
      {
        className: classes.join(' '),
        title: this._describe(entry),
        attrs: {
          role: 'option',
          'aria-selected': String(selected),
          'data-name': entry.name,
          'data-kind': entry.kind,
          'data-key': entry.path,
          'data-path': entry.path,
          'data-index': String(index),
          ...(entry.zarr ? { 'data-zarr': String(entry.zarr) } : {})
        }
      },
      [
        icon.element({ className: 'jp-Buckets-itemIcon', tag: 'span' }),
        h('span', { className: 'jp-Buckets-itemName', text: entry.name }),
        h('span', {
          className: 'jp-Buckets-itemSize',
          // A store says what it is where a file says its size.
          text: entry.zarr
            ? `Zarr v${entry.zarr}`
            : entry.size === undefined
              ? ''
              : formatSize(entry.size),
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
  }

  /** A row redrawn in place: the node stays (a click on it still counts). */
  private _patchRow(row: HTMLElement, entry: IBucketsEntry): void {
    const fresh = this._renderRow(
      entry,
      Number(row.dataset.index),
      row.classList.contains('jp-mod-selected')
    );
    row.className = fresh.className;
    row.title = fresh.title;
    for (const name of row.getAttributeNames()) {
      if (name.startsWith('data-') && !fresh.hasAttribute(name)) {
        row.removeAttribute(name);
      }
    }
    for (const name of fresh.getAttributeNames()) {
      row.setAttribute(name, fresh.getAttribute(name) ?? '');
    }
    row.replaceChildren(...Array.from(fresh.childNodes));
  }

  private _describe(entry: IBucketsEntry): string {
    const { remote, bucket } = this._model.location;
    switch (entry.kind) {
      case 'bucket':
        return `${remote}:${entry.path}\nDouble-click to open`;
      case 'bookmark':
        return `Bookmark: ${remote}:${entry.path}\nClick to open`;
      case 'prefix':
        return entry.zarr
          ? `${remote}:${bucket}/${entry.path}\nZarr store (format ${entry.zarr}): double-click to browse inside, right-click for its details`
          : `${remote}:${bucket}/${entry.path}\nDouble-click to open`;
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

  private _onLoading(): void {
    window.clearTimeout(this._spinnerTimer);
    this._spinnerShown = false;
    if (this._model.loading) {
      this._spinnerTimer = window.setTimeout(() => {
        this._spinnerShown = this._model.loading;
        this._renderStatus();
      }, SPINNER_DELAY_MS);
    } else {
      // A page arrived: the window may need the next one already.
      this._scheduleRender();
    }
  }

  /** The overlay (spinner, empty, error) and the count line. */
  private _renderStatus(): void {
    const { loading, error, entries, cursor, location, filter } = this._model;
    const loadingMore = loading && cursor !== null && entries.length > 0;
    let overlay: Node | null = null;
    if (error?.code === 'no_remotes' && this._addRemote) {
      overlay = this._welcome ??= renderWelcome(this._addRemote);
    } else if (error) {
      overlay = renderError(error, () => void this._model.refresh());
    } else if (loading && this._spinnerShown && !loadingMore) {
      overlay = this._spinner.node;
    } else if (!loading && entries.length === 0 && location.remote !== null) {
      overlay = h('div', {
        className: 'jp-Buckets-empty',
        text: filter
          ? `No names start with “${filter}”`
          : location.bucket === null
            ? 'No buckets in this remote'
            : location.prefix
              ? 'This folder is empty'
              : 'This bucket is empty'
      });
    }
    this.node.classList.toggle('jp-mod-error', error !== null);
    // Column titles mean nothing above an error or before a remote is chosen.
    this._header.hidden = error !== null || location.remote === null;
    this._filterInput.hidden = location.remote === null;
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
    this._renderCount();
  }

  /**
   * 'N items', 'N items loaded, more…' while pages remain (they load as the
   * view scrolls), and the selection count. Sorting orders the loaded
   * entries only (loading 100,000 entries to sort them would take the
   * waiting the paging avoids); the line says so while more pages exist.
   */
  private _renderCount(): void {
    const {
      entries,
      cursor,
      error,
      location,
      selection,
      allSelected,
      sort,
      loading
    } = this._model;
    if (error || location.remote === null || entries.length === 0) {
      this._count.hidden = true;
      return;
    }
    this._count.hidden = false;
    const parts: string[] = [];
    const n = entries.length.toLocaleString('en');
    const noun = entries.length === 1 ? 'item' : 'items';
    if (cursor !== null) {
      parts.push(`${n} ${noun} loaded, more${loading ? ' loading' : ''}…`);
      if (sort.key !== 'name' || !sort.ascending) {
        parts.push('sorted among loaded items');
      }
    } else {
      parts.push(`${n} ${noun}`);
    }
    if (allSelected && cursor !== null) {
      // The count is not known until the last page: say what is meant.
      parts.push('all selected');
    } else if (selection.size) {
      parts.push(`${selection.size.toLocaleString('en')} selected`);
    }
    this._count.textContent = parts.join(' · ');
    this._count.classList.toggle('jp-mod-more', cursor !== null);
  }

  private _indexAt(target: EventTarget | null): number {
    const row = (target as HTMLElement).closest<HTMLElement>(
      '.jp-Buckets-item'
    );
    return row ? Number(row.dataset.index) : -1;
  }

  private _onMouseDown = (event: MouseEvent): void => {
    this._collapseOnClick = -1;
    const index = this._indexAt(event.target);
    if (index < 0) {
      return;
    }
    // Right-click on a selected row keeps the selection (context menus act on it).
    if (
      event.button === 2 &&
      this._model.selection.has(this._model.entries[index]?.path)
    ) {
      this._focus = index;
      this._scheduleRender();
      return;
    }
    if (event.button !== 0 && event.button !== 2) {
      return;
    }
    if (event.shiftKey && event.button === 0) {
      this._selectRange(this._anchor < 0 ? index : this._anchor, index);
      this._focus = index;
    } else if ((event.ctrlKey || event.metaKey) && event.button === 0) {
      const path = this._model.entries[index].path;
      const next = new Set(this._model.selection);
      if (next.has(path)) {
        next.delete(path);
      } else {
        next.add(path);
      }
      this._anchor = index;
      this._focus = index;
      this._model.setSelection(next);
    } else if (
      event.button === 0 &&
      this._model.selection.size > 1 &&
      this._model.selection.has(this._model.entries[index]?.path)
    ) {
      // Keep the selection: a drag takes all of it. A click without a drag
      // selects only this row (on 'click', as the file browser does).
      this._focus = index;
      this._anchor = index;
      this._collapseOnClick = index;
    } else {
      this._select(index);
      // Bookmarks are shortcuts: one click goes there.
      if (
        event.button === 0 &&
        this._model.entries[index].kind === 'bookmark'
      ) {
        this._open(index);
      }
    }
    this._scheduleRender();
    this._renderCount();
  };

  private _onClick = (event: MouseEvent): void => {
    const index = this._indexAt(event.target);
    if (index >= 0 && index === this._collapseOnClick) {
      this._select(index);
      this._scheduleRender();
    }
    this._collapseOnClick = -1;
  };

  private _onDoubleClick = (event: MouseEvent): void => {
    const index = this._indexAt(event.target);
    if (index >= 0 && !event.shiftKey && !event.ctrlKey && !event.metaKey) {
      this._open(index);
    }
  };

  private _onKeyDown = (event: KeyboardEvent): void => {
    const count = this._model.entries.length;
    if (!count) {
      return;
    }
    const page = Math.max(
      1,
      Math.floor(this._content.clientHeight / ROW_HEIGHT) - 1
    );
    let next: number;
    switch (event.key) {
      case 'ArrowDown':
        next = Math.min(count - 1, this._focus + 1);
        break;
      case 'ArrowUp':
        next = Math.max(0, this._focus - 1);
        break;
      case 'PageDown':
        next = Math.min(count - 1, Math.max(0, this._focus) + page);
        break;
      case 'PageUp':
        next = Math.max(0, this._focus - page);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = count - 1;
        break;
      case 'Enter':
        if (this._focus >= 0) {
          this._open(this._focus);
        }
        event.preventDefault();
        return;
      case 'Escape':
        this._model.setSelection([]);
        event.preventDefault();
        return;
      case 'a':
      case 'A':
        if (event.ctrlKey || event.metaKey) {
          event.preventDefault();
          event.stopPropagation();
          // Every entry of the folder, also those of pages not loaded yet.
          void this._model.selectAll();
        }
        return;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (event.shiftKey) {
      if (this._anchor < 0) {
        this._anchor = Math.max(0, this._focus);
      }
      this._selectRange(this._anchor, next);
      this._focus = next;
    } else {
      this._select(next);
    }
    this._scrollToFocus();
    this._scheduleRender();
  };

  private _select(index: number): void {
    this._focus = index;
    this._anchor = index;
    const entry = this._model.entries[index];
    this._model.setSelection(entry ? [entry.path] : []);
  }

  private _selectRange(from: number, to: number): void {
    const entries = this._model.entries;
    const start = Math.min(from, to);
    const end = Math.max(from, to);
    const paths: string[] = [];
    for (let i = start; i <= end && i < entries.length; i++) {
      paths.push(entries[i].path);
    }
    this._model.setSelection(paths);
  }

  private _scrollToFocus(): void {
    if (this._focus < 0) {
      return;
    }
    const top = this._focus * ROW_HEIGHT;
    const view = this._content;
    if (top < view.scrollTop) {
      view.scrollTop = top;
    } else if (top + ROW_HEIGHT > view.scrollTop + view.clientHeight) {
      view.scrollTop = top + ROW_HEIGHT - view.clientHeight;
    }
  }

  private _onFilterInput = (): void => {
    window.clearTimeout(this._filterTimer);
    this._filterTimer = window.setTimeout(
      () => void this._model.setFilter(this._filterInput.value),
      FILTER_DELAY_MS
    );
  };

  private _onFilterKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      window.clearTimeout(this._filterTimer);
      this._filterInput.value = '';
      void this._model.setFilter('');
    } else if (event.key === 'Enter') {
      window.clearTimeout(this._filterTimer);
      void this._model.setFilter(this._filterInput.value);
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      this._content.focus();
      if (this._focus < 0 && this._model.entries.length) {
        this._select(0);
        this._scheduleRender();
      }
    }
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
    // Objects: opening is the actions' part (they listen to dblclick/Enter too).
  }

  private readonly _filterInput: HTMLInputElement;
  private readonly _header: HTMLElement;
  private readonly _content: HTMLElement;
  private readonly _sizer: HTMLElement;
  private readonly _rows: HTMLUListElement;
  private readonly _status: HTMLElement;
  private readonly _count: HTMLElement;
  private readonly _spinner: Spinner;
  private _welcome: HTMLElement | undefined;
  private readonly _resizeObserver: ResizeObserver;
  private _shown: {
    entries: ReadonlyArray<IBucketsEntry> | null;
    first: number;
    last: number;
  } = { entries: null, first: 0, last: 0 };
  private _spinnerTimer = 0;
  private _filterTimer = 0;
  private _frame = 0;
  private _spinnerShown = false;
  /** The row the keyboard acts on (index into entries), -1 for none. */
  private _focus = -1;
  /** Where a shift-click or shift-arrow range starts. */
  private _anchor = -1;
  /** A row pressed inside a multiple selection: selected alone if no drag follows. */
  private _collapseOnClick = -1;
}
