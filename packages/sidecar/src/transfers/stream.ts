// A job's plan made as its source is listed: the first page is planned
// before the job exists (so that a missing source or a full disk is still a
// refusal of the request), the rest page by page while the files of the
// pages before are copied, with the next listing page read ahead. Memory
// holds a page or two of files, not the whole source. The destination is
// listed first (a sync compares with it; conflicts are found in it), and
// its files the source does not have are the deletes of a sync, known only
// once the whole source is.
//
// A plan is streamed only when no conflict can need asking about: the
// destination is empty, or a choice is given for every file (replace or
// skip: keep both must see every name first). Otherwise, as for dry runs,
// the whole plan is made first (plan.ts) and the request refused (409) when
// a conflict has no choice.
import type { ITransferOptions, TransferOp } from '@jupyter-buckets/core';
import { sameContent } from '../backends/operations.js';
import type { IObjectInfo } from '../backends/types.js';
import {
  allObjects,
  firstPage,
  objectPages,
  readAhead,
  type IObjectPage
} from '../listing/pages.js';
import type { IEndpoint } from '../locations/resolver.js';
import { choiceFor } from './conflicts.js';
import { startDeletePlan } from './deletes.js';
import {
  checkSourceFound,
  LIST_PAGE_SIZE,
  notEnoughSpace,
  pathFilter,
  planTransfer,
  prepareTransfer,
  type IFileTask,
  type IFolderTransfer,
  type IPlan,
  type IPlanPage
} from './plan.js';

/** Whether every conflict has an answer that needs no look at other names. */
function choicesForAll(options: ITransferOptions): boolean {
  const given = Object.values(options.conflicts ?? {});
  return (
    (options.onConflict === 'replace' || options.onConflict === 'skip') &&
    !given.includes('rename')
  );
}

/**
 * The plan a job starts with: streamed when it can be (see above), else
 * whole. `done`: paths an earlier run of the job finished (not conflicts).
 */
export async function startPlan(
  op: TransferOp,
  src: IEndpoint,
  dst: IEndpoint,
  options: ITransferOptions,
  done: ReadonlySet<string> = new Set(),
  pageSize = LIST_PAGE_SIZE
): Promise<IPlan> {
  if (op === 'delete') {
    return startDeletePlan(src, options, pageSize);
  }
  const prepared = await prepareTransfer(
    op,
    src,
    dst,
    options,
    undefined,
    done
  );
  if ('op' in prepared) {
    return prepared; // one object
  }
  const pages = readAhead(objectPages(src, prepared.srcPrefix, pageSize));
  try {
    return await planFirstPage(op, src, dst, options, done, prepared, pages);
  } catch (error) {
    stop(pages); // a refusal ends the listing it began
    throw error;
  }
}

function stop(pages: AsyncIterator<unknown>): void {
  pages.return?.().catch(() => undefined);
}

/** The first page planned, and the rest to come (or the whole plan, see above). */
async function planFirstPage(
  op: TransferOp,
  src: IEndpoint,
  dst: IEndpoint,
  options: ITransferOptions,
  done: ReadonlySet<string>,
  prepared: IFolderTransfer,
  pages: AsyncIterator<IObjectPage>
): Promise<IPlan> {
  const { srcPrefix, dstPrefix } = prepared;
  // The first page comes while the destination is listed.
  const listing = allObjects(dst, dstPrefix, LIST_PAGE_SIZE);
  listing.catch(() => undefined); // awaited below, unless the source fails first
  const first = await firstPage(pages);
  const targets = new Map<string, IObjectInfo>();
  for (const object of await listing) {
    targets.set(object.key.slice(dstPrefix.length), object);
  }
  if (first.last && !first.objects.length) {
    await checkSourceFound(src, srcPrefix);
  }
  if (targets.size && !choicesForAll(options)) {
    stop(pages);
    return planTransfer(op, src, dst, options, undefined, done);
  }
  const planner = new PagePlanner(op, options, prepared, targets, done);
  const free =
    (await dst.backend.freeSpace?.(dst.bucket, dstPrefix)) ?? Infinity;
  const planned = planner.page(first.objects);
  planner.checkSpace(free);
  const plan: IPlan = {
    op,
    files: planned.files,
    deletes: [],
    skipped: planned.skipped,
    totals: { files: planner.files, bytes: planner.bytes },
    srcPrefix,
    conflicts: []
  };
  if (first.last) {
    plan.deletes = planner.deletes();
    return plan;
  }
  plan.more = {
    async next(): Promise<IteratorResult<IPlanPage>> {
      const result = await pages.next();
      if (result.done) {
        plan.deletes = planner.deletes();
        return { done: true, value: undefined };
      }
      const page = planner.page(result.value.objects);
      planner.checkSpace(free);
      if (result.value.last) {
        page.last = true;
        plan.deletes = planner.deletes();
      }
      return { done: false, value: page };
    },
    async return(): Promise<IteratorResult<IPlanPage>> {
      stop(pages);
      return { done: true, value: undefined };
    }
  };
  return plan;
}

/** Source pages to files, against a destination listed before. */
class PagePlanner {
  /** Planned so far. */
  files = 0;
  bytes = 0;
  private readonly accept: (path: string) => boolean;
  private readonly byModified: boolean;

  constructor(
    private readonly op: TransferOp,
    private readonly options: ITransferOptions,
    private readonly prefixes: IFolderTransfer,
    /** Destination files by path; those the source has leave as it is listed. */
    private readonly targets: Map<string, IObjectInfo>,
    private readonly done: ReadonlySet<string>
  ) {
    this.accept = pathFilter(options);
    // Without checksum, a sync compares modification times (operations.ts).
    this.byModified = !options.checksum;
  }

  page(objects: IObjectInfo[]): IPlanPage {
    const files: IFileTask[] = [];
    let skipped = 0;
    for (const object of objects) {
      const path = object.key.slice(this.prefixes.srcPrefix.length);
      if (!this.accept(path)) {
        continue;
      }
      const existing = this.targets.get(path);
      if (existing) {
        this.targets.delete(path);
        if (
          this.op === 'sync' &&
          sameContent(object, existing, { byModified: this.byModified })
        ) {
          skipped += 1;
          continue;
        }
        // Every conflict has a choice here (or the destination was empty
        // when the job began: a file that appeared since is replaced, as a
        // whole plan would). One this job wrote before a restart is its own.
        if (!this.done.has(path) && choiceFor(this.options, path) === 'skip') {
          skipped += 1;
          continue;
        }
      }
      files.push({
        path,
        srcKey: object.key,
        dstKey: this.prefixes.dstPrefix + path,
        size: object.size,
        source: object
      });
      this.files += 1;
      this.bytes += object.size;
    }
    return { files, skipped };
  }

  /** A sync's deletes: what the destination has and the whole source has not. */
  deletes(): IPlan['deletes'] {
    if (this.op !== 'sync' || !this.options.delete) {
      return [];
    }
    return [...this.targets]
      .filter(([path]) => this.accept(path))
      .map(([path, object]) => ({ path, key: object.key }));
  }

  /** The disk's room, as it was when the job began, against every byte planned so far. */
  checkSpace(free: number): void {
    if (this.bytes > free) {
      throw notEnoughSpace(this.bytes, free);
    }
  }
}
