// What a backend is built from: a remote's connection settings, whatever
// file they came from. Each provider folder adds its own settings to
// IProviderSettings (s3/settings.ts: `s3: IS3Settings`), so this file does
// not change when a provider is added.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Provider } from '@jupyter-buckets/core';

/** The cloud providers of core's table, and the Jupyter disk. */
export type BackendProvider = Provider | 'local';

/**
 * Per-provider settings, keyed by provider id; provider folders extend it by
 * declaration merging (TypeScript's way to let a module add to a type).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface IProviderSettings {}

export interface IBackendConfig extends Partial<IProviderSettings> {
  /** The remote's name (it appears in error messages). */
  name: string;
  provider: BackendProvider;
  endpoint?: string;
  region?: string;
  anonymous: boolean;
}

/** A remote's settings as read from a config file: also whether it has a secret. */
export interface IDiscoveredConfig extends IBackendConfig {
  provider: Provider;
  hasCredentials: boolean;
}

/** One section of an INI file (rclone.conf), as a provider reads it. */
export interface IConfigSection {
  readonly name: string;
  get(key: string): string | undefined;
}

/** rclone's booleans. */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(true|yes|on|1)$/i.test(value);
}

/** rclone allows an endpoint without a scheme; the SDKs need one. */
export function normalizeEndpoint(
  endpoint: string | undefined
): string | undefined {
  if (!endpoint) {
    return undefined;
  }
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)
    ? endpoint
    : `https://${endpoint}`;
}

export function expandHome(path: string): string {
  if (path === '~') {
    return homedir();
  }
  if (path.startsWith('~/')) {
    return join(homedir(), path.slice(2));
  }
  return path;
}
