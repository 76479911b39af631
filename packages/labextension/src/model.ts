// All state of the Buckets panel; views only render it and call these methods.
import {
  MAX_ZARR_PROBE,
  routes,
  zarrRoutes,
  type IBucketList,
  type IConfigProblem,
  type IHealth,
  type IListing,
  type IRemote,
  type IRemoteList,
  type IZarrProbeRequest,
  type IZarrProbeResult
} from '@jupyter-buckets/core';
import { Signal, type ISignal } from '@lumino/signaling';

import packageJson from '../package.json';
import { BucketsError, requestAPI } from './api';
import type {
  BucketsChange,
  IBucketsEntry,
  IBucketsLocation,
  IBucketsModel,
  ISortState
} from './tokens';

/** The version the sidecar must report: both come from one release. */
export const VERSION: string = packageJson.version;

/** Only the remote's name is remembered (never anything secret). */
const LAST_REMOTE_KEY = 'jupyter-buckets:last-remote';

type Fetch = <T>(path: string, init?: RequestInit) => Promise<T>;

export class BucketsModel implements IBucketsModel {
  constructor(options: IBucketsModelOptions = {}) {
    this._fetch = options.fetch ?? ((path, init) => requestAPI(path, init));
    this._memory = options.memory;
  }

  get stateChanged(): ISignal<IBucketsModel, BucketsChange> {
    return this._stateChanged;
  }
  get remotes(): ReadonlyArray<IRemote> {
    return this._remotes;
  }
  get problems(): ReadonlyArray<IConfigProblem> {
    return this._problems;
  }
  get location(): Readonly<IBucketsLocation> {
    return this._location;
  }
  get entries(): ReadonlyArray<IBucketsEntry> {
    return this._entries;
  }
  get cursor(): string | null {
    return this._cursor;
  }
  get loading(): boolean {
    return this._loading;
  }
  get error(): BucketsError | null {
    return this._error;
  }
  get started(): boolean {
    return this._started;
  }
  get filter(): string {
    return this._filter;
  }
  get sort(): Readonly<ISortState> {
    return this._sort;
  }
  get selection(): ReadonlySet<string> {
    return this._selection;
  }
  get selectedEntries(): ReadonlyArray<IBucketsEntry> {
    if (!this._selection.size) {
      return [];
    }
    // Asked by every command's isEnabled: computed once per change, not per call.
    this._selectedEntries ??= this._entries.filter(e =>
      this._selection.has(e.path)
    );
    return this._selectedEntries;
  }
  get allSelected(): boolean {
    return this._allSelected;
  }
  get selectionChanged(): ISignal<IBucketsModel, ReadonlySet<string>> {
    return this._selectionChanged;
  }

  entry(path: string): IBucketsEntry | undefined {
    return this._byPath.get(path);
  }

  setSelection(paths: Iterable<string>): void {
    this._select(new Set(paths), false);
  }

  async selectAll(): Promise<void> {
    this._select(new Set(this._entries.map(e => e.path)), true);
    // Pages still to come join the selection as they arrive (_applyListing).
    await this.loadAll();
  }

  async completeSelection(): Promise<ReadonlyArray<IBucketsEntry>> {
    if (this._allSelected && !(await this.loadAll())) {
      // Acting on the part that happened to be loaded is the bug this
      // prevents: better no action than one on some of the objects.
      throw new BucketsError(
        'selection_incomplete',
        'The folder could not be listed to its end, so not everything selected is known.',
        this._error?.hint ?? 'Refresh, select all again, then retry.'
      );
    }
    return this.selectedEntries;
  }

  async loadAll(): Promise<boolean> {
    const generation = this._generation;
    for (;;) {
      await this._idle();
      if (generation !== this._generation || this._error) {
        return false;
      }
      if (this._cursor === null) {
        return true;
      }
      await this.loadMore();
    }
  }

  async setFilter(text: string): Promise<void> {
    if (text === this._filter) {
      return;
    }
    this._filter = text;
    this._emit('filter');
    if (this._location.bucket === null) {
      // Bucket names are filtered here: a remote has few.
      this._applyBuckets();
      return;
    }
    const generation = this._begin(false);
    await this._load(generation);
  }

  setSort(sort: ISortState): void {
    this._sort = { ...sort };
    this._emit('sort');
    this._setEntries(this._sorted());
    this._emit('entries');
  }

