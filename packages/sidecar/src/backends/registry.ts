// The providers the sidecar can talk to, as rclone's backend registry: each
// folder (s3/, gcs/, local/) registers itself once, and everything above
// (the factory, rclone.conf discovery, server-side copy) asks this table
// instead of naming providers.
import { createHash } from 'node:crypto';
import { ApiError } from '../api-error.js';
import type {
  BackendProvider,
  IBackendConfig,
  IConfigSection,
  IDiscoveredConfig
} from './config.js';
import type { IBackend, ICapabilities, OptionalFeature } from './types.js';

export interface IProviderBackend {
  readonly id: BackendProvider;
  readonly capabilities: ICapabilities;
  /**
   * The optional IBackend methods its backends have, known without loading
   * its SDK (a lazy backend has exactly these; tests hold them to the class).
   */
  readonly features: readonly OptionalFeature[];
  /** rclone.conf `type =` values that mean this provider; the first is the one we write. */
  readonly rcloneTypes: readonly string[];
  /** A remote's settings from its rclone.conf section. */
  fromRclone?(section: IConfigSection): IDiscoveredConfig;
  /**
   * A new backend (the factory caches it per remote and settings). Providers
   * with an SDK return a lazyBackend, which loads it on its first call.
   */
  create(config: IBackendConfig): IBackend;
}

const providers = new Map<BackendProvider, IProviderBackend>();

export function registerProvider(provider: IProviderBackend): void {
  providers.set(provider.id, provider);
}

export function providerBackend(id: BackendProvider): IProviderBackend {
  const provider = providers.get(id);
  if (!provider) {
    throw new ApiError(
      'invalid_request',
      `This jupyter-buckets cannot talk to '${id}' stores.`,
      'Update jupyter-buckets, or use another remote.'
    );
  }
  return provider;
}

/** Every registered provider. */
export function allProviders(): IProviderBackend[] {
  return [...providers.values()];
}

/** The provider an rclone.conf `type =` names, if it is one of ours. */
export function providerOfRcloneType(
  type: string | undefined
): IProviderBackend | undefined {
  return [...providers.values()].find(
    provider => type !== undefined && provider.rcloneTypes.includes(type)
  );
}

/**
 * Equal for two configs with the same endpoint and the same credentials:
 * they can share connections, and copy between themselves server-side. A
 * digest, so the secret is never kept as a key.
 */
export function backendIdentity(config: IBackendConfig): string {
  const { provider, endpoint, region, anonymous } = config;
  const settings = config[provider as keyof IBackendConfig];
  return `${provider}:${createHash('sha256')
    .update(JSON.stringify({ endpoint, region, anonymous, settings }))
    .digest('hex')}`;
}
