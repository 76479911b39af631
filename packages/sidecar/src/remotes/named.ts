// A remote looked up by the name a request or a command gave: light (no
// provider code), so the CLI and the routes use it before loading any SDK.
import { ApiError } from '../api-error.js';
import type { IRemoteConfig } from './types.js';

/** The remote of that name, or 404 remote_not_found with what to do. */
export function remoteNamed(
  store: { get(name: string): IRemoteConfig | undefined },
  name: string,
  hint = 'Refresh the list of remotes.'
): IRemoteConfig {
  const remote = store.get(name);
  if (!remote) {
    throw new ApiError('remote_not_found', `No remote named ${name}.`, hint);
  }
  return remote;
}
