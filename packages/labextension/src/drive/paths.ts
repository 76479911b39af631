// Where a document of a bucket lives, in the words of JupyterLab's contents
// API ('bucket-<remote>:bucket/key') and of the sidecar (remote, bucket, key).

/** Drive names are this prefix plus the remote's name. */
export const DRIVE_PREFIX = 'bucket-';

export function driveName(remote: string): string {
  return `${DRIVE_PREFIX}${remote}`;
}

/** A drive-local path, 'bucket/key': '' is the remote's root (its buckets). */
export interface IBucketPath {
  bucket: string;
  /** '' for the bucket root. */
  key: string;
}

export function splitPath(localPath: string): IBucketPath {
  const path = localPath.replace(/^\/+/, '');
  const slash = path.indexOf('/');
  return slash < 0
    ? { bucket: path, key: '' }
    : { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}

export function joinPath(bucket: string, key: string): string {
  return key ? `${bucket}/${key}` : bucket;
}

/** The full path JupyterLab's document manager opens: 'bucket-<remote>:bucket/key'. */
export function documentPath(
  remote: string,
  bucket: string,
  key: string
): string {
  return `${driveName(remote)}:${joinPath(bucket, key)}`;
}
