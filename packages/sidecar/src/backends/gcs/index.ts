// Google Cloud Storage (and fake-gcs-server, and hub proxies of it).
// Registering loads no Google library: backend.ts, which does, is imported
// when a GCS remote is first used.
import {
  expandHome,
  isTrue,
  normalizeEndpoint,
  type IConfigSection
} from '../config.js';
import { lazyBackend } from '../lazy.js';
import { registerProvider } from '../registry.js';
import { CAPABILITIES, FEATURES } from './capabilities.js';

export interface IGcsSettings {
  /** Path of a service-account key file. */
  keyFile?: string;
  /** A service-account key given inline (rclone's service_account_credentials). */
  credentialsJson?: string;
  projectId?: string;
  /** Use Application Default Credentials (rclone's env_auth). */
  envAuth?: boolean;
}

declare module '../config.js' {
  interface IProviderSettings {
    gcs: IGcsSettings;
  }
}

/** rclone writes the GCS endpoint as `https://host/storage/v1/`; the SDK wants the root. */
export function gcsApiEndpoint(
  endpoint: string | undefined
): string | undefined {
  const normalized = normalizeEndpoint(endpoint);
  return normalized?.replace(/\/storage\/v1\/?$/, '').replace(/\/+$/, '');
}

/** An rclone `type = google cloud storage` section. */
function fromRclone(section: IConfigSection) {
  const keyFile = section.get('service_account_file') || undefined;
  const credentialsJson =
    section.get('service_account_credentials') || undefined;
  const anonymous = isTrue(section.get('anonymous'));
  const envAuth = isTrue(section.get('env_auth'));
  return {
    name: section.name,
    provider: 'gcs' as const,
    endpoint: gcsApiEndpoint(section.get('endpoint')),
    anonymous,
    hasCredentials:
      !anonymous && Boolean(keyFile || credentialsJson || envAuth),
    gcs: {
      keyFile: keyFile ? expandHome(keyFile) : undefined,
      credentialsJson,
      projectId: section.get('project_number') || undefined,
      envAuth
    }
  };
}

const GCS = {
  id: 'gcs',
  capabilities: CAPABILITIES,
  features: FEATURES
} as const;

registerProvider({
  ...GCS,
  // rclone's own name first (the one written); 'gcs' is seen in hand-made files.
  rcloneTypes: ['google cloud storage', 'gcs'],
  fromRclone,
  create: config =>
    lazyBackend(GCS, async () => {
      const { createStorage, GcsBackend } = await import('./backend.js');
      return new GcsBackend(config, createStorage(config));
    })
});
