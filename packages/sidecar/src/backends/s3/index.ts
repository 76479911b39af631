// Amazon S3 and the S3-compatible stores (Ceph/OSN, MinIO, SeaweedFS, R2).
import { S3Client } from '@aws-sdk/client-s3';
import { isTrue, normalizeEndpoint, type IConfigSection } from '../config.js';
import { backendIdentity, registerProvider } from '../registry.js';
import { CAPABILITIES, S3Backend, s3ClientConfig } from './backend.js';

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

// Remotes with the same endpoint and credentials share one client (and its
// connection pool).
const clients = new Map<string, S3Client>();

registerProvider({
  id: 's3',
  capabilities: CAPABILITIES,
  rcloneTypes: ['s3'],
  fromRclone,
  create: config => {
    const identity = backendIdentity(config);
    let client = clients.get(identity);
    if (!client) {
      client = new S3Client(s3ClientConfig(config));
      clients.set(identity, client);
    }
    return new S3Backend(config, client);
  }
});
