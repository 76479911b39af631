// A part of a file written as its bytes arrive, in small slots: the bytes a
// socket just put in a slot are written while they are still in the CPU's
// caches. Measured on a 512 MiB download, the same bytes read into 8 MiB
// part buffers and written from there cost the kernel five times as much
// per byte in its copies (memory gone cold), as much as the CPU the direct
// reads had saved. rclone writes from small buffers for the same reason.
//
// A slot is written on the event loop itself while the disk takes writes at
// once (on-loop.ts), else in libuv's thread pool.
import { writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { ApiError } from '../../api-error.js';
import type { IPartSink } from '../types.js';
import { slotWrites } from './on-loop.js';

/** A slot: small enough to stay in a core's cache between read and write. */
const SLOT = 256 * 1024;
/** Slots per part: one filling while the others are written. */
const SLOTS_PER_PART = 4;
/** Slots kept for reuse across parts (a few parts in flight). */
const KEPT_SLOTS = 32;
const freeSlots: Buffer[] = [];

/** A slot written whole, on the loop. */
function writeSlot(handle: FileHandle, bytes: Buffer, position: number): void {
  let done = 0;
  while (done < bytes.length) {
    done += writeSync(
      handle.fd,
      bytes,
      done,
      bytes.length - done,
      position + done
    );
  }
}

/** writev until every byte is written (a regular file rarely takes less at once). */
export async function writeAll(
  handle: FileHandle,
  buffers: Buffer[],
  position: number
): Promise<void> {
  let left = buffers;
  while (left.length) {
    const { bytesWritten } = await handle.writev(left, position);
    position += bytesWritten;
    let skip = bytesWritten;
    while (left.length && skip >= left[0].length) {
      skip -= left[0].length;
      left = left.slice(1);
    }
    if (left.length && skip) {
      left = [left[0].subarray(skip), ...left.slice(1)];
    }
  }
}

export class PartSink implements IPartSink {
  /** Slots of this sink that are not being written. */
  private readonly idle: Buffer[] = [];
  private owned = 0;
  /** The slot being filled, and how much of it is. */
  private slot?: Buffer;
  private used = 0;
  /** Bytes given so far (where the slot being filled starts, plus used). */
  private given = 0;
  private readonly writes = new Set<Promise<void>>();
  private failure?: unknown;
  private wake?: () => void;
  private stopped = false;

  constructor(
    private readonly handle: FileHandle,
    /** Where the part starts in the file. */
    private readonly start: number,
    readonly length: number,
    private readonly wrap: (error: unknown) => ApiError
  ) {}

  room(): Buffer | undefined {
    if (this.failure) {
      throw this.failure;
    }
    if (this.slot && this.used < this.slot.length) {
      return this.slot.subarray(this.used);
    }
    const slot = this.idle.pop() ?? this.newSlot();
    if (!slot) {
      return undefined;
    }
    this.slot = slot;
    this.used = 0;
    return slot;
  }

  filled(count: number): void {
    this.used += count;
    this.given += count;
    if (this.used === this.slot!.length || this.given === this.length) {
      this.flush();
    }
  }

  onRoom(wake: () => void): void {
    this.wake = wake;
  }

  async done(): Promise<void> {
    this.flush();
    await this.settled();
    if (this.failure) {
      throw this.failure;
    }
    if (this.given !== this.length) {
      throw new ApiError(
        'provider_error',
        `The source sent ${this.given} of ${this.length} bytes.`,
        'Try again.'
      );
    }
  }

  async abort(): Promise<void> {
    this.stopped = true;
    // Slots being written are still read by the kernel: wait for them.
    await this.settled();
  }

  private newSlot(): Buffer | undefined {
    if (this.owned >= SLOTS_PER_PART) {
      return undefined;
    }
    this.owned += 1;
    return freeSlots.pop() ?? Buffer.allocUnsafeSlow(SLOT);
  }

  /** Writes the slot being filled, if it holds anything. */
  private flush(): void {
    const slot = this.slot;
    if (!slot || this.used === 0) {
      return;
    }
    const bytes = slot.subarray(0, this.used);
    const position = this.start + this.given - this.used;
    this.slot = undefined;
    this.used = 0;
    let written: void | Promise<void>;
    try {
      written = slotWrites.run(
        () => writeSlot(this.handle, bytes, position),
        () => writeAll(this.handle, [bytes], position)
      );
    } catch (error) {
      this.failure ??= this.wrap(error);
      this.idle.push(slot);
      return;
    }
    if (!written) {
      this.idle.push(slot);
      return;
    }
    const write: Promise<void> = written
      .then(
        () => {
          this.idle.push(slot);
        },
        (error: unknown) => {
          this.failure ??= this.wrap(error);
        }
      )
      .finally(() => {
        this.writes.delete(write);
        const wake = this.wake;
        this.wake = undefined;
        wake?.();
      });
    this.writes.add(write);
  }

  /** Once no write is in flight: the slots go back for other parts. */
  private async settled(): Promise<void> {
    while (this.writes.size) {
      await Promise.all(this.writes);
    }
    for (const slot of this.idle.splice(0)) {
      if (freeSlots.length < KEPT_SLOTS) {
        freeSlots.push(slot);
      }
    }
    if (this.slot && (this.stopped || this.failure)) {
      if (freeSlots.length < KEPT_SLOTS) {
        freeSlots.push(this.slot);
      }
      this.slot = undefined;
    }
  }
}
