// The files one run of a job copies, handed out one at a time to the
// workers: those it starts with, then, for a streamed plan, each further
// page as the listing gives it (planned when the files before are all
// taken, so memory holds about a page). A listing that fails stops the
// handing out; the run then ends with that error.
import { notDone, type IJob } from './job.js';
import type { IFileTask } from './plan.js';

export class TaskQueue {
  private next = 0;
  private pulling?: Promise<void>;
  /** Why the listing stopped before its end. */
  error?: unknown;

  constructor(
    private readonly job: IJob,
    private tasks: IFileTask[]
  ) {}

  /** The next file to copy; undefined once there is none (or the job is cancelled). */
  async take(): Promise<IFileTask | undefined> {
    return (await this.takeMany(1))[0];
  }

  /**
   * Up to `max` files at once, as many as are at hand (waits only when
   * there are none): a delete's batch. Taken in one step, so that workers
   * asking together get batches, not one file each. Empty once there is
   * none (or the job is cancelled).
   */
  async takeMany(max: number): Promise<IFileTask[]> {
    for (;;) {
      if (this.next < this.tasks.length) {
        const batch = this.tasks.slice(this.next, this.next + max);
        this.next += batch.length;
        return batch;
      }
      if (!this.job.plan.more || this.job.controller.signal.aborted) {
        return [];
      }
      this.pulling ??= this.pull().finally(() => {
        this.pulling = undefined;
      });
      await this.pulling;
    }
  }

  /** One more page of the plan into the queue and the job's totals; never throws. */
  private async pull(): Promise<void> {
    const { record, plan } = this.job;
    const more = plan.more!;
    try {
      const result = await more.next();
      if (result.done) {
        plan.more = undefined;
        delete record.totals.counting;
        return;
      }
      const page = result.value;
      for (const file of page.files) {
        record.totals.bytes += file.size;
      }
      record.totals.files += page.files.length;
      record.progress.skipped += page.skipped;
      this.tasks = notDone(this.job, page.files);
      this.next = 0;
      if (page.last) {
        plan.more = undefined;
        delete record.totals.counting;
      }
    } catch (error) {
      this.error = error;
      this.close();
    }
  }

  /** Stops a listing still going (a cancel, a failure). */
  close(): void {
    const more = this.job.plan.more;
    this.job.plan.more = undefined;
    more?.return?.().catch(() => undefined);
  }
}