  async start(): Promise<void> {
    this._started = true;
    const generation = this._begin(true);
    try {
      const health = await this._fetch<IHealth>(routes.health());
      if (health.version !== VERSION) {
        throw new BucketsError(
          'version_mismatch',
          `The jupyter-buckets server part is version ${health.version}, this panel is version ${VERSION}.`,
          'Reinstall jupyter-buckets (`pip install --force-reinstall jupyter-buckets`) and restart JupyterLab.'
        );
      }
      this._healthy = true;
      await this._loadRemotes(generation);
    } catch (error) {
      this._fail(generation, error);
      return;
    }
    if (generation !== this._generation) {
      return;
    }
    // After a reload: where the panel was, if that remote is still there.
    if (this._location.remote === null) {
      let saved: IBucketsLocation | undefined;
      try {
        saved = savedLocation(await this._memory?.load());
      } catch {
        saved = undefined;
      }
      if (generation !== this._generation) {
        return;
      }
      if (saved && this._remotes.some(r => r.name === saved.remote)) {
        writeLastRemote(saved.remote!);
        await this._navigate(saved);
        const gone = this._error?.code;
        if (
          saved.bucket !== null &&
          (gone === 'bucket_not_found' || gone === 'not_found')
        ) {
          // The bucket or folder went away meanwhile: its remote's root.
          await this._navigate({
            remote: saved.remote,
            bucket: null,
            prefix: ''
          });
        }
        return;
      }
    }
    const remembered = readLastRemote();
    const current =
      this._remotes.find(r => r.name === this._location.remote) ??
      this._remotes.find(r => r.name === remembered) ??
      this._remotes[0];
    if (!current) {
      this._fail(
        generation,
        new BucketsError(
          'no_remotes',
          'No S3 or Google Cloud Storage remote was found.',
          'Add an AWS profile to ~/.aws/credentials (with `endpoint_url` in ~/.aws/config for S3-compatible stores), ' +
            'an `s3` or `google cloud storage` remote to rclone.conf, or set GOOGLE_APPLICATION_CREDENTIALS; then refresh.'
        )
      );
      return;
    }
    if (current.name === this._location.remote) {
      await this._load(generation);
    } else {
      await this.selectRemote(current.name);
    }
  }

  async refresh(): Promise<void> {
    if (!this._healthy || this._location.remote === null) {
      return this.start();
    }
    const generation = this._begin(true);
    try {
      await this._loadRemotes(generation);
    } catch (error) {
      this._fail(generation, error);
      return;
    }
    await this._load(generation);
  }

  async selectRemote(name: string): Promise<void> {
    writeLastRemote(name);
    return this._navigate({ remote: name, bucket: null, prefix: '' });
  }

  async openBucket(name: string): Promise<void> {
    return this._navigate({
      remote: this._location.remote,
      bucket: name,
      prefix: ''
    });
  }

  async openPath(bucket: string, prefix: string): Promise<void> {
    return this._navigate({
      remote: this._location.remote,
      bucket,
      prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix
    });
  }

  async openPrefix(prefix: string): Promise<void> {
    if (this._location.bucket === null) {
      return;
    }
    return this._navigate({ ...this._location, prefix });
  }

  async goTo(index: number): Promise<void> {
    const { remote, bucket, prefix } = this._location;
    if (index <= 0 || bucket === null) {
      return this._navigate({ remote, bucket: null, prefix: '' });
    }
    const segments = prefix.split('/').filter(s => s !== '');
    const kept = segments.slice(0, index - 1);
    return this._navigate({
      remote,
      bucket,
      prefix: kept.length ? kept.join('/') + '/' : ''
    });
  }

  async loadMore(): Promise<void> {
    const { remote, bucket, prefix } = this._location;
    if (this._cursor === null || this._loading || !remote || !bucket) {
      return;
    }
    const generation = this._generation;
    this._setLoading(true);
    try {
      const page = await this._fetch<IListing>(
        listingPath(remote, bucket, prefix, this._filter, this._cursor)
      );
      if (generation !== this._generation) {
        return;
      }
      this._applyListing(page, true);
    } catch (error) {
      this._fail(generation, error);
    }
  }

