// The storage providers, one line each. Everything that names a provider
// (the Provider type, labels, URI schemes, icons, the fsspec library) reads
// this table, so a new provider is one line here and one folder in the
// sidecar's backends/ (see CONTRIBUTING.md).

export interface IProviderInfo {
  /** Short, for pickers and lists: 'S3', 'GCS'. */
  readonly label: string;
  /** In full, for detail views: 'Google Cloud Storage'. */
  readonly title: string;
  /** URI schemes other tools use (s3://, gs://); the first is the one we write. */
  readonly schemes: readonly string[];
  /** The name of the icon the JupyterLab extension shows for its remotes. */
  readonly icon: string;
  /** The fsspec filesystem package that opens its URIs. */
  readonly fsspec: string;
}

// One provider per line, so adding one is one line.
// prettier-ignore
export const PROVIDERS = {
  s3: { label: 'S3', title: 'S3', schemes: ['s3'], icon: 'bucket', fsspec: 's3fs' },
  gcs: { label: 'GCS', title: 'Google Cloud Storage', schemes: ['gs', 'gcs'], icon: 'bucket', fsspec: 'gcsfs' },
} as const satisfies Record<string, IProviderInfo>;

export type Provider = keyof typeof PROVIDERS;

export const PROVIDER_IDS = Object.keys(PROVIDERS) as Provider[];

/** The scheme we write in a URI for this provider: 's3', 'gs'. */
export function uriScheme(provider: Provider): string {
  return PROVIDERS[provider].schemes[0];
}

/** The provider a URI scheme names (s3, gs, gcs), or undefined. */
export function providerOfScheme(scheme: string): Provider | undefined {
  return PROVIDER_IDS.find(id =>
    (PROVIDERS[id].schemes as readonly string[]).includes(scheme)
  );
}

/** `s3://bucket/key`, `gs://bucket/key`: the URI other tools use for an object. */
export function objectUri(
  provider: Provider,
  bucket: string,
  key: string
): string {
  return `${uriScheme(provider)}://${bucket}/${key}`;
}
