// A memory budget in bytes shared by every file of every job: a part or a
// small file is read only once its bytes fit, so the sidecar's buffers stay
// under the budget whatever the number of files in flight. First come, first
// served (parts of one file ask in order, so an ordered writer such as a GCS
// session never waits on a later part that holds the memory).
//
// Leased buffers of 4 KiB or more are kept for the next lease of their size
// class instead of freed: a fresh 8 MiB buffer per part meant page faults on
// every byte and, as external memory, a full garbage collection every few
// parts (a profile of a 1 GiB upload: 75 mark-compacts); and a fresh buffer
// per small file left garbage V8 collects late (a folder of 5,000 16 KiB
// files: 49 MiB of dead buffers at the peak, 4 MiB once they are kept).
// Kept buffers count as free in the budget, and are dropped when a lease
// needs their room, so leased + kept never exceeds the total.

/** Buffers this large or larger are kept for reuse, in power-of-two sizes. */
const KEPT_FROM = 4 * 1024;

/** The size of buffer that serves `bytes`. */
function sizeClass(bytes: number): number {
  return bytes < KEPT_FROM ? bytes : 2 ** Math.ceil(Math.log2(bytes));
}

/** A buffer of the budget's, to give back with release() once nothing uses it. */
export interface ILease {
  /** Exactly the bytes asked for (a view of a possibly larger buffer). */
  readonly buffer: Buffer;
  release(): void;
}

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
    const taken = await this.reserve(bytes);
    this.shrinkKept(this.free);
    return taken;
  }

  /** acquire() without dropping kept buffers: the caller settles them. */
  private async reserve(bytes: number): Promise<number> {
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

  /** Kept buffers by size class (their bytes count as free). */
  private readonly kept = new Map<number, Buffer[]>();
  private keptBytes = 0;

  /**
   * A buffer of `bytes` once they fit (see acquire); a kept one when there
   * is one of its size. Its content is whatever was there: fill it first.
   */
  async lease(bytes: number): Promise<ILease> {
    const size = sizeClass(bytes);
    if (size > this.total) {
      // Larger than the whole budget: served alone, never kept.
      const taken = await this.acquire(bytes);
      return {
        buffer: Buffer.allocUnsafe(bytes),
        release: () => this.release(taken)
      };
    }
    const taken = await this.reserve(size);
    // Taking a kept buffer gives back the room it held: kept <= free again.
    let whole = this.kept.get(size)?.pop();
    if (whole) {
      this.keptBytes -= size;
    } else {
      // The room taken may be held by kept buffers of other sizes: drop them.
      this.shrinkKept(this.free);
      whole = Buffer.allocUnsafeSlow(size);
    }
    let released = false;
    const buffer = whole;
    return {
      buffer: buffer.subarray(0, bytes),
      release: () => {
        if (released) {
          return;
        }
        released = true;
        if (size >= KEPT_FROM) {
          const list = this.kept.get(size) ?? [];
          list.push(buffer);
          this.kept.set(size, list);
          this.keptBytes += size;
        }
        this.release(taken);
      }
    };
  }

  /** Drop kept buffers (largest first) until they hold at most `bytes`. */
  private shrinkKept(bytes: number): void {
    const sizes = [...this.kept.keys()].sort((a, b) => b - a);
    for (const size of sizes) {
      const list = this.kept.get(size)!;
      while (this.keptBytes > bytes && list.length) {
        list.pop();
        this.keptBytes -= size;
      }
      if (!list.length) {
        this.kept.delete(size);
      }
    }
  }

  /** Bytes held by kept buffers (tests). */
  get keptTotal(): number {
    return this.keptBytes;
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
