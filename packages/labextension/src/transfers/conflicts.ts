// Files a transfer would write over. The sidecar refuses such a job with 409
// destination_exists before a byte is written; here the jobs started together
// are asked about together (so "apply to all" covers a whole multi-selection)
// and sent again with the answer. No DOM: the dialog is ConflictDialog.ts.
import type {
  ConflictChoice,
  ITransferConflict,
  ITransferJob,
  ITransferRequest
} from '@jupyter-buckets/core';

/** A job the sidecar refused because files exist at its destination. */
export interface IConflictingJob {
  request: ITransferRequest;
  /** The conflicts the refusal listed (at most MAX_LISTED_CONFLICTS). */
  conflicts: ReadonlyArray<ITransferConflict>;
  /** How many there are in all, listed or not. */
  count: number;
}

/** One listed conflict and the job (index in the list asked about) it belongs to. */
export interface IConflictItem {
  job: number;
  conflict: ITransferConflict;
}

/**
 * The user's answer: one choice for every file of every job, or one choice
 * per listed file (in the order of listedConflicts).
 */
export type ConflictAnswer =
  { applyToAll: ConflictChoice } | { perFile: ConflictChoice[] };

/** Asks the user; null when they cancel (nothing more starts). */
export type AskConflicts = (
  jobs: ReadonlyArray<IConflictingJob>
) => Promise<ConflictAnswer | null>;

/** The conflicts of a destination_exists refusal; null for any other failure. */
export function conflictsOf(
  error: unknown
): { conflicts: ReadonlyArray<ITransferConflict>; count: number } | null {
  // Duck-typed, not `instanceof BucketsError`: this module stays free of
  // the browser-only API client (its tests run in Node).
  const failure = error as {
    code?: unknown;
    conflicts?: ReadonlyArray<ITransferConflict>;
    conflictCount?: number;
  } | null;
  if (failure?.code !== 'destination_exists') {
    return null;
  }
  const conflicts = failure.conflicts ?? [];
  return {
    conflicts,
    count: Math.max(failure.conflictCount ?? 0, conflicts.length)
  };
}

export function listedConflicts(
  jobs: ReadonlyArray<IConflictingJob>
): IConflictItem[] {
  return jobs.flatMap((job, index) =>
    job.conflicts.map(conflict => ({ job: index, conflict }))
  );
}

/** All conflicts of the jobs, listed or not. */
export function conflictTotal(jobs: ReadonlyArray<IConflictingJob>): number {
  return jobs.reduce((sum, job) => sum + job.count, 0);
}

/**
 * Whether the user can be asked file by file: only when every conflict is
 * listed (beyond MAX_LISTED_CONFLICTS the unlisted ones could not be named).
 */
export function canAskEach(jobs: ReadonlyArray<IConflictingJob>): boolean {
  return jobs.every(job => job.count <= job.conflicts.length);
}

/** The request of job `index` with the answer in its options. */
export function answeredRequest(
  jobs: ReadonlyArray<IConflictingJob>,
  index: number,
  answer: ConflictAnswer
): ITransferRequest {
  const { request } = jobs[index];
  if ('applyToAll' in answer) {
    return {
      ...request,
      options: { ...request.options, onConflict: answer.applyToAll }
    };
  }
  const conflicts = { ...request.options?.conflicts };
  listedConflicts(jobs).forEach((item, position) => {
    if (item.job === index && answer.perFile[position]) {
      conflicts[item.conflict.path] = answer.perFile[position];
    }
  });
  return { ...request, options: { ...request.options, conflicts } };
}

export interface IStartOutcome {
  started: ITransferJob[];
  /** Failures other than conflicts (a missing bucket, a copy onto itself). */
  refusals: unknown[];
  /** Jobs not started because the user cancelled the question. */
  cancelled: number;
}

/**
 * Start each request in turn. Those refused for conflicts wait until the
 * others have started, then are asked about in one question and sent again
 * with the answer. A job refused again for files nobody was asked about
 * (written meanwhile) is asked about again; never twice for the same file.
 */
export async function startResolvingConflicts(
  requests: ReadonlyArray<ITransferRequest>,
  start: (request: ITransferRequest) => Promise<ITransferJob>,
  ask: AskConflicts
): Promise<IStartOutcome> {
  const outcome: IStartOutcome = { started: [], refusals: [], cancelled: 0 };
  let waiting: IConflictingJob[] = [];
  const attempt = async (request: ITransferRequest): Promise<void> => {
    try {
      outcome.started.push(await start(request));
    } catch (error) {
      const found = conflictsOf(error);
      if (!found || request.options?.onConflict) {
        outcome.refusals.push(error);
        return;
      }
      const answered = request.options?.conflicts ?? {};
      const unanswered = found.conflicts.filter(
        conflict => !(conflict.path in answered)
      );
      const count = found.count - (found.conflicts.length - unanswered.length);
      if (count === 0) {
        // Refused again for files already answered: not ours to fix.
        outcome.refusals.push(error);
        return;
      }
      waiting.push({ request, conflicts: unanswered, count });
    }
  };
  for (const request of requests) {
    await attempt(request);
  }
  while (waiting.length) {
    const jobs = waiting;
    waiting = [];
    const answer = await ask(jobs);
    if (!answer) {
      outcome.cancelled += jobs.length;
      break;
    }
    for (let index = 0; index < jobs.length; index++) {
      await attempt(answeredRequest(jobs, index, answer));
    }
  }
  return outcome;
}
