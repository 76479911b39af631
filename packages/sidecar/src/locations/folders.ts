// A path that names a folder, as a key prefix: '' stays the bucket root,
// anything else ends with one '/'. Listings, uploads and jobs all ask for it.

/** '' (or undefined) stays the bucket root; anything else names a folder, so it ends with '/'. */
export function folderPrefix(path: string | undefined): string {
  if (!path) {
    return '';
  }
  return path.endsWith('/') ? path : `${path}/`;
}
