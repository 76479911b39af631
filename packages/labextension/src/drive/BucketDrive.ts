// A Contents.IDrive over one remote, so JupyterLab's own editors and viewers
// open and save objects of its buckets ('bucket-<remote>:bucket/key').
//
// Reads fetch the object's bytes once (GET .../content); saves send them as
// the raw request body (PUT .../content), never as base64 JSON. Checkpoints
// are no-ops: buckets keep no revision this tool could restore (a bucket
// with versioning keeps its own). Directory listings hold one page (up to
// 1,000 entries): the Buckets panel pages through folders of any size, this
// drive only serves documents.
import {
  baseName,
  objectRoutes,
  parentPrefix,
  routes,
  writeRefusal,
  type IBucketList,
  type ICopyRequest,
  type IListing,
  type IObjectStat,
  type IRemotePolicy
} from '@jupyter-buckets/core';
import { PathExt } from '@jupyterlab/coreutils';
import { Contents, ServerConnection } from '@jupyterlab/services';
import { Signal, type ISignal } from '@lumino/signaling';

import { apiURL, BucketsError, requestAPI, requestRaw } from '../api';
import { driveName, joinPath, splitPath } from './paths';
import { markUntrusted, stripTransient } from './trust';

/** Above this size `get` refuses: the browser would hold the whole object. */
export const MAX_OPEN_BYTES = 50 * 1024 * 1024;

const EPOCH = new Date(0).toISOString();

export interface IBucketDriveOptions {
  remote: string;
  /** The mimetype JupyterLab's registry knows for a path (from its extension). */
  mimetypeFor?: (path: string) => string | undefined;
  serverSettings?: ServerConnection.ISettings;
  /**
   * The hub admin's rules for the remote, as last listed: a file they close
   * to writes opens read-only (JupyterLab then offers Save As elsewhere).
   */
  policy?: () => IRemotePolicy | undefined;
}

export class BucketDrive implements Contents.IDrive {
  constructor(options: IBucketDriveOptions) {
    this.remote = options.remote;
    this.name = driveName(options.remote);
    this.serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
    this._mimetypeFor = options.mimetypeFor ?? (() => undefined);
    this._policy = options.policy ?? (() => undefined);
  }

  readonly remote: string;
  readonly name: string;
  readonly serverSettings: ServerConnection.ISettings;

