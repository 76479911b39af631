// Filesystem calls made on the event loop itself while the disk answers them
// at once. A call handed to libuv's thread pool costs a futex wake-up and a
// context switch on each side, more than a write into the page cache or a
// stat from the inode cache: on a 2-core machine a 2 GiB download took 2.7
// CPU-seconds with its writes in the pool and 1.9 with them here (rclone:
// 1.5-1.9). A disk that makes calls wait (dirty pages throttled, a network
// filesystem) must not stall the loop: one slow call sends the next seconds'
// calls of its kind to the thread pool, and the loop is tried again after.
import { performance } from 'node:perf_hooks';

/** For how long calls go to the thread pool after a slow one. */
const OFF_LOOP_MS = 3_000;

export class LoopGovernor {
  /** Until when (performance.now()) calls of this kind go to the thread pool. */
  private offUntil = 0;
  /** Slow calls in a row so far. */
  private slow = 0;

  /**
   * `slowMs`: a call on the loop that took longer says the disk makes calls
   * wait; `inARow` such calls one after the other send them to the pool (a
   * disk that makes calls wait makes every call wait; a process the kernel
   * preempted once, on a busy 2-core machine, makes one call look slow).
   */
  constructor(
    private readonly slowMs: number,
    private readonly inARow = 1
  ) {}

  /**
   * `call()` on the loop, timed, if calls of this kind have lately been
   * quick; else `offLoop()`. An error of `call` is thrown as it is.
   */
  run<T>(call: () => T, offLoop: () => Promise<T>): T | Promise<T> {
    const started = performance.now();
    if (started < this.offUntil) {
      return offLoop();
    }
    try {
      return call();
    } finally {
      const now = performance.now();
      this.slow = now - started > this.slowMs ? this.slow + 1 : 0;
      if (this.slow >= this.inARow) {
        this.offUntil = now + OFF_LOOP_MS;
        this.slow = 0;
      }
    }
  }

  /** Calls go to the thread pool for a while, as after a slow one (tests). */
  pushBack(): void {
    this.offUntil = performance.now() + OFF_LOOP_MS;
  }

  /** Calls may go on the loop again (tests). */
  reset(): void {
    this.offUntil = 0;
    this.slow = 0;
  }
}

/**
 * Writes of a downloaded file's slots: dirty-page throttling pauses a writer
 * for up to 200 ms at a time; a write here now and then takes 20-30 ms on a
 * busy machine, no reason to leave the loop.
 */
export const slotWrites = new LoopGovernor(50);

/**
 * A file's metadata (realpath, fstat): microseconds from the kernel's caches,
 * a round trip (~1 ms) on a network filesystem, where a folder of small
 * files is better served by the pool's parallel calls.
 */
export const metadataCalls = new LoopGovernor(2);

/**
 * Whole reads of small files (open, read, close): microseconds from the
 * page cache; a disk that makes them wait sends the next ones to the pool.
 */
export const smallReads = new LoopGovernor(2, 3);
