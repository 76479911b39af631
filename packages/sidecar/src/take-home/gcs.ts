// A GCS access token for a laptop, from the hub's identity for the remote:
// the pod's (workload identity, the metadata server), gcloud's login, or a
// service-account key, which signs a token of its own (a self-signed JWT, as
// the sidecar itself uses, so no request reaches Google's token service).
// The token's scope is read-write or read-only storage, never cloud-platform;
// it lives an hour and cannot be narrowed to a bucket here.
import { GoogleAuth, type GoogleAuthOptions } from 'google-auth-library';
import { toApiError } from '../backends/errors.js';
import { storageOptions } from '../backends/gcs/backend.js';
import type { IRemoteConfig } from '../remotes/types.js';

const SCOPES = {
  readWrite: 'https://www.googleapis.com/auth/devstorage.read_write',
  readOnly: 'https://www.googleapis.com/auth/devstorage.read_only'
};

export interface IGcsToken {
  token: string;
  expires?: Date;
}

/** The `exp` of a JWT, when the token is one (a self-signed service-account token). */
function jwtExpiry(token: string): Date | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return undefined;
  }
  try {
    const payload = JSON.parse(
      Buffer.from(parts[1], 'base64url').toString('utf8')
    ) as { exp?: unknown };
    return typeof payload.exp === 'number'
      ? new Date(payload.exp * 1000)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Storage read-write or read-only (a laptop's), or another scope by name (a cloud transfer's). */
export async function gcsAccessToken(
  remote: IRemoteConfig,
  scope: boolean | string
): Promise<IGcsToken> {
  // Not the Storage client's own auth, which asks for cloud-platform (more
  // than a laptop needs); its key and project, as backend.ts reads them.
  const { keyFilename, credentials, projectId } = storageOptions(remote);
  const options: GoogleAuthOptions = {
    scopes: [
      typeof scope === 'string'
        ? scope
        : scope
          ? SCOPES.readOnly
          : SCOPES.readWrite
    ],
    keyFilename,
    credentials,
    projectId
  };
  const auth = new GoogleAuth(options);
  if (keyFilename || credentials) {
    auth.useJWTAccessWithScope = true;
  }
  try {
    const headers = new Headers(await auth.getRequestHeaders());
    const token = /^Bearer (.+)$/.exec(headers.get('authorization') ?? '')?.[1];
    if (!token) {
      throw new Error('no bearer token');
    }
    const client = await auth.getClient();
    const expiry = (client as { credentials?: { expiry_date?: number | null } })
      .credentials?.expiry_date;
    return {
      token,
      expires: jwtExpiry(token) ?? (expiry ? new Date(expiry) : undefined)
    };
  } catch (error) {
    throw toApiError(error, {
      remote: remote.name,
      endpoint: remote.endpoint ?? 'https://storage.googleapis.com'
    });
  }
}
