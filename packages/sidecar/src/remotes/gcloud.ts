// GOOGLE_APPLICATION_CREDENTIALS (the key file gcsfs and the Google SDKs use)
// as a GCS remote named `gcs`.
import { existsSync } from 'node:fs';
import { expandHome } from './files.js';
import type { IDiscovery } from './types.js';

export const GCLOUD_REMOTE = 'gcs';

export function readGcloudRemotes(
  env: NodeJS.ProcessEnv = process.env
): IDiscovery {
  const keyFile = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (!keyFile) {
    return { remotes: [], problems: [] };
  }
  const path = expandHome(keyFile);
  if (!existsSync(path)) {
    return {
      remotes: [],
      problems: [
        {
          source: 'env',
          file: path,
          remote: GCLOUD_REMOTE,
          message:
            'GOOGLE_APPLICATION_CREDENTIALS names a file that does not exist'
        }
      ]
    };
  }
  return {
    remotes: [
      {
        name: GCLOUD_REMOTE,
        provider: 'gcs',
        sources: ['env'],
        anonymous: false,
        hasCredentials: true,
        gcs: { keyFile: path }
      }
    ],
    problems: []
  };
}
