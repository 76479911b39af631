// Read-ahead for paged listings: a client that pages through a folder asks
// for page n + 1 as soon as it has page n, so while it reads page n the
// provider is already listing page n + 1. The answer waits here, keyed by
// the provider token the cursor carries, for three seconds at most (an older
// one may be stale: it is listed again).
import type { IBackend, IListOptions, IListPage } from '../backends/types.js';

/** A read-ahead page older than this is not used. */
const TTL_MS = 3_000;
/** Read-ahead pages kept per backend (one per folder being paged). */
const MAX_PAGES = 16;

interface IAhead {
  page: Promise<IListPage>;
  at: number;
}

const pagesByBackend = new WeakMap<IBackend, Map<string, IAhead>>();

function keyOf(bucket: string, options: IListOptions): string {
  return JSON.stringify([bucket, options.prefix, options.token, options.limit]);
}

/** One page, from the read-ahead when it holds it; then the next one is read ahead. */
export async function listPage(
  backend: IBackend,
  bucket: string,
  options: IListOptions
): Promise<IListPage> {
  let pages = pagesByBackend.get(backend);
  if (!pages) {
    pages = new Map();
    pagesByBackend.set(backend, pages);
  }
  const key = keyOf(bucket, options);
  const ahead = pages.get(key);
  pages.delete(key);
  const page = await (ahead && Date.now() - ahead.at < TTL_MS
    ? ahead.page.catch(() => backend.list(bucket, options))
    : backend.list(bucket, options));
  if (page.nextToken) {
    const next = { ...options, token: page.nextToken };
    const pending = backend.list(bucket, next);
    pending.catch(() => undefined); // a failed read-ahead is listed again on demand
    pages.set(keyOf(bucket, next), { page: pending, at: Date.now() });
    // Oldest first: Map keeps insertion order.
    for (const old of pages.keys()) {
      if (pages.size <= MAX_PAGES) {
        break;
      }
      pages.delete(old);
    }
  }
  return page;
}
