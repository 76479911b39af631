// The one way from what a user names (a remote in a URL, or a location string
// such as 'remote:bucket/path', s3:// or gs:// with a remote, a local path)
// to a backend. The Jupyter disk is the `local` provider of the backend
// factory like any other store, so the HTTP API, the CLI and the engine
// share one cache of backends.
import { resolve as resolvePath } from 'node:path';
import {
  LOCAL_BUCKET,
  LOCAL_REMOTE,
  parseLocation,
  providerOfScheme,
  type Location
} from '@jupyter-buckets/core';
import type { IRemotePolicy } from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { guardedBackend } from '../backends/guarded.js';
import {
  backendIdentity,
  type BackendFactory,
  type IBackend,
  type IBackendConfig
} from '../backends/index.js';
import type { IRemoteStore } from '../remotes/discover.js';
import { remoteNamed } from '../remotes/named.js';
import type { IRemoteConfig } from '../remotes/types.js';

/** A place in a store, as the engine and the object commands need it. */
export interface IEndpoint {
  backend: IBackend;
  bucket: string;
  /** Key or prefix in the bucket ('' = the bucket root). */
  path: string;
  /** Equal for two endpoints with the same endpoint and credentials (then copies between them are server-side). */
  identity: string;
  /** As the user typed it. */
  label: string;
  local: boolean;
  /** The remote's name. */
  remote: string;
  /** The hub admin's rules for it; its backend enforces them on every write. */
  policy?: IRemotePolicy;
}

export interface IResolverOptions {
  store: IRemoteStore;
  backends: BackendFactory;
  /** The Jupyter disk: remote `local`, and where local paths are confined to. */
  localRoot: string;
  /**
   * Local paths may be any path of the user's, relative to the cwd: the CLI,
   * run by the user in their own shell. Otherwise (the HTTP API) they are
   * relative to the root and confined to it.
   */
  anyLocalPath?: boolean;
}

export interface ILocationOptions {
  /** The remote for s3:// and gs:// locations. */
  remote?: string;
  /** Refuse a location without a bucket ('remote:' alone). */
  needBucket?: boolean;
}

const NO_REMOTE_HINT = 'See jupyter-buckets remotes list.';

/** A path relative to the Jupyter root as a key or prefix: no empty or '.' parts, a trailing '/' kept. */
function relativePath(path: string): string {
  const relative = path
    .split(/[/\\]/)
    .filter(p => p !== '' && p !== '.')
    .join('/');
  return relative && /[/\\]$/.test(path) ? `${relative}/` : relative;
}

export class Resolver {
  constructor(private readonly options: IResolverOptions) {}

  /** The backend of a remote named in a URL: a configured remote, or the Jupyter disk as `local`. */
  backend(name: string): IBackend {
    if (name === LOCAL_REMOTE && !this.options.store.get(name)) {
      return this.options.backends(this.diskConfig(this.options.localRoot));
    }
    return this.guarded(
      remoteNamed(
        this.options.store,
        name,
        'Remotes come from AWS profiles, rclone.conf and GOOGLE_APPLICATION_CREDENTIALS: check the name, or refresh the list.'
      )
    );
  }

  /** The backend of a remote, behind the admin's rules when it has any. */
  private guarded(
    config: IBackendConfig & Pick<Partial<IRemoteConfig>, 'policy'>
  ): IBackend {
    return guardedBackend(
      this.options.backends(config),
      config.name,
      config.policy
    );
  }

  /** A location string to an endpoint. Errors are ApiErrors that say what to write instead. */
  location(text: string, options: ILocationOptions = {}): IEndpoint {
    let location: Location;
    try {
      location = parseLocation(text);
    } catch (error) {
      throw new ApiError('invalid_request', (error as Error).message);
    }
    if (location.kind === 'local') {
      return this.localPath(location.path, text);
    }
    const name =
      location.kind === 'remote'
        ? location.remote
        : this.remoteForUrl(location, text, options.remote);
    const remote = this.options.store.get(name);
    if (!remote && name === LOCAL_REMOTE) {
      const { bucket } = location;
      if (bucket !== LOCAL_BUCKET && (bucket || options.needBucket)) {
        throw new ApiError(
          'bucket_not_found',
          `The Jupyter disk has one bucket, '${LOCAL_BUCKET}', not '${bucket}'.`,
          `Write ${LOCAL_REMOTE}:${LOCAL_BUCKET}/path, or just the path.`
        );
      }
      // `local:` alone lists the disk's one bucket (jupyter-buckets ls local:).
      return this.endpoint(this.diskConfig(this.options.localRoot), {
        bucket,
        path: bucket ? relativePath(location.path) : '',
        label: text
      });
    }
    if (!remote) {
      throw new ApiError(
        'remote_not_found',
        `No remote named ${name}.`,
        NO_REMOTE_HINT
      );
    }
    if (options.needBucket && !location.bucket) {
      throw new ApiError(
        'invalid_request',
        `No bucket in ${text}.`,
        `Write ${name}:BUCKET/path.`
      );
    }
    return this.endpoint(remote, {
      bucket: location.bucket,
      path: location.path,
      label: text
    });
  }

  /** s3:// and gs:// name a bucket but not the remote: the one given, or the only one of that provider. */
  private remoteForUrl(
    location: Extract<Location, { kind: 'url' }>,
    text: string,
    remote: string | undefined
  ): string {
    if (remote) {
      return remote;
    }
    const provider = providerOfScheme(location.scheme);
    const candidates = this.options.store
      .discover()
      .remotes.filter(r => r.provider === provider);
    if (candidates.length !== 1) {
      throw new ApiError(
        'invalid_request',
        `Which remote should open ${text}? ${candidates.length ? `There are ${candidates.length} ${provider} remotes` : `There is no ${provider} remote`}.`,
        `Add --remote NAME, or write it as NAME:${location.bucket}/${location.path} (see jupyter-buckets remotes list).`
      );
    }
    return candidates[0].name;
  }

  private localPath(path: string, text: string): IEndpoint {
    const root = this.options.localRoot;
    const trailing = /[/\\]$/.test(path) ? '/' : '';
    if (this.options.anyLocalPath) {
      const absolute = resolvePath(path);
      return this.endpoint(this.diskConfig('/'), {
        bucket: LOCAL_BUCKET,
        path: absolute === '/' ? '' : absolute.slice(1) + trailing,
        label: text
      });
    }
    if (/^([/\\]|[A-Za-z]:)/.test(text)) {
      throw new ApiError(
        'path_outside_root',
        `'${text}' is an absolute path: local paths are relative to the Jupyter root.`,
        'Give a path relative to the Jupyter root.'
      );
    }
    return this.endpoint(this.diskConfig(root), {
      bucket: LOCAL_BUCKET,
      path: relativePath(path),
      label: text
    });
  }

  private endpoint(
    config: IBackendConfig & Pick<Partial<IRemoteConfig>, 'policy'>,
    where: { bucket: string; path: string; label: string }
  ): IEndpoint {
    return {
      backend: this.guarded(config),
      ...where,
      identity: backendIdentity(config),
      local: config.provider === 'local',
      remote: config.name,
      ...(config.policy ? { policy: config.policy } : {})
    };
  }

  private diskConfig(root: string): IBackendConfig {
    return {
      name: LOCAL_REMOTE,
      provider: 'local',
      anonymous: true,
      local: { root }
    };
  }
}
