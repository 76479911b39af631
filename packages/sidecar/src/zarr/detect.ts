// Which prefixes are Zarr stores: one short listing of each (its first
// entries), since the metadata names sort first (.zarray, .zgroup,
// .zmetadata) or come early (zarr.json beside a few array folders). A
// prefix that cannot be read is simply not a store here.
import pLimit from 'p-limit';
import type { ZarrVersion } from '@jupyter-buckets/core';
import type { IBackend } from '../backends/types.js';

/** Prefixes probed at once: enough to hide latency, few enough for a small store. */
const PROBES_IN_FLIGHT = 8;
const FIRST_ENTRIES = 100;

export const V2_ROOTS = ['.zgroup', '.zarray', '.zmetadata'];
export const V3_ROOT = 'zarr.json';

/** The Zarr format of the store at `prefix` (ends with '/'), or undefined when it is not one. */
export async function zarrVersion(
  backend: IBackend,
  bucket: string,
  prefix: string
): Promise<ZarrVersion | undefined> {
  const page = await backend.list(bucket, { prefix, limit: FIRST_ENTRIES });
  const names = new Set(page.objects.map(o => o.key.slice(prefix.length)));
  if (names.has(V3_ROOT)) {
    return 3;
  }
  if (V2_ROOTS.some(name => names.has(name))) {
    return 2;
  }
  if (page.nextToken) {
    // A v3 array with flat chunk keys: zarr.json may sort after them.
    const found = await backend.stat(bucket, prefix + V3_ROOT).then(
      () => true,
      () => false
    );
    return found ? 3 : undefined;
  }
  return undefined;
}

/** The stores among `prefixes`, with their versions; errors count as "not a store". */
export async function probeStores(
  backend: IBackend,
  bucket: string,
  prefixes: string[]
): Promise<Record<string, ZarrVersion>> {
  const limit = pLimit(PROBES_IN_FLIGHT);
  const stores: Record<string, ZarrVersion> = {};
  await Promise.all(
    prefixes.map(prefix =>
      limit(async () => {
        const version = await zarrVersion(backend, bucket, prefix).catch(
          () => undefined
        );
        if (version) {
          stores[prefix] = version;
        }
      })
    )
  );
  return stores;
}

/**
 * The same answer from the metadata objects' names alone (HEAD requests, in
 * parallel): what a transfer asks beside its plan, which lists the source
 * once and only once.
 */
export async function zarrVersionOf(
  backend: IBackend,
  bucket: string,
  prefix: string
): Promise<ZarrVersion | undefined> {
  const exists = (name: string): Promise<boolean> =>
    backend.stat(bucket, prefix + name).then(
      () => true,
      () => false
    );
  const [v3, ...v2] = await Promise.all([V3_ROOT, ...V2_ROOTS].map(exists));
  return v3 ? 3 : v2.some(Boolean) ? 2 : undefined;
}
