// One file of an upload job: its parts as they come from the browser, into
// one chunked write of the store (an S3 multipart upload, a GCS session) or,
// for a file of one part, one request. The object appears only at
// complete(), and only whole: abort() leaves nothing behind.
import type { IUploadFile, IUploadFileStatus } from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import type {
  IChunkedWriter,
  IDirectAnswer,
  IObjectInfo
} from '../backends/types.js';
import type { IEndpoint } from '../locations/resolver.js';

/**
 * Parts of an ordered store (a GCS session takes them one after another)
 * held while they wait for their turn. A browser sends a few at once; after
 * a reload some of an earlier page may still wait, so a little more.
 */
const MAX_WAITING_PARTS = 8;

export class UploadFile {
  readonly stored = new Set<number>();
  state: IUploadFileStatus['state'] = 'sending';
  readonly parts: number;
  private writer?: Promise<IChunkedWriter>;
  /** Parts being written now: a part sent again joins its write. */
  private readonly sending = new Map<number, Promise<void>>();
  private info?: IObjectInfo;
  private completing?: Promise<IObjectInfo>;
  private aborted = false;
  /** Some parts went from the browser to the store: the store says what it has. */
  private usedDirect = false;

  constructor(
    private readonly dst: IEndpoint,
    readonly file: IUploadFile,
    readonly key: string,
    readonly partSize: number,
    /** Called with the S3 upload id once there is one (journaled), and with undefined when it is over. */
    private readonly onToken: (token: string | undefined) => void,
    private readonly contentType?: string
  ) {
    this.parts = Math.max(1, Math.ceil(file.size / partSize));
  }

  /** A file of one part goes as one request: no multipart upload to open, complete or leave behind. */
  private get single(): boolean {
    return this.parts === 1;
  }

  status(): IUploadFileStatus {
    const direct = this.dst.backend.capabilities.directUploads;
    return {
      ...this.file,
      key: this.key,
      partSize: this.partSize,
      parts: this.parts,
      stored: [...this.stored].sort((a, b) => a - b),
      state: this.state,
      // One small request goes through the sidecar: no upload to open.
      ...(direct && !this.single ? { direct } : {})
    };
  }

  /**
   * URLs where the browser sends parts itself, straight to the store
   * (valid `seconds`). Throws when the store takes no parts from a browser
   * (then they go through the sidecar).
   */
  async directUrls(parts: number[], seconds: number): Promise<string[]> {
    this.checkOpen();
    for (const n of parts) {
      this.partLength(n);
    }
    const direct = this.single ? undefined : (await this.openWriter()).direct;
    if (!direct) {
      throw new ApiError(
        'invalid_request',
        `${this.file.path} cannot be sent to the store from the browser; send its parts through the sidecar.`,
        'PUT each part to .../parts/{n}.'
      );
    }
    this.usedDirect = true;
    return Promise.all(parts.map(n => direct.url(n, seconds)));
  }

  /**
   * The browser says it stored part `n` itself (the last part of a session
   * with what the store answered it): counted now, for progress; the store
   * is asked before the file completes. Resolves with the bytes newly counted.
   */
  async partSentDirectly(n: number, answer?: IDirectAnswer): Promise<number> {
    this.checkOpen();
    const length = this.partLength(n);
    if (!this.usedDirect || this.stored.has(n)) {
      return 0;
    }
    (await this.openWriter()).direct?.sent?.(n, answer);
    this.stored.add(n);
    return length;
  }

  /**
   * What the store holds, asked of it (after a reload, or before
   * completing a file whose parts the browser sent itself). Resolves with
   * the change in bytes counted as stored.
   */
  async refresh(): Promise<number> {
    // Only a file still sending that took parts straight to the store has
    // anything the sidecar did not count itself.
    if (!this.usedDirect || this.state !== 'sending') {
      return 0;
    }
    const direct = (await this.openWriter()).direct;
    if (!direct) {
      return 0;
    }
    const found = await direct.stored();
    const before = this.storedBytes();
    this.stored.clear();
    for (const n of found) {
      this.stored.add(n);
    }
    return this.storedBytes() - before;
  }

  private storedBytes(): number {
    let bytes = 0;
    for (const n of this.stored) {
      bytes += this.partLength(n);
    }
    return bytes;
  }