  get fileChanged(): ISignal<Contents.IDrive, Contents.IChangedArgs> {
    return this._fileChanged;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  async get(
    localPath: string,
    options: Contents.IFetchOptions = {}
  ): Promise<Contents.IModel> {
    const { bucket, key } = splitPath(localPath);
    if (!bucket) {
      return this._listBuckets(options.content !== false);
    }
    if (!key || options.type === 'directory') {
      return this._listFolder(bucket, key, options.content !== false);
    }
    let stat: IObjectStat;
    try {
      stat = await this._stat(bucket, key);
    } catch (error) {
      // No object of that key: a folder (a prefix), if anything is in it.
      if (error instanceof BucketsError && error.code === 'not_found') {
        const folder = await this._listFolder(bucket, key, true);
        if ((folder.content as Contents.IModel[]).length > 0) {
          return options.content === false
            ? { ...folder, content: null, format: null }
            : folder;
        }
      }
      throw error;
    }
    const model = this._fileModel(bucket, stat, options.type);
    if (options.content === false) {
      return model;
    }
    if (stat.size > MAX_OPEN_BYTES) {
      throw new BucketsError(
        'invalid_request',
        `${stat.name} is ${formatMB(stat.size)}, more than JupyterLab opens from a bucket (${formatMB(MAX_OPEN_BYTES)}).`,
        'Download it instead (right-click it in the Buckets panel: Download), or read it in a notebook with fsspec (Copy Python Snippet).'
      );
    }
    const response = await requestRaw(
      objectRoutes.content(this.remote, bucket, key),
      { cache: 'no-store' },
      this.serverSettings
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    const format =
      model.type === 'notebook'
        ? 'json'
        : (options.format ?? (isText(model.mimetype) ? 'text' : 'base64'));
    const decoded = decode(bytes, format, stat.name);
    return {
      ...model,
      ...decoded,
      content:
        model.type === 'notebook'
          ? markUntrusted(decoded.content)
          : decoded.content,
      size: bytes.length
    };
  }

  async getDownloadUrl(localPath: string): Promise<string> {
    const { bucket, key } = splitPath(localPath);
    return apiURL(
      objectRoutes.content(this.remote, bucket, key, { download: true }),
      this.serverSettings
    );
  }

  async newUntitled(
    _options: Contents.ICreateOptions = {}
  ): Promise<Contents.IModel> {
    throw new BucketsError(
      'invalid_request',
      'New documents cannot be created directly in a bucket.',
      'Create the document on the Jupyter disk and copy or save it into the bucket.'
    );
  }

  async delete(localPath: string): Promise<void> {
    const { bucket, key } = splitPath(localPath);
    if (!key) {
      throw new BucketsError(
        'invalid_request',
        'Buckets are not deleted from JupyterLab.',
        "Use the provider's console or CLI to delete a whole bucket."
      );
    }
    if (key.endsWith('/')) {
      await requestAPI(
        objectRoutes.delete(this.remote, bucket),
        { method: 'POST', body: JSON.stringify({ prefix: key }) },
        this.serverSettings
      );
    } else {
      await requestAPI(
        objectRoutes.object(this.remote, bucket, key),
        { method: 'DELETE' },
        this.serverSettings
      );
    }
    this._fileChanged.emit({
      type: 'delete',
      oldValue: { path: localPath },
      newValue: null
    });
  }

  /**
   * Like Jupyter's own contents API, a rename never replaces an existing
   * file: it is refused (destination_exists). The Buckets panel asks first
   * and passes `replace` when the user agreed.
   */
  async rename(
    oldLocalPath: string,
    newLocalPath: string,
    onConflict?: 'replace'
  ): Promise<Contents.IModel> {
    const from = splitPath(oldLocalPath);
    const to = splitPath(newLocalPath);
    if (!from.key || !to.key) {
      throw new BucketsError(
        'invalid_request',
        'Only objects can be renamed, not buckets.'
      );
    }
    const request: ICopyRequest = {
      fromKey: from.key,
      toKey: to.key,
      toBucket: to.bucket,
      move: true,
      onConflict
    };
    let stat: IObjectStat;
    try {
      stat = await requestAPI<IObjectStat>(
        objectRoutes.copy(this.remote, from.bucket),
        { method: 'POST', body: JSON.stringify(request) },
        this.serverSettings
      );
    } catch (error) {
      if (
        error instanceof BucketsError &&
        error.code === 'destination_exists'
      ) {
        throw new BucketsError(
          error.code,
          `${baseName(to.key)} exists already in ${to.bucket}/${parentPrefix(to.key)}.`,
          'Choose another name: a rename does not replace an existing object.',
          error.status,
          undefined,
          error.conflicts,
          error.conflictCount
        );
      }
      throw error;
    }
    const model = this._fileModel(to.bucket, stat);
    this._fileChanged.emit({
      type: 'rename',
      oldValue: { path: oldLocalPath },
      newValue: model
    });
    return model;
  }

  async save(
    localPath: string,
    options: Partial<Contents.IModel> = {}
  ): Promise<Contents.IModel> {
    const { bucket, key } = splitPath(localPath);
    if (!key || options.type === 'directory') {
      throw new BucketsError(
        'invalid_request',
        'Folders in a bucket exist only through the objects in them.',
        'Save a document into the folder instead.'
      );
    }
    if (options.chunk !== undefined) {
      throw new BucketsError(
        'invalid_request',
        'Uploads in chunks are not supported by bucket drives.',
        'Upload through the Buckets panel instead.'
      );
    }
    const mimetype =
      options.mimetype ||
      this._mimetypeFor(localPath) ||
      (options.type === 'notebook'
        ? 'application/x-ipynb+json'
        : 'application/octet-stream');
    const body = encode(options, mimetype);
    const response = await requestRaw(
      objectRoutes.content(this.remote, bucket, key),
      { method: 'PUT', body, headers: { 'Content-Type': mimetype } },
      this.serverSettings
    );
    const stat = (await response.json()) as IObjectStat;
    const model = this._fileModel(bucket, stat, options.type);
    this._fileChanged.emit({ type: 'save', oldValue: null, newValue: model });
    return model;
  }

  async copy(localPath: string, toLocalDir: string): Promise<Contents.IModel> {
    const from = splitPath(localPath);
    const dir = splitPath(toLocalDir);
    const name = PathExt.basename(from.key);
    const ext = PathExt.extname(name);
    const toKey = `${dir.key ? `${dir.key.replace(/\/$/, '')}/` : ''}${name.slice(0, name.length - ext.length)}-Copy${ext}`;
    const stat = await requestAPI<IObjectStat>(
      objectRoutes.copy(this.remote, from.bucket),
      {
        method: 'POST',
        // A second duplicate is 'name-Copy (1).ext', not a silent
        // replacement of the first (Jupyter's own drive numbers them too).
        body: JSON.stringify({
          fromKey: from.key,
          toKey,
          toBucket: dir.bucket,
          onConflict: 'rename'
        } satisfies ICopyRequest)
      },
      this.serverSettings
    );
    const model = this._fileModel(dir.bucket, stat);
    this._fileChanged.emit({ type: 'new', oldValue: null, newValue: model });
    return model;
  }

  // Checkpoints: none (see the top of this file). The document manager asks
  // for one on every save; an empty answer is what it expects without them.
  async createCheckpoint(
    _localPath: string
  ): Promise<Contents.ICheckpointModel> {
    return { id: 'none', last_modified: new Date().toISOString() };
  }

  async listCheckpoints(
    _localPath: string
  ): Promise<Contents.ICheckpointModel[]> {
    return [];
  }

  async restoreCheckpoint(
    _localPath: string,
    _checkpointID: string
  ): Promise<void> {
    throw new BucketsError(
      'invalid_request',
      'Objects in buckets have no checkpoints to restore.'
    );
  }

  async deleteCheckpoint(
    _localPath: string,
    _checkpointID: string
  ): Promise<void> {
    return;
  }

  private _stat(bucket: string, key: string): Promise<IObjectStat> {
    return requestAPI<IObjectStat>(
      objectRoutes.object(this.remote, bucket, key),
      { cache: 'no-store' },
      this.serverSettings
    );
  }

  private _fileModel(
    bucket: string,
    stat: IObjectStat,
    type?: Contents.ContentType
  ): Contents.IModel {
    const path = joinPath(bucket, stat.key);
    const notebook =
      type === 'notebook' || (type === undefined && path.endsWith('.ipynb'));
    const modified = stat.modified ?? EPOCH;
    return {
      name: stat.name,
      path,
      type: notebook ? 'notebook' : 'file',
      writable: writeRefusal(this._policy(), bucket, stat.key) === undefined,
      created: modified,
      last_modified: modified,
      mimetype: notebook
        ? 'application/x-ipynb+json'
        : this._mimetypeFor(path) || stat.contentType || '',
      content: null,
      format: null,
      size: stat.size
    };
  }

  private async _listBuckets(content: boolean): Promise<Contents.IModel> {
    const list = content
      ? await requestAPI<IBucketList>(
          routes.buckets(this.remote),
          {},
          this.serverSettings
        )
      : { buckets: [] };
    return directoryModel(
      '',
      list.buckets.map(bucket =>
        directoryModel(bucket.name, null, bucket.created)
      ),
      undefined,
      content
    );
  }

  private async _listFolder(
    bucket: string,
    key: string,
    content: boolean
  ): Promise<Contents.IModel> {
    const prefix = key && !key.endsWith('/') ? `${key}/` : key;
    const path = joinPath(bucket, prefix.replace(/\/$/, ''));
    if (!content) {
      return directoryModel(path, null);
    }
    // One page only (up to 1,000 entries); see the top of this file.
    const listing = await requestAPI<IListing>(
      `${routes.objects(this.remote, bucket)}?prefix=${encodeURIComponent(prefix)}`,
      {},
      this.serverSettings
    );
    return directoryModel(path, [
      ...listing.prefixes.map(entry =>
        directoryModel(joinPath(bucket, entry.prefix.replace(/\/$/, '')), null)
      ),
      ...listing.objects.map(entry =>
        this._fileModel(bucket, {
          bucket,
          key: entry.key,
          name: entry.name,
          size: entry.size,
          modified: entry.modified
        })
      )
    ]);
  }

  private readonly _fileChanged = new Signal<
    Contents.IDrive,
    Contents.IChangedArgs
  >(this);
  private readonly _mimetypeFor: (path: string) => string | undefined;
  private readonly _policy: () => IRemotePolicy | undefined;
  private _isDisposed = false;
}

function directoryModel(
  path: string,
  content: Contents.IModel[] | null,
  modified?: string,
  withContent = content !== null
): Contents.IModel {
  return {
    name: PathExt.basename(path),
    path,
    type: 'directory',
    writable: true,
    created: modified ?? EPOCH,
    last_modified: modified ?? EPOCH,
    mimetype: '',
    content: withContent ? content : null,
    format: withContent ? 'json' : null
  };
}

function isText(mimetype: string): boolean {
  return (
    mimetype.startsWith('text/') ||
    /json|xml|javascript|yaml|x-sh|x-python|csv|markdown/.test(mimetype)
  );
}

function decode(
  bytes: Uint8Array,
  format: Contents.FileFormat,
  name: string
): Pick<Contents.IModel, 'content' | 'format'> {
  if (format === 'base64') {
    return { content: toBase64(bytes), format: 'base64' };
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  if (format === 'json') {
    try {
      return { content: JSON.parse(text), format: 'json' };
    } catch {
      throw new BucketsError(
        'invalid_request',
        `${name} is not valid JSON, so it cannot be opened as a notebook.`,
        'Open it with the Editor (Open With) to see and fix its text.'
      );
    }
  }
  return { content: text, format: 'text' };
}

/** The body of a save: the document's bytes, as JupyterLab hands them over. */
function encode(options: Partial<Contents.IModel>, mimetype: string): Blob {
  const { content, format } = options;
  if (format === 'base64' && typeof content === 'string') {
    return new Blob([fromBase64(content)], { type: mimetype });
  }
  if (format === 'json' || options.type === 'notebook') {
    // Jupyter's own notebook files: one-space indent, a final newline.
    const json =
      options.type === 'notebook' ? stripTransient(content) : content;
    return new Blob([`${JSON.stringify(json, null, 1)}\n`], {
      type: mimetype
    });
  }
  return new Blob([typeof content === 'string' ? content : ''], {
    type: mimetype
  });
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/\s/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}

function formatMB(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
