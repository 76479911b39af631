// Hub awareness: $SCRATCH_BUCKET / $PERSISTENT_BUCKET (and the *_URL forms)
// become bookmarks under the remote that serves them. gs:// and gcs:// go under
// the `gcs` remote (GOOGLE_APPLICATION_CREDENTIALS, or else an application-
// default-credentials remote of that name with source 'hub'); s3:// goes under
// the first S3 remote (by name) whose endpoint is AWS itself.
import type { IConfigProblem } from '@jupyter-buckets/core';
import { isAwsEndpoint } from '../backends/s3/endpoint.js';
import { GCLOUD_REMOTE } from './gcloud.js';
import type { IRemoteConfig } from './types.js';
import { compareNames } from '../order.js';

const HUB_VARIABLES: [string, string][] = [
  ['SCRATCH_BUCKET', 'scratch'],
  ['SCRATCH_BUCKET_URL', 'scratch'],
  ['PERSISTENT_BUCKET', 'persistent'],
  ['PERSISTENT_BUCKET_URL', 'persistent']
];

/** 'gs://bucket/user' -> { scheme: 'gs', path: 'bucket/user/' }; gcs:// is read as gs://. */
export function parseBucketUrl(
  value: string
): { scheme: 's3' | 'gs'; path: string } | undefined {
  const match = /^(s3|gs|gcs):\/\/([^/\s]+)(\/[^\s]*)?$/i.exec(value.trim());
  if (!match) {
    return undefined;
  }
  const scheme = match[1].toLowerCase() === 's3' ? 's3' : 'gs';
  const rest = (match[3] ?? '').replace(/^\/+/, '');
  const path = rest ? `${match[2]}/${rest.replace(/\/*$/, '/')}` : match[2];
  return { scheme, path };
}

/** Add the hub's bookmarks to `byName` (creating the `gcs` remote if needed). */
export function addHubBookmarks(
  env: NodeJS.ProcessEnv,
  byName: Map<string, IRemoteConfig>,
  problems: IConfigProblem[]
): void {
  for (const [variable, label] of HUB_VARIABLES) {
    const value = env[variable];
    if (!value) {
      continue;
    }
    const parsed = parseBucketUrl(value);
    if (!parsed) {
      problems.push({
        source: 'hub',
        file: `$${variable}`,
        message: `$${variable} is not an s3://, gs:// or gcs:// URL; it is not shown.`
      });
      continue;
    }
    let remote: IRemoteConfig | undefined;
    if (parsed.scheme === 'gs') {
      remote = byName.get(GCLOUD_REMOTE);
      if (!remote) {
        remote = {
          name: GCLOUD_REMOTE,
          provider: 'gcs',
          sources: ['hub'],
          anonymous: false,
          hasCredentials: true,
          gcs: { envAuth: true }
        };
        byName.set(remote.name, remote);
      } else if (remote.provider !== 'gcs') {
        remote = undefined;
      }
    } else {
      remote = [...byName.values()]
        .filter(r => r.provider === 's3' && isAwsEndpoint(r.endpoint))
        .sort((a, b) => compareNames(a.name, b.name))[0];
    }
    if (!remote) {
      problems.push({
        source: 'hub',
        file: `$${variable}`,
        message: `No ${parsed.scheme === 'gs' ? "Google Cloud Storage remote named 'gcs'" : 'AWS S3 remote'} to show $${variable} under.`
      });
      continue;
    }
    remote.bookmarks ??= [];
    if (!remote.bookmarks.some(b => b.path === parsed.path)) {
      remote.bookmarks.push({ path: parsed.path, label, source: 'hub' });
    }
  }
}
