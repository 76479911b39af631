// A memory budget in bytes shared by every file of every job: a part or a
// small file is read only once its bytes fit, so the sidecar's buffers stay
// under the budget whatever the number of files in flight. First come, first
// served (parts of one file ask in order, so an ordered writer such as a GCS
// session never waits on a later part that holds the memory).
export class ByteBudget {
  private free: number;
  /** The most bytes ever taken at once (tests, benchmarks). */
  peak = 0;
  private readonly waiting: { bytes: number; resolve: () => void }[] = [];

  constructor(readonly total: number) {
    this.free = total;
  }

  /** Wait until `bytes` (at most the total) are free, and take them; returns what was taken. */
  async acquire(bytes: number): Promise<number> {
    const take = Math.min(bytes, this.total);
    if (!this.waiting.length && take <= this.free) {
      this.take(take);
      return take;
    }
    await new Promise<void>(resolve =>
      this.waiting.push({ bytes: take, resolve })
    );
    return take;
  }

  private take(bytes: number): void {
    this.free -= bytes;
    this.peak = Math.max(this.peak, this.total - this.free);
  }

  release(bytes: number): void {
    this.free += bytes;
    while (this.waiting.length && this.waiting[0].bytes <= this.free) {
      const next = this.waiting.shift()!;
      this.take(next.bytes);
      next.resolve();
    }
  }

  async use<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    const taken = await this.acquire(bytes);
    try {
      return await work();
    } finally {
      this.release(taken);
    }
  }
}
