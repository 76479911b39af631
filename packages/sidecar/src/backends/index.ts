// backendFor(remote): the backend of a remote, built once per distinct
// configuration so connections (and their pools) are shared across requests.
import { createHash } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import type { IRemoteConfig } from '../remotes/types.js';
import { createStorage, GcsBackend } from './gcs.js';
import { S3Backend, s3ClientConfig } from './s3.js';
import type { IBackend } from './types.js';

export type BackendFactory = (remote: IRemoteConfig) => IBackend;

/** A digest of everything that makes two remotes use the same connection (the secret is hashed, not kept as a key). */
function cacheKey(remote: IRemoteConfig): string {
  const { name: _name, sources: _sources, ...settings } = remote;
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex');
}

export function createBackendFactory(): BackendFactory {
  const cache = new Map<string, IBackend>();
  return remote => {
    // The remote's name is part of error messages, so it is part of the key too.
    const key = `${remote.name}\0${cacheKey(remote)}`;
    let backend = cache.get(key);
    if (!backend) {
      backend =
        remote.provider === 's3'
          ? new S3Backend(remote, sharedS3Client(remote))
          : new GcsBackend(remote, createStorage(remote));
      cache.set(key, backend);
    }
    return backend;
  };
}

// Clients are shared between remotes with the same endpoint and credentials.
const s3Clients = new Map<string, S3Client>();

function sharedS3Client(remote: IRemoteConfig): S3Client {
  const key = cacheKey(remote);
  let client = s3Clients.get(key);
  if (!client) {
    client = new S3Client(s3ClientConfig(remote));
    s3Clients.set(key, client);
  }
  return client;
}

export type { IBackend } from './types.js';
