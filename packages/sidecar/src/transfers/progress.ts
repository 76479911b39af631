// A job's live progress: the counts live in its record; while it runs, the
// rate and ETA are worked out again and a copy is sent to listeners every
// PROGRESS_INTERVAL_MS, so that a client never waits long for news nor
// drowns in it.
import type { ITransferJob } from '@jupyter-buckets/core';

const PROGRESS_INTERVAL_MS = 250;
/** Files named as in flight, at most: enough to see the job move. */
const CURRENT_SHOWN = 20;

export { emptyProgress } from '@jupyter-buckets/core';

/** Progress over one run of a job (a retry is a new run: its rate starts again). */
export class ProgressTicker {
  private readonly started = Date.now();
  private readonly bytesAtStart: number;
  private readonly current = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly record: ITransferJob,
    onTick: () => void
  ) {
    this.bytesAtStart = record.progress.bytes;
    this.timer = setInterval(() => {
      this.snapshot();
      onTick();
    }, PROGRESS_INTERVAL_MS);
    this.timer.unref();
  }

  /** Runs `work` with `path` listed as in flight. */
  async during<T>(path: string, work: () => Promise<T>): Promise<T> {
    this.current.add(path);
    try {
      return await work();
    } finally {
      this.current.delete(path);
    }
  }

  /** The last snapshot, with nothing in flight. */
  stop(): void {
    clearInterval(this.timer);
    this.snapshot();
    this.record.progress.current = [];
  }

  private snapshot(): void {
    const seconds = (Date.now() - this.started) / 1000;
    const progress = this.record.progress;
    progress.rate =
      seconds > 0
        ? Math.round((progress.bytes - this.bytesAtStart) / seconds)
        : 0;
    const left = this.record.totals.bytes - progress.bytes;
    // No ETA while the totals are still counted: it would only grow.
    if (progress.rate > 0 && !this.record.totals.counting) {
      progress.eta = Math.max(0, Math.round(left / progress.rate));
    } else {
      delete progress.eta;
    }
    progress.current = [...this.current].slice(0, CURRENT_SHOWN);
  }
}
