// The public faces of the extension: its command ids, and the models
// (Buckets, Transfers) other plugins reach through these tokens.
import type {
  IConfigProblem,
  IEngines,
  IRemote,
  ITransferJob,
  ITransferPlan,
  ITransferRequest,
  ZarrVersion
} from '@jupyter-buckets/core';
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';

import type { BucketsError } from './api';

/**
 * Every command of the extension. The values are public: users bind keys to
 * them, and other extensions and the UI tests run them by id.
 */
export enum CommandIDs {
  // The Buckets panel
  open = 'jupyter-buckets:open',
  refresh = 'jupyter-buckets:refresh',
  goUp = 'jupyter-buckets:go-up',
  newFolder = 'jupyter-buckets:new-folder',
  manageRemotes = 'jupyter-buckets:manage-remotes',
  // Its objects and folders
  openObject = 'jupyter-buckets:open-object',
  openWith = 'jupyter-buckets:open-object-with',
  download = 'jupyter-buckets:download',
  downloadToDisk = 'jupyter-buckets:download-to-jupyter',
  copyURI = 'jupyter-buckets:copy-uri',
  copySnippet = 'jupyter-buckets:copy-python-snippet',
  insertSnippet = 'jupyter-buckets:insert-python-snippet',
  zarrDetails = 'jupyter-buckets:zarr-details',
  calculateSize = 'jupyter-buckets:calculate-size',
  copyShareLink = 'jupyter-buckets:copy-share-link',
  rename = 'jupyter-buckets:rename',
  delete = 'jupyter-buckets:delete',
  properties = 'jupyter-buckets:properties',
  copyEntries = 'jupyter-buckets:copy-entries',
  pasteEntries = 'jupyter-buckets:paste-entries',
  copyTo = 'jupyter-buckets:copy-to',
  moveTo = 'jupyter-buckets:move-to',
  syncTo = 'jupyter-buckets:sync-to',
  // Transfers
  showTransfers = 'jupyter-buckets:show-transfers',
  clearFinishedTransfers = 'jupyter-buckets:clear-finished-transfers',
  copyToBucket = 'jupyter-buckets:copy-to-bucket',
  moveToBucket = 'jupyter-buckets:move-to-bucket',
  // Uploads from the user's computer
  uploadFiles = 'jupyter-buckets:upload-files',
  uploadFolder = 'jupyter-buckets:upload-folder',
  continueUpload = 'jupyter-buckets:continue-upload'
}

/** Where the panel is: a remote's bucket list, or one level of a bucket. */
export interface IBucketsLocation {
  /** null until remotes are known (or when there are none). */
  remote: string | null;
  /** null at the remote's root (the list of buckets). */
  bucket: string | null;
  /** '' at the bucket root, else ends with '/'. */
  prefix: string;
}

/** 'bookmark': a pinned bucket path of the remote, shown above its buckets. */
export type EntryKind = 'bucket' | 'prefix' | 'object' | 'bookmark';

/** One row of the listing. */
export interface IBucketsEntry {
  kind: EntryKind;
  /** What the user sees: a bucket name, a prefix's last segment, an object's last segment. */
  name: string;
  /** Bucket name, full prefix ('a/b/'), full key, or a bookmark's 'bucket/prefix/'. */
  path: string;
  /** Bytes, for objects. */
  size?: number;
  /** ISO 8601: modification time of objects, creation time of buckets. */
  modified?: string;
  /** A prefix that is a Zarr store, of this format (found after the listing). */
  zarr?: ZarrVersion;
}

/** What changed, so views can skip work they don't need. */
export type BucketsChange =
  'remotes' | 'location' | 'entries' | 'loading' | 'error' | 'filter' | 'sort';

/** Sortable columns of the listing. */
export type SortKey = 'name' | 'size' | 'modified';

export interface ISortState {
  key: SortKey;
  ascending: boolean;
}

export interface IBucketsModel {
  /** Fires after any state change, with what changed. */
  readonly stateChanged: ISignal<IBucketsModel, BucketsChange>;
  readonly remotes: ReadonlyArray<IRemote>;
  /** Config files that could not be read completely. */
  readonly problems: ReadonlyArray<IConfigProblem>;
  readonly location: Readonly<IBucketsLocation>;
  /** Prefixes first, then objects (or buckets at a remote's root). */
  readonly entries: ReadonlyArray<IBucketsEntry>;
  /** Continuation cursor of the listing; null when everything is loaded. */
  readonly cursor: string | null;
  /** A request for the current location (or its next page) is under way. */
  readonly loading: boolean;
  /** The last failure for the current location; null when fine. */
  readonly error: BucketsError | null;
  /** Whether start() has run (the panel starts the model when first shown). */
  readonly started: boolean;

