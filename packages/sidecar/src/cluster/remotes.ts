// The remotes a shard's worker needs, with their secrets: the worker may
// be another machine, without the user's config files. A service-account
// key named by path goes inline. The worker holds them in memory only
// (inlineStore); they are never written to its disk.
import { readFileSync } from 'node:fs';
import { ApiError } from '../api-error.js';
import { expandHome } from '../backends/config.js';
import type { IRemoteStore } from '../remotes/discover.js';
import type { IRemoteConfig } from '../remotes/types.js';

/** A remote as a worker gets it. */
export function remoteForWorker(remote: IRemoteConfig): IRemoteConfig {
  const copy = structuredClone(remote);
  delete copy.differences;
  delete copy.bookmarks;
  const keyFile = copy.gcs?.keyFile;
  if (copy.gcs && keyFile) {
    try {
      copy.gcs.credentialsJson = readFileSync(expandHome(keyFile), 'utf8');
    } catch {
      throw new ApiError(
        'no_credentials',
        `The key file of ${remote.name} cannot be read here, so it cannot be sent to the Dask workers.`,
        'Check the remote in the credentials panel.'
      );
    }
    delete copy.gcs.keyFile;
  }
  return copy;
}

/** The remotes a shard came with, as the engine looks remotes up. */
export function inlineStore(remotes: IRemoteConfig[]): IRemoteStore {
  return {
    discover: () => ({ remotes, problems: [] }),
    get: name => remotes.find(remote => remote.name === name)
  };
}
