// Ranged reads into a buffer or a sink, the same for every store spoken to
// over HTTP (S3, GCS): the direct client (http/get-into.ts) while the store
// answers as it expects, the store's general client (its read() stream)
// from the first answer it cannot take (chunked, unsized). A backend gives
// how to address and authenticate a GET, and how its store's refusals read.
import type { Readable } from 'node:stream';
import { ApiError, cancelledError } from '../api-error.js';
import {
  GetIntoPool,
  UnsupportedAnswer,
  type IGetIntoAnswer
} from './http/get-into.js';
import { readAll, readAllTo } from './read-all.js';
import type { IBodySink, IByteRange, IStatedHashes } from './types.js';

/** A GET as the store wants it: where, and its (signed) headers. */
export interface IRangedRequest {
  origin: URL;
  /** The request target, encoded; never resolved (a key's `..` stays). */
  path: string;
  headers: Record<string, string>;
}

export interface IRangedStore {
  /** The GET of `key` with these headers added (a range), authenticated. */
  request(
    bucket: string,
    key: string,
    headers: Record<string, string>
  ): Promise<IRangedRequest>;
  /** A refusal (its status, the start of its body) as the store's SDK throws it. */
  refusal(status: number, body: string): Error;
  /** Any failure, in the user's words. */
  failure(error: unknown, bucket: string, key: string): ApiError;
  /** The general path: the object, or a range of it, as a stream. */
  read(bucket: string, key: string, range?: IByteRange): Promise<Readable>;
  /**
   * The MD5 (hex) an answer's headers state for the whole object, if any:
   * then a whole small file is checked by the store it goes to (or hashed
   * once for the disk) against what its source stated for those very bytes.
   */
  statedMd5?(headers: Record<string, string>): string | undefined;
}

// Connect fast or fail (an unreachable endpoint answers within seconds); a
// store silent for half a minute in the middle of a body has dropped it.
const CONNECT_TIMEOUT_MS = 4_000;
const REQUEST_TIMEOUT_MS = 30_000;

let shared: GetIntoPool | undefined;

/** One pool of connections for the ranged reads of every store. */
export function rangedReadPool(): GetIntoPool {
  shared ??= new GetIntoPool({
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS
  });
  return shared;
}

/** Whether an answer holds exactly bytes [start, start + length) of `size`. */
function servedRange(
  answer: IGetIntoAnswer,
  start: number,
  length: number,
  size: number
): boolean {
  if (answer.unread) {
    return false;
  }
  if (answer.status === 200) {
    return start === 0 && length === size;
  }
  const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(
    answer.headers['content-range'] ?? ''
  );
  return (
    range !== null &&
    Number(range[1]) === start &&
    Number(range[2]) === start + length - 1 &&
    Number(range[3]) === size
  );
}

export class RangedReads {
  constructor(
    private readonly store: IRangedStore,
    /** None: the general client only (tests interposing on it). */
    private pool?: GetIntoPool
  ) {}

  /** IBackend.readBuffer. */
  async readBuffer(
    bucket: string,
    key: string,
    start: number,
    length: number,
    size: number,
    into?: Buffer,
    signal?: AbortSignal,
    stated?: IStatedHashes
  ): Promise<Buffer> {
    if (into && into.length !== length) {
      throw new RangeError(`into has ${into.length} bytes, not ${length}`);
    }
    const buffer = into ?? Buffer.allocUnsafe(length);
    const answer = await this.direct(bucket, key, start, size, buffer, signal);
    if (answer) {
      // The headers speak of the whole object: only a whole read is theirs.
      if (stated && start === 0 && length === size) {
        stated.md5 = this.store.statedMd5?.(answer.headers);
      }
    } else {
      await readAll(
        await this.general(bucket, key, start, length),
        buffer,
        signal
      );
    }
    return buffer;
  }

  /** IBackend.readTo. */
  async readTo(
    bucket: string,
    key: string,
    start: number,
    size: number,
    sink: IBodySink,
    signal?: AbortSignal
  ): Promise<void> {
    if (!(await this.direct(bucket, key, start, size, sink, signal))) {
      await readAllTo(
        await this.general(bucket, key, start, sink.length),
        sink,
        signal
      );
    }
  }

  private general(
    bucket: string,
    key: string,
    start: number,
    length: number
  ): Promise<Readable> {
    return this.store.read(
      bucket,
      key,
      // An empty object has no byte to ask for: its whole (empty) body.
      length === 0 ? undefined : { start, end: start + length - 1 }
    );
  }

  /** The direct read's answer; undefined when this store needs the general client. */
  private async direct(
    bucket: string,
    key: string,
    start: number,
    size: number,
    into: Buffer | IBodySink,
    signal?: AbortSignal
  ): Promise<IGetIntoAnswer | undefined> {
    const pool = this.pool;
    if (!pool) {
      return undefined;
    }
    const length = into.length;
    let answer: IGetIntoAnswer;
    try {
      const request = await this.store.request(
        bucket,
        key,
        length === 0 ? {} : { range: `bytes=${start}-${start + length - 1}` }
      );
      answer = await pool.get({ ...request, into, signal });
    } catch (error) {
      if (signal?.aborted) {
        throw cancelledError();
      }
      if (error instanceof UnsupportedAnswer) {
        this.pool = undefined; // from now on, the general client
        return undefined;
      }
      throw error instanceof ApiError
        ? error
        : this.store.failure(error, bucket, key);
    }
    if (answer.status !== 200 && answer.status !== 206) {
      throw this.store.failure(
        this.store.refusal(
          answer.status,
          answer.errorBody?.toString('utf8') ?? ''
        ),
        bucket,
        key
      );
    }
    if (!servedRange(answer, start, length, size)) {
      throw new ApiError(
        'provider_error',
        `${key} changed since it was listed (the store sent ${answer.headers['content-range'] ?? `all ${length} bytes`}, not bytes ${start}-${start + length - 1} of ${size}).`,
        'Try again once nothing writes to it.'
      );
    }
    return answer;
  }
}
