// Python code that opens an object or a folder of a remote with fsspec,
// pandas or xarray: the remote's profile name and endpoint, never a secret.
import {
  objectUri,
  PROVIDERS,
  uriScheme,
  type Provider
} from '@jupyter-buckets/core';

export interface ISnippetRemote {
  name: string;
  provider: Provider;
  endpoint?: string;
  anonymous: boolean;
  /** GCS: the service-account key file on the Jupyter server, when there is one. */
  keyFile?: string;
}

function py(text: string): string {
  // A Python string literal that survives any key (quotes, backslashes, unicode).
  return JSON.stringify(text);
}

/** The keyword arguments of s3fs / gcsfs for this remote, as Python source. */
export function storageOptions(remote: ISnippetRemote): string {
  const options: string[] = [];
  if (remote.provider === 's3') {
    options.push(
      remote.anonymous ? "'anon': True" : `'profile': ${py(remote.name)}`
    );
    if (remote.endpoint) {
      options.push(`'client_kwargs': {'endpoint_url': ${py(remote.endpoint)}}`);
    }
  } else {
    options.push(
      `'token': ${
        remote.anonymous
          ? "'anon'"
          : remote.keyFile
            ? py(remote.keyFile)
            : "'google_default'"
      }`
    );
    if (remote.endpoint) {
      options.push(`'endpoint_url': ${py(remote.endpoint)}`);
    }
  }
  return `{${options.join(', ')}}`;
}

/** A snippet for an object (`key`) or a folder (`key` ending with '/'). */
export function pythonSnippet(
  remote: ISnippetRemote,
  bucket: string,
  key: string
): string {
  const scheme = uriScheme(remote.provider);
  const url = objectUri(remote.provider, bucket, key);
  const lib = PROVIDERS[remote.provider].fsspec;
  const options = `storage_options = ${storageOptions(remote)}`;
  const lower = key.toLowerCase();
  if (key === '' || key.endsWith('/')) {
    if (lower.endsWith('.zarr/')) {
      return [
        `import xarray as xr  # needs ${lib} and zarr`,
        options,
        `ds = xr.open_zarr(${py(url.replace(/\/$/, ''))}, storage_options=storage_options)`
      ].join('\n');
    }
    return [
      `import fsspec  # needs ${lib}`,
      options,
      `fs = fsspec.filesystem(${py(scheme)}, **storage_options)`,
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
