// The jobs a manager knows: those started since it began (with what running
// them again needs), and those read back from journals (their records only).
// Of the finished jobs with a journal only the last `keep` are remembered;
// older ones are forgotten, journal and all, so that neither the list nor
// the journal folder grows without end.
import type { ITransferJob } from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import type { IJob } from './job.js';
import type { IJournalEntry, Journal } from './journal.js';
import { compareCharacters } from '../order.js';

export class JobRegistry {
  private readonly live = new Map<string, IJob>();
  /** Jobs read back from journals (no endpoints kept). */
  private readonly past = new Map<string, ITransferJob>();
  /** Finished jobs with a journal, oldest first: beyond `keep` they go. */
  private readonly ended: { id: string; file: string }[] = [];

  constructor(
    private readonly journal: Journal | undefined,
    readonly keep: number
  ) {}

  add(job: IJob): void {
    this.live.set(job.record.id, job);
  }

  has(id: string): boolean {
    return this.live.has(id);
  }

  running(): IJob[] {
    return [...this.live.values()].filter(
      job => job.record.state === 'running'
    );
  }

  /**
   * Jobs listed from the journals at a start. The finished ones among them
   * (`ended`, oldest first) ended before any job of this run.
   */
  remember(records: ITransferJob[], ended: IJournalEntry[]): void {
    for (const record of records) {
      this.past.set(record.id, record);
    }
    this.ended.unshift(
      ...ended.map(entry => ({ id: entry.start.id, file: entry.file }))
    );
  }

  /** A job from a journal that could not resume: listed with its end. */
  failedToResume(record: ITransferJob, file: string): void {
    this.past.set(record.id, record);
    this.noteEnded(record.id, file);
  }

  /** A job runs again (a retry): not among the finished ones to forget. */
  restarted(id: string): void {
    const at = this.ended.findIndex(ended => ended.id === id);
    if (at !== -1) {
      this.ended.splice(at, 1);
    }
  }

  /** A job with a journal ended: the oldest finished ones beyond `keep` are forgotten, journal and all. */
  noteEnded(id: string, file = `${id}.jsonl`): void {
    if (!this.journal) {
      return;
    }
    this.ended.push({ id, file });
    while (this.ended.length > this.keep) {
      const old = this.ended.shift()!;
      this.live.delete(old.id);
      this.past.delete(old.id);
      void this.journal.remove(old);
    }
  }

  list(): ITransferJob[] {
    const live = [...this.live.values()].map(job =>
      structuredClone(job.record)
    );
    const past = [...this.past.values()].filter(job => !this.live.has(job.id));
    return [...past, ...live].sort((a, b) =>
      compareCharacters(a.created, b.created)
    );
  }

  /** A job of this run, to change or follow; one read from a journal cannot be. */
  find(id: string): IJob {
    const job = this.live.get(id);
    if (!job && this.past.get(id)?.state === 'queued') {
      throw new ApiError(
        'invalid_request',
        `Job ${id} is being resumed after a restart.`,
        'Try again in a moment.'
      );
    }
    if (!job) {
      throw new ApiError(
        'not_found',
        this.past.has(id)
          ? `Job ${id} ended before the sidecar restarted; it cannot be changed.`
          : `No transfer job ${id}.`,
        'See GET /api/v1/transfers for the jobs.'
      );
    }
    return job;
  }

  get(id: string): ITransferJob {
    const past = this.past.get(id);
    if (past && !this.live.has(id)) {
      return structuredClone(past);
    }
    return structuredClone(this.find(id).record);
  }
}
