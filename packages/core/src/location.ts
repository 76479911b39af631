// Where data lives, in the forms users type: `remote:bucket/path` (rclone's
// form), `s3://bucket/path` and `gs://bucket/path` (fsspec's form, which needs a
// remote named separately), or a path on the Jupyter disk.
import {
  PROVIDER_IDS,
  PROVIDERS,
  providerOfScheme,
  uriScheme
} from './providers.js';

export type Location =
  | { kind: 'remote'; remote: string; bucket: string; path: string }
  | {
      kind: 'url';
      /** The provider's own scheme (gcs:// is read as gs://). */
      scheme: string;
      bucket: string;
      path: string;
    }
  | { kind: 'local'; path: string };

const SCHEMES = PROVIDER_IDS.flatMap(id => PROVIDERS[id].schemes);
const URL_FORM = new RegExp(`^(${SCHEMES.join('|')})://([^/]*)/?(.*)$`, 's');
// A remote name as rclone allows it; a single letter followed by ':' is
// left alone so that Windows drive paths are never mistaken for remotes.
const REMOTE_FORM = /^([\w.@-][\w .@-]*?[\w.@-]|[\w.@-]{2,}):(.*)$/s;

/** Parse a user-typed location. Throws an Error with a readable message. */
export function parseLocation(text: string): Location {
  if (text.length === 0) {
    throw new Error(
      'An empty location: give remote:bucket/path, s3://bucket/path, gs://bucket/path or a local path.'
    );
  }
  const url = URL_FORM.exec(text);
  if (url) {
    const [, scheme, bucket, path] = url;
    if (!bucket) {
      throw new Error(`No bucket in '${text}': write ${scheme}://BUCKET/path.`);
    }
    // gcs:// is what some hubs put in $SCRATCH_BUCKET; it means gs://.
    const provider = providerOfScheme(scheme);
    return {
      kind: 'url',
      scheme: provider ? uriScheme(provider) : scheme,
      bucket,
      path
    };
  }
  const remote = REMOTE_FORM.exec(text);
  if (remote && !text.startsWith('/') && !text.startsWith('.')) {
    const [, name, rest] = remote;
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const path = slash < 0 ? '' : rest.slice(slash + 1);
    return { kind: 'remote', remote: name, bucket, path };
  }
  return { kind: 'local', path: text };
}

/** Format a location back into the text form users type. */
export function formatLocation(location: Location): string {
  switch (location.kind) {
    case 'remote':
      return `${location.remote}:${joinPath(location.bucket, location.path)}`;
    case 'url':
      return `${location.scheme}://${joinPath(location.bucket, location.path)}`;
    case 'local':
      return location.path;
  }
}

function joinPath(bucket: string, path: string): string {
  return path ? `${bucket}/${path}` : bucket;
}

/** The last segment of a key or prefix, without a trailing '/'. */
export function baseName(keyOrPrefix: string): string {
  const trimmed = keyOrPrefix.endsWith('/')
    ? keyOrPrefix.slice(0, -1)
    : keyOrPrefix;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** The parent prefix of a key or prefix ('' at the bucket root). */
export function parentPrefix(keyOrPrefix: string): string {
  const trimmed = keyOrPrefix.endsWith('/')
    ? keyOrPrefix.slice(0, -1)
    : keyOrPrefix;
  const slash = trimmed.lastIndexOf('/');
  return slash < 0 ? '' : trimmed.slice(0, slash + 1);
}
