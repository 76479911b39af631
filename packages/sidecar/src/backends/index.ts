// The backends, one folder each. Importing a folder registers its provider
// (as rclone's backend/all does); a new provider is one more line here.
import './s3/index.js';
import './gcs/index.js';
import './local/index.js';
import type { IBackendConfig } from './config.js';
import { backendIdentity, providerBackend } from './registry.js';
import type { IBackend } from './types.js';

export type BackendFactory = (config: IBackendConfig) => IBackend;

/**
 * The backend of a remote, built once per remote and settings, so that
 * connections (and their pools) are shared across requests.
 */
export function createBackendFactory(): BackendFactory {
  const cache = new Map<string, IBackend>();
  return config => {
    // The remote's name is part of error messages, so it is part of the key too.
    const key = `${config.name}\0${backendIdentity(config)}`;
    let backend = cache.get(key);
    if (!backend) {
      backend = providerBackend(config.provider).create(config);
      cache.set(key, backend);
    }
    return backend;
  };
}

export type { IBackendConfig } from './config.js';
export { backendIdentity, providerOfRcloneType } from './registry.js';
export type { IBackend } from './types.js';