  /** Version handshake with the server part, then load remotes. */
  start(): Promise<void>;
  /** Reload remotes and the current location (also: retry after an error). */
  refresh(): Promise<void>;
  selectRemote(name: string): Promise<void>;
  openBucket(name: string): Promise<void>;
  /** Open a prefix of the current bucket ('' for the bucket root). */
  openPrefix(prefix: string): Promise<void>;
  /** Go to a breadcrumb: 0 = remote root, 1 = bucket root, n = n-1 prefix segments. */
  goTo(index: number): Promise<void>;
  /** Open a bucket at a prefix in one step (bookmarks: 'bucket/prefix/'). */
  openPath(bucket: string, prefix: string): Promise<void>;
  /** Fetch the next page of the current listing. */
  loadMore(): Promise<void>;

  /** Names-start-with filter of the current level ('' = none); the server applies it. */
  readonly filter: string;
  /** Reload the current level with only names starting with `text`. */
  setFilter(text: string): Promise<void>;
  /**
   * How entries are ordered (folders always first). Sorting orders what is
   * loaded: with more pages to come, new pages are merged in as they arrive.
   */
  readonly sort: Readonly<ISortState>;
  setSort(sort: ISortState): void;
  /**
   * Paths (keys, prefixes, bucket names) of the selected entries. The
   * selection is the model's, never the rendered rows': the listing is
   * virtualized, so most selected entries have no row in the DOM.
   */
  readonly selection: ReadonlySet<string>;
  /** The selected entries among those loaded, in display order. */
  readonly selectedEntries: ReadonlyArray<IBucketsEntry>;
  /**
   * Whether the selection is every entry of this level (select-all). While
   * pages remain to be loaded, they join the selection as they arrive.
   */
  readonly allSelected: boolean;
  /** Fires when the selection changes (also when navigating clears it). */
  readonly selectionChanged: ISignal<IBucketsModel, ReadonlySet<string>>;
  /** Replace the selection (paths of entries); ends select-all. */
  setSelection(paths: Iterable<string>): void;
  /** Select every entry of this level, loading the pages not loaded yet. */
  selectAll(): Promise<void>;
  /**
   * The selected entries once the selection is complete: after select-all,
   * the rest of the listing is loaded first. Rejects (selection_incomplete)
   * when it cannot be, rather than answering with part of the selection.
   */
  completeSelection(): Promise<ReadonlyArray<IBucketsEntry>>;
  /** Load every remaining page of this level; false when interrupted (navigation, error). */
  loadAll(): Promise<boolean>;
  /** The loaded entry with this path (e.g. the row under a context menu). */
  entry(path: string): IBucketsEntry | undefined;
}

export const IBucketsModel = new Token<IBucketsModel>(
  '@jupyter-buckets/labextension:IBucketsModel',
  'The state of the Buckets panel: remotes, location, listing.'
);

/** What changed in the transfers model. */
export type TransfersChange = 'jobs' | 'error';

/** Overall progress of the running jobs (the status bar's figures). */
export interface ITransfersSummary {
  /** Jobs queued or running. */
  running: number;
  bytes: number;
  totalBytes: number;
  files: number;
  totalFiles: number;
}

export interface ITransfersModel {
  /** Fires after any change to the jobs (also progress), with what changed. */
  readonly changed: ISignal<ITransfersModel, TransfersChange>;
  /** Fires once when a job followed live reaches done, failed or cancelled. */
  readonly jobEnded: ISignal<ITransfersModel, ITransferJob>;
  /** The jobs the user has not cleared, newest first. */
  readonly jobs: ReadonlyArray<ITransferJob>;
  readonly summary: ITransfersSummary;
  /** The last failure to load the list; null when fine. */
  readonly error: BucketsError | null;
  /** Whether the list has been loaded at least once. */
  readonly loaded: boolean;

  /** Load the jobs from the server (again), then follow the running ones. */
  refresh(): Promise<void>;
  /** Create a job; rejects with a BucketsError when the server refuses it up front. */
  start(request: ITransferRequest): Promise<ITransferJob>;
  cancel(id: string): Promise<ITransferJob>;
  /** Run a failed (or cancelled) job's remaining files again. */
  retry(id: string): Promise<ITransferJob>;
  /**
   * Where a copy may run besides this server (a Dask cluster, its workers),
   * asked when a dialog offers it; the server remembers its answer briefly.
   */
  engines(): Promise<IEngines>;
  /**
   * What a request would do, without doing it (a dry run: the server lists
   * the source); `signal` stops waiting for the answer.
   */
  plan(request: ITransferRequest, signal?: AbortSignal): Promise<ITransferPlan>;
  /** Hide the jobs that have ended (they stay in the server's journal). */
  clearFinished(): void;
  /** List and follow a job started elsewhere (an upload, at its own route). */
  adopt(job: ITransferJob): void;
  /**
   * Whether this page sends the bytes of an upload job: one that runs
   * without (after a reload) waits for its files to be picked again.
   */
  isSending(id: string): boolean;
  setSending(id: string, sending: boolean): void;
}

export const ITransfersModel = new Token<ITransfersModel>(
  '@jupyter-buckets/labextension:ITransfersModel',
  'Transfer jobs (copy, move, sync): start, follow, cancel and retry them.'
);