  /** Move to a location and load it; older answers are then ignored. */
  private async _navigate(location: IBucketsLocation): Promise<void> {
    const generation = this._begin(false);
    this._location = location;
    if (this._filter) {
      this._filter = '';
      this._emit('filter');
    }
    this._emit('location');
    await this._load(generation);
  }

  private _select(next: Set<string>, all: boolean): void {
    if (
      all === this._allSelected &&
      next.size === this._selection.size &&
      [...next].every(p => this._selection.has(p))
    ) {
      return;
    }
    this._allSelected = all;
    this._selection = next;
    this._selectedEntries = null;
    this._selectionChanged.emit(next);
  }

  /** Resolves when no request of the listing is under way. */
  private _idle(): Promise<void> {
    if (!this._loading) {
      return Promise.resolve();
    }
    return new Promise(resolve => {
      const onChange = (_: IBucketsModel, change: BucketsChange): void => {
        if (change === 'loading' && !this._loading) {
          this._stateChanged.disconnect(onChange);
          resolve();
        }
      };
      this._stateChanged.connect(onChange);
    });
  }

  /**
   * The entries, and what depends on them: the path index (rebuilt, or only
   * `added` indexed when a page was appended) and the selected entries.
   */
  private _setEntries(
    entries: IBucketsEntry[],
    added?: ReadonlyArray<IBucketsEntry>
  ): void {
    this._entries = entries;
    if (!added) {
      this._byPath = new Map();
    }
    for (const entry of added ?? entries) {
      this._byPath.set(entry.path, entry);
    }
    this._selectedEntries = null;
  }

  /** Start a new request generation: clears the listing and the error. */
  private _begin(keepEntries: boolean): number {
    this._generation += 1;
    this._error = null;
    if (!keepEntries) {
      this._setEntries([]);
      this._prefixes = [];
      this._objects = [];
      this._cursor = null;
      this._bucketEntries = [];
      this._emit('entries');
      this.setSelection([]);
    }
    this._emit('error');
    this._setLoading(true);
    return this._generation;
  }

  private async _load(generation: number): Promise<void> {
    const { remote, bucket, prefix } = this._location;
    if (remote === null) {
      this._setLoading(false);
      return;
    }
    try {
      if (bucket === null) {
        const bookmarks = this._bookmarkEntries(remote);
        let list: IBucketList;
        try {
          list = await this._fetch<IBucketList>(routes.buckets(remote));
        } catch (error) {
          // Many shared pods deny listing buckets: the bookmarks still work.
          const denied =
            error instanceof BucketsError && error.code === 'access_denied';
          if (!denied || !bookmarks.length) {
            throw error;
          }
          list = { buckets: [] };
        }
        if (generation !== this._generation) {
          return;
        }
        this._prefixes = [];
        this._objects = [];
        const buckets = [...list.buckets].sort((a, b) =>
          a.name < b.name ? -1 : a.name > b.name ? 1 : 0
        );
        this._bucketEntries = [
          ...bookmarks,
          ...buckets.map((b): IBucketsEntry => ({
            kind: 'bucket',
            name: b.name,
            path: b.name,
            modified: b.created
          }))
        ];
        this._cursor = null;
        this._applyBuckets();
        this._setLoading(false);
      } else {
        const page = await this._fetch<IListing>(
          listingPath(remote, bucket, prefix, this._filter, null)
        );
        if (generation !== this._generation) {
          return;
        }
        this._applyListing(page, false);
      }
    } catch (error) {
      this._fail(generation, error);
    }
  }

  private _applyBuckets(): void {
    const filter = this._filter;
    this._prefixes = this._bucketEntries.filter(
      e => e.kind === 'bookmark' && e.name.startsWith(filter)
    );
    this._objects = this._bucketEntries.filter(
      e => e.kind === 'bucket' && e.name.startsWith(filter)
    );
    this._setEntries(this._sorted());
    this._emit('entries');
    this._keepListedSelection();
  }

