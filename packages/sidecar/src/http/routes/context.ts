// What bucket and object routes share: finding the remote named in the URL.
import { ApiError } from '../../api-error.js';
import type { IRemoteStore } from '../../remotes/discover.js';
import type { IRemoteConfig } from '../../remotes/types.js';

export function requireRemote(
  store: IRemoteStore,
  name: string
): IRemoteConfig {
  const remote = store.get(name);
  if (!remote) {
    throw new ApiError(
      'remote_not_found',
      `No remote named ${name}.`,
      'Remotes come from AWS profiles, rclone.conf and GOOGLE_APPLICATION_CREDENTIALS: check the name, or refresh the list.'
    );
  }
  return remote;
}

/** A query parameter given once as text (repeated or nested ones are refused). */
export function queryText(value: unknown, name: string): string | undefined {
  if (value === undefined || typeof value === 'string') {
    return value;
  }
  throw new ApiError(
    'invalid_request',
    `The query parameter '${name}' must be given once, as text.`
  );
}
