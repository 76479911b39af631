// Reading the journals back at a start: jobs that ended are listed again,
// and interrupted ones are planned again to resume, skipping the files they
// had finished.
import type { ITransferJob } from '@jupyter-buckets/core';
import { errorOf, recordOf, type IJobStart } from './job.js';
import { endedAt, type IJournalEntry, type Journal } from './journal.js';
import type { IEndpoint } from '../locations/resolver.js';
import { startPlan } from './stream.js';
import { emptyPlan } from './plan.js';
import type { JobRegistry } from './registry.js';
import { compareCharacters } from '../order.js';

interface ISortedJournals {
  /** The jobs to list, in the journals' order. */
  listed: ITransferJob[];
  /** Jobs that did not end, to plan again. */
  interrupted: IJournalEntry[];
  /** Ended jobs kept, oldest end first. */
  kept: IJournalEntry[];
  /** Ended jobs beyond the last `keep`: their journals go. */
  old: IJournalEntry[];
}

/**
 * Sorts the journals out. Only the last `keep` finished jobs stay; those of
 * jobs that did not end always do (they are resumed), unless `isLive` says
 * the job already runs.
 */
function sortJournals(
  entries: IJournalEntry[],
  keep: number,
  isLive: (id: string) => boolean
): ISortedJournals {
  const finished = entries
    .filter(entry => entry.end)
    .sort((a, b) => compareCharacters(endedAt(a), endedAt(b)));
  const old = new Set(finished.slice(0, Math.max(0, finished.length - keep)));
  const listed: ITransferJob[] = [];
  const interrupted: IJournalEntry[] = [];
  for (const entry of entries) {
    if (old.has(entry)) {
      continue;
    }
    if (entry.end) {
      listed.push(entry.end);
    } else if (!isLive(entry.start.id)) {
      // Listed as soon as read, as queued: a client asking right after a
      // restart finds the job while it is planned again (which takes requests).
      listed.push({ ...recordOf(entry.start), state: 'queued' });
      interrupted.push(entry);
    }
  }
  return {
    listed,
    interrupted,
    kept: finished.filter(entry => !old.has(entry)),
    old: [...old]
  };
}

/**
 * Lists the jobs of the journals in `registry`, removes the journals of old
 * ones, and returns the interrupted jobs.
 */
export async function loadJournals(
  journal: Journal,
  registry: JobRegistry
): Promise<IJournalEntry[]> {
  const { listed, kept, old, interrupted } = sortJournals(
    await journal.read(),
    registry.keep,
    id => registry.has(id)
  );
  registry.remember(listed, kept);
  await Promise.all(old.map(entry => journal.remove(entry)));
  return interrupted;
}

/**
 * An interrupted job planned again. A sync plans only what still differs; a
 * copy needs the journal: files it finished are not copied again, and files
 * it wrote are not conflicts.
 */
export async function replan(
  entry: IJournalEntry,
  resolve: (location: string) => IEndpoint,
  pageSize?: number
): Promise<IJobStart> {
  const { start } = entry;
  const request = {
    op: start.op,
    src: start.src,
    dst: start.dst,
    options: start.options
  };
  const src = resolve(request.src);
  const dst = request.op === 'delete' ? src : resolve(request.dst);
  // A cloud transfer is listed by the service, not here.
  const plan =
    start.options.via === 'cloud'
      ? emptyPlan(request.op)
      : await startPlan(
          request.op,
          src,
          dst,
          start.options,
          entry.done,
          pageSize
        );
  return {
    id: start.id,
    created: start.created,
    request,
    src,
    dst,
    plan,
    done: entry.done,
    uploads: entry.uploads,
    zarr: start.zarr
  };
}

/** The end of a job that could not be planned again. */
export function unresumable(
  start: IJournalEntry['start'],
  error: unknown
): ITransferJob {
  return {
    ...recordOf(start),
    state: 'failed',
    finished: new Date().toISOString(),
    error: errorOf(error)
  };
}
