// Amazon S3 and the S3-compatible stores (Ceph/OSN, MinIO, SeaweedFS, R2).
// Registering loads no AWS SDK: backend.ts, which does, is imported when an
// S3 remote is first used.
import { isTrue, normalizeEndpoint, type IConfigSection } from '../config.js';
import { lazyBackend } from '../lazy.js';
import { registerProvider } from '../registry.js';
import { CAPABILITIES, capabilitiesOf, FEATURES } from './capabilities.js';

export interface IS3Settings {
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** Let the AWS SDK resolve credentials for this profile (SSO, credential_process, roles). */
  profile?: string;
  /** Let the AWS SDK's default chain find credentials (rclone's env_auth). */
  envAuth?: boolean;
  /** rclone's force_path_style; path-style is the default for custom endpoints. */
  forcePathStyle?: boolean;
}

declare module '../config.js' {
  interface IProviderSettings {
    s3: IS3Settings;
  }
}

/** An rclone `type = s3` section. */
function fromRclone(section: IConfigSection) {
  const accessKeyId = section.get('access_key_id') || undefined;
  const secretAccessKey = section.get('secret_access_key') || undefined;
  const hasKeys = Boolean(accessKeyId && secretAccessKey);
  const envAuth = isTrue(section.get('env_auth'));
  const forcePathStyle = section.get('force_path_style');
  return {
    name: section.name,
    provider: 's3' as const,
    endpoint: normalizeEndpoint(section.get('endpoint')),
    region: section.get('region') || undefined,
    // rclone's rule: no keys and no env_auth means anonymous access.
    anonymous: !hasKeys && !envAuth,
    hasCredentials: hasKeys || envAuth,
    s3: {
      accessKeyId,
      secretAccessKey,
      sessionToken: section.get('session_token') || undefined,
      envAuth: !hasKeys && envAuth,
      forcePathStyle:
        forcePathStyle === undefined ? undefined : isTrue(forcePathStyle)
    }
  };
}

const S3 = {
  id: 's3',
  capabilities: CAPABILITIES,
  features: FEATURES
} as const;

registerProvider({
  ...S3,
  rcloneTypes: ['s3'],
  fromRclone,
  create: config =>
    lazyBackend({ ...S3, capabilities: capabilitiesOf(config) }, async () =>
      (await import('./backend.js')).createS3Backend(config)
    )
});