  /**
   * Folders (and bookmarks) first, then objects (or buckets), each group in
   * the chosen order. Ascending by name is the provider's own order, kept
   * as it is (no work at 100,000 entries).
   */
  private _sorted(): IBucketsEntry[] {
    const { key, ascending } = this._sort;
    const order = (list: IBucketsEntry[]): IBucketsEntry[] => {
      if (key === 'name') {
        return ascending ? list : [...list].reverse();
      }
      const value = (e: IBucketsEntry): number =>
        key === 'size'
          ? (e.size ?? -1)
          : e.modified
            ? Date.parse(e.modified)
            : -1;
      const sign = ascending ? 1 : -1;
      // Stable: equal values keep the name order.
      return [...list].sort((a, b) => sign * (value(a) - value(b)));
    };
    return order(this._prefixes).concat(order(this._objects));
  }

  private _bookmarkEntries(remote: string): IBucketsEntry[] {
    const bookmarks =
      this._remotes.find(r => r.name === remote)?.bookmarks ?? [];
    return bookmarks.map(b => ({
      kind: 'bookmark',
      name: b.label ?? b.path,
      path: b.path
    }));
  }

  private async _loadRemotes(generation: number): Promise<void> {
    const list = await this._fetch<IRemoteList>(routes.remotes());
    if (generation !== this._generation) {
      return;
    }
    this._remotes = list.remotes;
    this._problems = list.problems;
    this._emit('remotes');
  }

  private _applyListing(page: IListing, append: boolean): void {
    // Some servers (fake-gcs-server) repeat a folder on every page.
    const known = new Set(append ? this._prefixes.map(p => p.path) : []);
    const prefixes: IBucketsEntry[] = page.prefixes
      .filter(p => !known.has(p.prefix))
      .map(p => ({
        kind: 'prefix',
        name: p.name,
        path: p.prefix
      }));
    const objects: IBucketsEntry[] = page.objects.map(o => ({
      kind: 'object',
      name: o.name,
      path: o.key,
      size: o.size,
      modified: o.modified
    }));
    if (!append) {
      // A refresh keeps what is known until the stores are asked again.
      const known = new Map(this._prefixes.map(p => [p.path, p.zarr]));
      for (const entry of prefixes) {
        entry.zarr = known.get(entry.path);
      }
      this._probed = 0;
    }
    this._probeZarr(prefixes);
    this._prefixes = append ? this._prefixes.concat(prefixes) : prefixes;
    this._objects = append ? this._objects.concat(objects) : objects;
    const added = prefixes.concat(objects);
    this._setEntries(this._sorted(), append ? added : undefined);
    this._cursor = page.cursor;
    this._emit('entries');
    if (append && this._allSelected) {
      // Select-all means every entry of the level, also those of later pages.
      const next = new Set(this._selection);
      for (const entry of added) {
        next.add(entry.path);
      }
      this._select(next, true);
    } else if (!append) {
      this._keepListedSelection();
    }
    this._setLoading(false);
  }

  /**
   * Which of these new folders are Zarr stores, asked after the listing is
   * shown (the rows then change their icon): the first MAX_ZARR_PROBE
   * folders of a level, and beyond them those named *.zarr, so that a
   * level of thousands of folders costs the store no more than that.
   */
  private _probeZarr(prefixes: IBucketsEntry[]): void {
    const { remote, bucket } = this._location;
    if (remote === null || bucket === null || !prefixes.length) {
      return;
    }
    const generation = this._generation;
    const room = Math.max(0, MAX_ZARR_PROBE - this._probed);
    const asked = prefixes.filter(
      (p, i) => i < room || p.name.toLowerCase().endsWith('.zarr')
    );
    this._probed += asked.length;
    for (let i = 0; i < asked.length; i += MAX_ZARR_PROBE) {
      const batch = asked.slice(i, i + MAX_ZARR_PROBE);
      const request: IZarrProbeRequest = { prefixes: batch.map(p => p.path) };
      this._fetch<IZarrProbeResult>(zarrRoutes.probe(remote, bucket), {
        method: 'POST',
        body: JSON.stringify(request)
      })
        .then(({ stores }) => {
          if (generation !== this._generation) {
            return;
          }
          if (!batch.some(p => stores[p.path])) {
            return;
          }
          // New entries (and a new list): views redraw what changed.
          this._prefixes = this._prefixes.map(p =>
            stores[p.path] ? { ...p, zarr: stores[p.path] } : p
          );
          this._setEntries(this._sorted());
          this._emit('entries');
        })
        // Not knowing leaves folders as folders: nothing to report.
        .catch(() => undefined);
    }
  }

