// Every object under a prefix, page by page, for the transfer engine: a
// store's own walk where it has one (the disk reads each folder once), else
// list() with its continuation token, each page retried on throttling and
// dropped connections; and a read-ahead that asks for the next page as soon
// as one is handed out, so that listing overlaps whatever the pages feed.
import type { IObjectInfo } from '../backends/types.js';
import type { IEndpoint } from '../locations/resolver.js';
import { RETRY, withRetry } from '../transfers/retry.js';

/** A page of a listing, and whether it is the last. */
export interface IObjectPage {
  objects: IObjectInfo[];
  last: boolean;
}

/**
 * The objects under `prefix` (never folder markers), a page at a time; the
 * last says so (a listing of one page is then known whole at once).
 */
export async function* objectPages(
  endpoint: IEndpoint,
  prefix: string,
  pageSize: number,
  signal?: AbortSignal
): AsyncGenerator<IObjectPage> {
  const { backend, bucket } = endpoint;
  if (backend.walk) {
    // A walk tells its end only when asked for more: a page is handed
    // out once the next one is read.
    let held: IObjectInfo[] | undefined;
    for await (const objects of backend.walk(bucket, prefix, pageSize)) {
      if (held) {
        yield { objects: held, last: false };
      }
      held = objects;
    }
    yield { objects: held ?? [], last: true };
    return;
  }
  let token: string | undefined;
  do {
    const page = await withRetry(
      () =>
        backend.list(bucket, {
          prefix,
          token,
          limit: pageSize,
          recursive: true
        }),
      signal,
      RETRY.request
    );
    token = page.nextToken ?? undefined;
    // Folder markers ('dir/') are not files.
    yield {
      objects: page.objects.filter(object => !object.key.endsWith('/')),
      last: !token
    };
  } while (token);
}

/**
 * The first page with objects, or the last page: an empty first page of a
 * store that has more (rare) says nothing yet.
 */
export async function firstPage(
  pages: AsyncIterator<IObjectPage>
): Promise<IObjectPage> {
  let page: IObjectPage;
  do {
    page = (await pages.next()).value as IObjectPage;
  } while (!page.objects.length && !page.last);
  return page;
}

/** Every object under `prefix`, in one list. */
export async function allObjects(
  endpoint: IEndpoint,
  prefix: string,
  pageSize: number,
  signal?: AbortSignal
): Promise<IObjectInfo[]> {
  const all: IObjectInfo[] = [];
  for await (const page of objectPages(endpoint, prefix, pageSize, signal)) {
    for (const object of page.objects) {
      all.push(object);
    }
  }
  return all;
}

/**
 * `source` with one item read ahead: the next is asked for as soon as one
 * is handed out. return() stops the source (a cancelled job's listing).
 */
export function readAhead<T>(source: AsyncIterable<T>): AsyncIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  const ask = (): Promise<IteratorResult<T>> => {
    const next = iterator.next();
    next.catch(() => undefined); // handed to the caller of next() below
    return next;
  };
  return {
    async next(): Promise<IteratorResult<T>> {
      const result = await (pending ?? ask());
      pending = result.done ? undefined : ask();
      return result;
    },
    async return(): Promise<IteratorResult<T>> {
      pending = undefined;
      return (await iterator.return?.()) ?? { done: true, value: undefined };
    }
  };
}