  /** Bytes of part `n` (from 1); throws for a number outside the file. */
  partLength(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1 || n > this.parts) {
      throw new ApiError(
        'invalid_request',
        `${this.file.path} has parts 1 to ${this.parts}; there is no part ${n}.`
      );
    }
    return n < this.parts
      ? this.partSize
      : this.file.size - this.partSize * (this.parts - 1);
  }

  /** Parts in flight now (the Transfers panel lists the file as current). */
  get busy(): boolean {
    return this.sending.size > 0;
  }

  /**
   * Stores part `n`. Resolves with the bytes newly stored (0 when the store
   * had it already, or when it joined a write of the same part).
   */
  async writePart(n: number, data: Buffer): Promise<number> {
    this.checkOpen();
    if (this.stored.has(n)) {
      return 0;
    }
    const running = this.sending.get(n);
    if (running) {
      await running;
      return 0;
    }
    if (this.sending.size >= MAX_WAITING_PARTS) {
      throw new ApiError(
        'too_many_requests',
        `Too many parts of ${this.file.path} are waiting to be stored.`,
        'Send fewer parts at once; try this one again in a moment.'
      );
    }
    const write = this.write(n, data).finally(() => this.sending.delete(n));
    this.sending.set(n, write);
    await write;
    return data.length;
  }

  private async write(n: number, data: Buffer): Promise<void> {
    const { backend, bucket } = this.dst;
    if (this.single) {
      this.info = await backend.put(bucket, this.key, data, {
        contentType: this.contentType,
        size: data.length
      });
    } else {
      const writer = await this.openWriter();
      await writer.writePart(n, data);
    }
    if (this.aborted) {
      return;
    }
    this.stored.add(n);
  }

  private openWriter(): Promise<IChunkedWriter> {
    this.writer ??= this.dst.backend
      .writer(this.dst.bucket, this.key, {
        size: this.file.size,
        partSize: this.partSize,
        contentType: this.contentType
      })
      .then(writer => {
        if (writer.partSize !== this.partSize) {
          void writer.abort();
          throw new Error(
            `The store chose parts of ${writer.partSize} bytes, not ${this.partSize}.`
          );
        }
        if (writer.resumeToken) {
          this.onToken(writer.resumeToken);
        }
        return writer;
      });
    // A writer that failed to open is asked for again by the next part.
    this.writer.catch(() => {
      this.writer = undefined;
    });
    return this.writer;
  }

  /** Once every part is stored: the object appears, and its size is checked. */
  complete(): Promise<IObjectInfo> {
    this.checkOpen();
    if (this.stored.size < this.parts) {
      const missing = [];
      for (let n = 1; n <= this.parts && missing.length < 10; n++) {
        if (!this.stored.has(n)) {
          missing.push(n);
        }
      }
      throw new ApiError(
        'parts_missing',
        `${this.file.path} is missing parts (${missing.join(', ')}${this.parts - this.stored.size > missing.length ? ', …' : ''}).`,
        'Send every part before completing the file.'
      );
    }
    this.completing ??= this.finish().catch(error => {
      this.completing = undefined;
      throw error;
    });
    return this.completing;
  }

  private async finish(): Promise<IObjectInfo> {
    const info = this.single
      ? this.info!
      : await (await this.openWriter()).complete();
    if (info.size !== this.file.size) {
      // Not what the browser said it sent: nothing of it may stay.
      await this.dst.backend.delete(this.dst.bucket, this.key);
      this.state = 'failed';
      throw new ApiError(
        'parts_missing',
        `${this.file.path} arrived with ${info.size} of ${this.file.size} bytes; it was removed.`,
        'Upload it again.'
      );
    }
    this.state = 'done';
    if (!this.single) {
      this.onToken(undefined);
    }
    return info;
  }

  /** Stops: the parts sent so far are removed from the store. */
  async abort(): Promise<void> {
    if (this.state === 'done' || this.aborted) {
      return;
    }
    this.aborted = true;
    // Parts still on their way would come back after the abort.
    await Promise.allSettled(this.sending.values());
    const writer = await this.writer?.catch(() => undefined);
    await writer?.abort().catch(() => undefined);
    if (writer) {
      this.onToken(undefined);
    }
  }

  private checkOpen(): void {
    if (this.aborted) {
      throw new ApiError(
        'upload_ended',
        `The upload of ${this.file.path} was cancelled.`,
        'Upload the file again.'
      );
    }
  }
}
