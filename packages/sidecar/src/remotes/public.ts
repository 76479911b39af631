// The only way a remote leaves the sidecar: a copy of its public fields,
// built field by field so a secret added to IRemoteConfig later cannot leak.
import type { IRemote } from '@jupyter-buckets/core';
import type { IRemoteConfig } from './types.js';

export function toPublicRemote(remote: IRemoteConfig): IRemote {
  const result: IRemote = {
    name: remote.name,
    provider: remote.provider,
    sources: [...remote.sources],
    anonymous: remote.anonymous,
    hasCredentials: remote.hasCredentials
  };
  if (remote.endpoint) {
    result.endpoint = remote.endpoint;
  }
  if (remote.region) {
    result.region = remote.region;
  }
  result.bookmarks = (remote.bookmarks ?? []).map(b => ({ ...b }));
  result.differs = (remote.differences?.length ?? 0) > 0;
  if (remote.policy) {
    const { readOnly, writablePrefixes, purgeAfterDays, setBy } = remote.policy;
    result.policy = {
      ...(readOnly !== undefined ? { readOnly } : {}),
      ...(writablePrefixes ? { writablePrefixes: [...writablePrefixes] } : {}),
      ...(purgeAfterDays !== undefined ? { purgeAfterDays } : {}),
      setBy: { ...setBy }
    };
  }
  return result;
}