  /**
   * After the listing was replaced (a refresh, a delete): keep selected only
   * what is still listed, so the selection never names entries that are gone.
   * Select-all ends there: its pages were those of the old listing.
   */
  private _keepListedSelection(): void {
    if (!this._selection.size && !this._allSelected) {
      return;
    }
    this._select(
      new Set([...this._selection].filter(path => this._byPath.has(path))),
      false
    );
  }

  private _fail(generation: number, error: unknown): void {
    if (generation !== this._generation) {
      return;
    }
    this._error =
      error instanceof BucketsError
        ? error
        : new BucketsError(
            'internal',
            String((error as Error)?.message ?? error),
            'This looks like a bug in jupyter-buckets; the browser console may say more.'
          );
    this._emit('error');
    this._setLoading(false);
  }

  private _setLoading(loading: boolean): void {
    if (this._loading !== loading) {
      this._loading = loading;
      this._emit('loading');
    }
  }

  private _emit(change: BucketsChange): void {
    if (change === 'location' && this._location.remote !== null) {
      this._memory?.save({ ...this._location });
    }
    this._stateChanged.emit(change);
  }

  private readonly _fetch: Fetch;
  private readonly _memory: ILocationMemory | undefined;
  private readonly _stateChanged = new Signal<IBucketsModel, BucketsChange>(
    this
  );
  private _remotes: IRemote[] = [];
  private _problems: IConfigProblem[] = [];
  private _location: IBucketsLocation = {
    remote: null,
    bucket: null,
    prefix: ''
  };
  private _entries: IBucketsEntry[] = [];
  private _bucketEntries: IBucketsEntry[] = [];
  private _filter = '';
  private _sort: ISortState = { key: 'name', ascending: true };
  private _selection: ReadonlySet<string> = new Set();
  private _allSelected = false;
  private _selectedEntries: IBucketsEntry[] | null = null;
  /** Loaded entries by path: the row under a context menu is found in O(1). */
  private _byPath = new Map<string, IBucketsEntry>();
  private readonly _selectionChanged = new Signal<
    IBucketsModel,
    ReadonlySet<string>
  >(this);
  private _prefixes: IBucketsEntry[] = [];
  private _objects: IBucketsEntry[] = [];
  private _cursor: string | null = null;
  private _loading = false;
  private _error: BucketsError | null = null;
  private _started = false;
  private _healthy = false;
  private _generation = 0;
  /** Folders of this level already probed for Zarr stores. */
  private _probed = 0;
}

export interface IBucketsModelOptions {
  /** Replaces requestAPI (e.g. to go through another server connection). */
  fetch?: Fetch;
  /** Where the panel was, kept across reloads (JupyterLab's state database). */
  memory?: ILocationMemory;
}

/** Keeps the location shown (names only, never anything secret). */
export interface ILocationMemory {
  load(): Promise<IBucketsLocation | undefined>;
  save(location: IBucketsLocation): void;
}

/** The location as it was saved, if it still has that shape. */
export function savedLocation(value: unknown): IBucketsLocation | undefined {
  const v = value as Partial<IBucketsLocation> | null | undefined;
  if (
    typeof v?.remote !== 'string' ||
    (v.bucket !== null && typeof v.bucket !== 'string') ||
    typeof v.prefix !== 'string' ||
    (v.bucket === null && v.prefix !== '') ||
    (v.prefix !== '' && !v.prefix.endsWith('/'))
  ) {
    return undefined;
  }
  return { remote: v.remote, bucket: v.bucket, prefix: v.prefix };
}

function listingPath(
  remote: string,
  bucket: string,
  prefix: string,
  startsWith: string,
  cursor: string | null
): string {
  const query = new URLSearchParams({ prefix });
  if (startsWith) {
    query.set('startsWith', startsWith);
  }
  if (cursor !== null) {
    query.set('cursor', cursor);
  }
  return `${routes.objects(remote, bucket)}?${query.toString()}`;
}

function readLastRemote(): string | null {
  try {
    return window.localStorage.getItem(LAST_REMOTE_KEY);
  } catch {
    return null;
  }
}

function writeLastRemote(name: string): void {
  try {
    window.localStorage.setItem(LAST_REMOTE_KEY, name);
  } catch {
    // Private mode or storage disabled: the panel then opens on the first remote.
  }
}
