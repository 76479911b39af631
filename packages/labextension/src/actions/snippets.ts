// Python code that opens an object, a folder or a Zarr store of a remote with
// fsspec, pandas or xarray. The storage options are the sidecar's (GET
// /remotes/{name}/fsspec: a profile name, a key file's path, the
// environment's identity), so the code opens what the panel opens, and never
// holds a secret.
import {
  objectUri,
  PROVIDERS,
  uriScheme,
  type IFsspecOpen,
  type Provider,
  type ZarrVersion
} from '@jupyter-buckets/core';

/** What a snippet is about: where, and what kind of thing. */
export interface ISnippetTarget {
  remote: string;
  provider: Provider;
  bucket: string;
  /** A key, or a folder ('' or ending with '/'). */
  key: string;
  /** The folder is a Zarr store of this format. */
  zarr?: ZarrVersion;
}

function py(text: string): string {
  // A Python string literal that survives any key (quotes, backslashes, unicode).
  return JSON.stringify(text);
}

/** A JSON value (fsspec's storage options) as a Python literal. */
export function pythonValue(value: unknown): string {
  if (value === null || value === undefined) {
    return 'None';
  }
  if (value === true || value === false) {
    return value ? 'True' : 'False';
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? String(value) : 'None';
  }
  if (typeof value === 'string') {
    return py(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(pythonValue).join(', ')}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${py(k)}: ${pythonValue(v)}`).join(', ')}}`;
}

/** Text from a config file as a comment: one line, no way out of it. */
function comment(text: string): string {
  return `# ${text.replace(/[\r\n\u2028\u2029]+/g, ' ')}`;
}

/** The snippet for a target, opened as `open` says. */
export function pythonSnippet(
  open: IFsspecOpen,
  target: ISnippetTarget
): string {
  const { provider, bucket, key } = target;
  const url = objectUri(provider, bucket, key);
  const lib = PROVIDERS[provider].fsspec;
  const lower = key.toLowerCase();
  const folder = key === '' || key.endsWith('/');
  const store =
    target.zarr !== undefined || (folder && lower.endsWith('.zarr/'));
  if (open.missingSecret) {
    // The secret is where only this tool reads it: open through it.
    const location = py(`${target.remote}:${bucket}/${key}`);
    return [
      comment(open.missingSecret),
      'import jupyter_buckets',
      store
        ? `import xarray as xr\nds = xr.open_zarr(jupyter_buckets.mapper(${location}))`
        : `fs, path = jupyter_buckets.url_to_fs(${location})\nfs.ls(path)`
    ].join('\n');
  }
  const options = `storage_options = ${pythonValue(open.storage_options)}`;
  if (store) {
    return [
      `import xarray as xr  # needs ${lib} and zarr`,
      options,
      `ds = xr.open_zarr(${py(url.replace(/\/$/, ''))}, storage_options=storage_options)`
    ].join('\n');
  }
  if (folder) {
    return [
      `import fsspec  # needs ${lib}`,
      options,
      `fs = fsspec.filesystem(${py(uriScheme(provider))}, **storage_options)`,
      `fs.ls(${py(`${bucket}/${key}`)})`
    ].join('\n');
  }
  if (/\.(csv|tsv)$/.test(lower)) {
    const sep = lower.endsWith('.tsv') ? ", sep='\\t'" : '';
    return [
      `import pandas as pd  # needs ${lib}`,
      options,
      `df = pd.read_csv(${py(url)}${sep}, storage_options=storage_options)`
    ].join('\n');
  }
  if (lower.endsWith('.parquet')) {
    return [
      `import pandas as pd  # needs ${lib} and pyarrow`,
      options,
      `df = pd.read_parquet(${py(url)}, storage_options=storage_options)`
    ].join('\n');
  }
  if (/\.(nc|nc4|netcdf|h5|hdf5|grib|grb2?)$/.test(lower)) {
    return [
      `import fsspec  # needs ${lib}`,
      'import xarray as xr',
      options,
      `ds = xr.open_dataset(fsspec.open(${py(url)}, **storage_options).open())`
    ].join('\n');
  }
  return [
    `import fsspec  # needs ${lib}`,
    options,
    `with fsspec.open(${py(url)}, 'rb', **storage_options) as f:`,
    '    data = f.read()'
  ].join('\n');
}
