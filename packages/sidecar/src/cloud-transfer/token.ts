// The access token of a cloud transfer: the destination remote's identity
// (its service-account key, gcloud's login or the pod's), with the scope the
// Storage Transfer Service API asks for.
import { gcsAccessToken } from '../take-home/gcs.js';
import type { IRemoteConfig } from '../remotes/types.js';

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

export async function serviceToken(remote: IRemoteConfig): Promise<string> {
  return (await gcsAccessToken(remote, CLOUD_PLATFORM)).token;
}
