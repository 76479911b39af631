// A location string ('remote:bucket/path', s3:// / gs:// with a remote, a
// local path) as the engine needs it: a backend, a bucket, a path, and an
// identity that says when two locations share endpoint and credentials (then
// copies between them are server-side).
import { createHash } from 'node:crypto';
import { resolve as resolvePath } from 'node:path';
import {
  LOCAL_BUCKET,
  LOCAL_REMOTE,
  parseLocation
} from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import type { BackendFactory } from '../backends/index.js';
import { LocalBackend } from '../backends/local.js';
import type { IBackend } from '../backends/types.js';
import type { IRemoteStore } from '../remotes/discover.js';
import type { IRemoteConfig } from '../remotes/types.js';

export interface IEndpoint {
  backend: IBackend;
  bucket: string;
  /** Key or prefix in the bucket ('' = the bucket root). */
  path: string;
  /** Equal for two endpoints with the same endpoint and credentials. */
  identity: string;
  /** As the user typed it. */
  label: string;
  local: boolean;
}

export interface IResolveOptions {
  store: IRemoteStore;
  backends: BackendFactory;
  /** Local paths: confined to this root (HTTP API), or absolute/relative to the cwd when unset (CLI). */
  localRoot?: string;
  /** The remote for s3:// and gs:// locations. */
  remote?: string;
}

/** Same endpoint and same secret: a digest, never the secret itself. */
export function remoteIdentity(remote: IRemoteConfig): string {
  const { provider, endpoint, region, anonymous, s3, gcs } = remote;
  return `${provider}:${createHash('sha256')
    .update(
      JSON.stringify({
        provider,
        endpoint: endpoint ?? '',
        region: provider === 's3' ? (region ?? '') : '',
        anonymous,
        s3,
        gcs
      })
    )
    .digest('hex')}`;
}

const disks = new Map<string, LocalBackend>();

function disk(root: string): LocalBackend {
  let backend = disks.get(root);
  if (!backend) {
    backend = new LocalBackend(root);
    disks.set(root, backend);
  }
  return backend;
}

function localEndpoint(
  path: string,
  label: string,
  root: string | undefined
): IEndpoint {
  const trailing = /[/\\]$/.test(path) ? '/' : '';
  if (root === undefined) {
    // The CLI runs as the user in their shell: any path of theirs.
    const backend = disk('/');
    const absolute = resolvePath(path);
    return {
      backend,
      bucket: LOCAL_BUCKET,
      path: absolute === '/' ? '' : absolute.slice(1) + trailing,
      identity: `local:${backend.root}`,
      label,
      local: true
    };
  }
  const backend = disk(root);
  const relative = path
    .split(/[/\\]/)
    .filter(p => p !== '' && p !== '.')
    .join('/');
  return {
    backend,
    bucket: LOCAL_BUCKET,
    path: relative ? relative + trailing : '',
    identity: `local:${backend.root}`,
    label,
    local: true
  };
}

export function resolveLocation(
  text: string,
  options: IResolveOptions
): IEndpoint {
  let location;
  try {
    location = parseLocation(text);
  } catch (error) {
    throw new ApiError('invalid_request', (error as Error).message);
  }
  if (location.kind === 'local') {
    if (options.localRoot !== undefined && /^([/\\]|[A-Za-z]:)/.test(text)) {
      throw new ApiError(
        'path_outside_root',
        `'${text}' is an absolute path: local paths are relative to the Jupyter root.`,
        'Give a path relative to the Jupyter root.'
      );
    }
    return localEndpoint(location.path, text, options.localRoot);
  }
  let name: string;
  if (location.kind === 'remote') {
    name = location.remote;
  } else {
    const provider = location.scheme === 's3' ? 's3' : 'gcs';
    if (options.remote) {
      name = options.remote;
    } else {
      const candidates = options.store
        .discover()
        .remotes.filter(r => r.provider === provider);
      if (candidates.length !== 1) {
        throw new ApiError(
          'invalid_request',
          `Which remote should open ${text}? ${candidates.length ? `There are ${candidates.length} ${provider} remotes` : `There is no ${provider} remote`}.`,
          `Give the remote (--remote NAME), or write it as NAME:${location.bucket}/${location.path}.`
        );
      }
      name = candidates[0].name;
    }
  }
  const remote = options.store.get(name);
  if (!remote) {
    if (name === LOCAL_REMOTE) {
      if (location.bucket !== LOCAL_BUCKET) {
        throw new ApiError(
          'bucket_not_found',
          `The Jupyter disk has one bucket, '${LOCAL_BUCKET}', not '${location.bucket}'.`,
          `Write ${LOCAL_REMOTE}:${LOCAL_BUCKET}/path, or just the path.`
        );
      }
      return localEndpoint(
        location.path,
        text,
        options.localRoot ?? process.cwd()
      );
    }
    throw new ApiError(
      'remote_not_found',
      `No remote named ${name}.`,
      'See jupyter-buckets remotes list.'
    );
  }
  if (!location.bucket) {
    throw new ApiError(
      'invalid_request',
      `No bucket in ${text}.`,
      `Write ${name}:BUCKET/path.`
    );
  }
  return {
    backend: options.backends(remote),
    bucket: location.bucket,
    path: location.path,
    identity: remoteIdentity(remote),
    label: text,
    local: false
  };
}
