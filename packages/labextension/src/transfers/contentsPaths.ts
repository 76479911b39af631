// JupyterLab contents paths (what its file browser and drags carry) as
// transfer locations: the default drive is the Jupyter disk; a bucket drive
// ('bucket-<remote>:bucket/key') is that remote; other drives cannot take part.
import type { Contents } from '@jupyterlab/services';

import { DRIVE_PREFIX, splitPath } from '../drive/paths';
import { localLocation, remoteLocation } from './locations';

/**
 * The location of a contents path, or null for a drive the sidecar cannot
 * reach. `folder` makes it a folder (a trailing '/').
 */
export function contentsLocation(
  contents: Contents.IManager,
  path: string,
  folder: boolean
): string | null {
  const drive = contents.driveName(path);
  const local = contents.localPath(path);
  if (!drive) {
    return localLocation(local, folder);
  }
  if (!drive.startsWith(DRIVE_PREFIX)) {
    return null;
  }
  const { bucket, key } = splitPath(local);
  if (!bucket) {
    return null; // a remote's list of buckets is no place to copy into
  }
  const trimmed = key.replace(/\/+$/, '');
  return remoteLocation(
    drive.slice(DRIVE_PREFIX.length),
    bucket,
    trimmed && folder ? `${trimmed}/` : trimmed
  );
}
