// The backend behind a remote name in a URL: a configured remote, or the
// Jupyter disk under the name `local` (when no configured remote has it).
import { LOCAL_REMOTE } from '@jupyter-buckets/core';
import type { BackendFactory } from '../../backends/index.js';
import { LocalBackend, localRootFromEnv } from '../../backends/local.js';
import type { IBackend } from '../../backends/types.js';
import type { IRemoteStore } from '../../remotes/discover.js';
import { requireRemote } from './context.js';

const localBackends = new Map<string, LocalBackend>();

export function localBackend(root: string = localRootFromEnv()): LocalBackend {
  let backend = localBackends.get(root);
  if (!backend) {
    backend = new LocalBackend(root);
    localBackends.set(root, backend);
  }
  return backend;
}

export function resolveBackend(
  store: IRemoteStore,
  backends: BackendFactory,
  name: string,
  localRoot?: string
): IBackend {
  if (name === LOCAL_REMOTE && !store.get(name)) {
    return localBackend(localRoot);
  }
  return backends(requireRemote(store, name));
}
