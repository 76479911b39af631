// A GET whose body is read by the kernel straight into a buffer the caller
// owns: the data path of ranged reads (a part of a copy, a small file).
//
// Why not undici, which sends everything else: a 512 MiB download in 16
// ranges costs undici 0.9 CPU-s of user time on this machine, against
// 0.09 CPU-s for the same bytes read with net's `onread` into one buffer.
// Undici reads every 64 KiB into a fresh Buffer (garbage for V8 to collect,
// 10% of the profile), copies it into the parser's WebAssembly memory, and
// hands it on chunk by chunk; here each read lands where the bytes belong.
// On a 2-core machine that CPU is taken from the store we read from.
//
// Deliberately small, and strict where it parses what a server sends:
// HTTP/1.1, one request per connection at a time, bodies sized by one
// Content-Length (anything else is `UnsupportedAnswer`, and the caller uses
// its general client), a bounded head and error body, no folded lines.
import net from 'node:net';
import tls from 'node:tls';
import type { IBodySink } from '../types.js';
import { bufferSink } from '../read-all.js';

/** The answer did not fit this client (chunked, no length): use another. */
export class UnsupportedAnswer extends Error {
  readonly code = 'ERR_UNSUPPORTED_ANSWER';
}

export interface IGetIntoRequest {
  /** `http:` or `https:`, host and port; its path is ignored. */
  origin: URL;
  /** The request target as sent (already encoded). */
  path: string;
  headers: Record<string, string>;
  /** Where a 2xx body goes, exactly this long: one buffer, or a sink. */
  into: Buffer | IBodySink;
  signal?: AbortSignal;
}

export interface IGetIntoAnswer {
  status: number;
  /** Lowercase names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** Not 2xx: the start of the body (a store's error document), bounded. */
  errorBody?: Buffer;
  /** A 2xx of another length than asked for: its body was not read. */
  unread?: boolean;
}

export interface IGetIntoOptions {
  connectTimeoutMs: number;
  /** Silence allowed while waiting for any byte of an answer. */
  requestTimeoutMs: number;
  /** An idle connection is closed after this (before servers close theirs). */
  idleTimeoutMs?: number;
  /** Idle connections kept per origin. */
  maxIdle?: number;
  /** Extra TLS options (tests: a private CA). */
  tls?: tls.ConnectionOptions;
}

const HEAD_LIMIT = 64 * 1024;
const ERROR_BODY_LIMIT = 64 * 1024;
const READ_BUFFER = 64 * 1024;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const TARGET = /^[\x21-\x7e]+$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: [^\r\n]*)?$/;

/** A failure on a kept connection before any byte of the answer. */
class Stale extends Error {
  constructor(readonly cause: unknown) {
    super('stale connection');
  }
}

function protocolError(message: string): Error {
  // Named like a dropped connection: a garbled answer is worth a retry.
  return Object.assign(new Error(`invalid HTTP answer: ${message}`), {
    code: 'ECONNRESET'
  });
}

function socketError(message: string, code: string, name?: string): Error {
  return Object.assign(new Error(message), name ? { code, name } : { code });
}

interface IHead {
  status: number;
  headers: Record<string, string>;
  length: number;
  keepAlive: boolean;
  /** An error answer without a length: its body is not read. */
  unsized?: boolean;
}

/** The head of an answer, or an error that says what is wrong with it. */
function parseHead(text: string): IHead | UnsupportedAnswer {
  const lines = text.split('\r\n');
  const status = STATUS_LINE.exec(lines[0]);
  if (!status) {
    throw protocolError('bad status line');
  }
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    if (colon <= 0 || !TOKEN.test(name)) {
      throw protocolError('bad header line');
    }
    const value = line.slice(colon + 1).trim();
    if (!FIELD_VALUE.test(value)) {
      throw protocolError(`bad value of ${name}`);
    }
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const code = Number(status[2]);
  if (code < 200) {
    return { status: code, headers, length: 0, keepAlive: true };
  }
  const length = headers['content-length'];
  if (
    headers['transfer-encoding'] !== undefined ||
    length === undefined ||
    !/^\d{1,15}$/.test(length)
  ) {
    if (code < 300) {
      return new UnsupportedAnswer(
        `HTTP ${code} without one Content-Length (or with Transfer-Encoding)`
      );
    }
    // An error answer: its status says enough; its body goes with the
    // connection.
    return {
      status: code,
      headers,
      length: 0,
      keepAlive: false,
      unsized: true
    };
  }
  const connection = (headers.connection ?? '').toLowerCase();
  return {
    status: code,
    headers,
    length: Number(length),
    keepAlive:
      status[1] === '1'
        ? !/\bclose\b/.test(connection)
        : /\bkeep-alive\b/.test(connection)
  };
}

/** One request on a connection, from its head to its last byte. */
interface IExchange {
  request: IGetIntoRequest;
  resolve(answer: IGetIntoAnswer): void;
  reject(error: unknown): void;
  /** Bytes of the head so far, while it is read. */
  head: Buffer[];
  headBytes: number;
  answer?: IHead;
  /** Where the body goes (the caller's, or the error body's buffer). */
  body?: IBodySink;
  /** The error body, when the answer is one. */
  errorBody?: Buffer;
  /** Body bytes given to the sink. */
  got: number;
  /** Body bytes read while the sink had no room, given to it once it has. */
  pending: Buffer[];
  /** Any byte of the answer arrived (a reused connection failing before that is retried). */
  started: boolean;
}

class Connection {
  readonly socket: net.Socket;
  private readonly own = Buffer.allocUnsafe(READ_BUFFER);
  /** The buffer the next read goes into (the body's rest while one is read). */
  private handed: Buffer = this.own;
  private exchange?: IExchange;
  /** Requests this connection finished: a failure on a reused one may be stale. */
  served = 0;
  closed = false;

  constructor(
    origin: URL,
    private readonly options: IGetIntoOptions,
    private readonly onIdle: (connection: Connection) => void,
    private readonly onClose: (connection: Connection) => void
  ) {
    const onread = {
      buffer: () => this.nextBuffer(),
      // false pauses reading (a sink without room); wake() resumes it.
      callback: (nread: number, buffer: Uint8Array) =>
        this.received(nread, buffer)
    };
    const host = origin.hostname.replace(/^\[(.*)\]$/, '$1');
    const secure = origin.protocol === 'https:';
    const port = Number(origin.port) || (secure ? 443 : 80);
    this.socket = secure
      ? tls.connect({
          host,
          port,
          servername: net.isIP(host) ? undefined : host,
          ALPNProtocols: ['http/1.1'],
          onread,
          ...options.tls
        } as tls.ConnectionOptions)
      : net.connect({ host, port, onread, noDelay: true });
    this.socket.setTimeout(options.connectTimeoutMs);
    this.socket.on('timeout', () => {
      const connecting = this.socket.connecting;
      this.fail(
        this.exchange
          ? socketError(
              connecting
                ? `could not connect within ${options.connectTimeoutMs} ms`
                : `no answer within ${options.requestTimeoutMs} ms`,
              connecting ? 'UND_ERR_CONNECT_TIMEOUT' : 'ETIMEDOUT',
              'TimeoutError'
            )
          : undefined
      );
    });
    this.socket.on('error', error => this.fail(error));
    this.socket.on('end', () =>
      this.fail(
        this.exchange
          ? socketError('the server closed the connection', 'ECONNRESET')
          : undefined
      )
    );
    this.socket.on('close', () =>
      this.fail(socketError('the connection closed', 'ECONNRESET'))
    );
  }

  /** Sends the request; the promise settles once the whole answer is in. */
  send(request: IGetIntoRequest): Promise<IGetIntoAnswer> {
    return new Promise((resolve, reject) => {
      this.exchange = {
        request,
        resolve,
        reject,
        head: [],
        headBytes: 0,
        got: 0,
        pending: [],
        started: false
      };
      this.handed = this.own;
      this.socket.ref();
      this.socket.setTimeout(
        this.socket.connecting
          ? this.options.connectTimeoutMs
          : this.options.requestTimeoutMs
      );
      if (this.socket.connecting) {
        this.socket.once(
          request.origin.protocol === 'https:' ? 'secureConnect' : 'connect',
          () => this.socket.setTimeout(this.options.requestTimeoutMs)
        );
      }
      const host = request.headers.host ?? request.origin.host;
      let text = `GET ${request.path} HTTP/1.1\r\nhost: ${host}\r\n`;
      for (const [name, value] of Object.entries(request.headers)) {
        if (name.toLowerCase() !== 'host') {
          text += `${name}: ${value}\r\n`;
        }
      }
      this.socket.write(`${text}\r\n`, 'latin1');
    });
  }

  /** Ends this connection; the request on it, if any, fails with `error`. */
  fail(error?: unknown): void {
    const exchange = this.exchange;
    this.exchange = undefined;
    if (!this.closed) {
      this.closed = true;
      this.socket.destroy();
      this.onClose(this);
    }
    if (exchange) {
      const reason = error ?? socketError('connection lost', 'ECONNRESET');
      exchange.reject(
        this.served > 0 && !exchange.started ? new Stale(reason) : reason
      );
    }
  }

  private nextBuffer(): Buffer {
    return this.handed;
  }

  /** A read's bytes; returns whether to read on. */
  private received(nread: number, buffer: Uint8Array): boolean {
    const exchange = this.exchange;
    if (!exchange) {
      // Bytes nobody asked for: the server does not speak our HTTP.
      this.fail();
      return false;
    }
    exchange.started = true;
    try {
      if (buffer === this.handed && this.handed !== this.own) {
        // The kernel wrote straight into the sink's room.
        exchange.body!.filled(nread);
        exchange.got += nread;
      } else {
        this.take(
          exchange,
          Buffer.from(buffer.buffer, buffer.byteOffset, nread)
        );
      }
      return this.next(exchange);
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  /** After bytes arrived: finish, or say where the next read goes. */
  private next(exchange: IExchange): boolean {
    this.handed = this.own;
    if (this.exchange !== exchange || !exchange.answer) {
      return this.exchange === exchange;
    }
    if (exchange.got === exchange.answer.length) {
      this.finish(exchange);
      return true;
    }
    if (exchange.pending.length) {
      return this.wait(exchange);
    }
    const room = exchange.body!.room();
    if (!room) {
      return this.wait(exchange);
    }
    // A small room is filled by copying from our buffer (fewer reads).
    if (room.length >= 4096) {
      this.handed = room;
    }
    return true;
  }

  /** Reading pauses until the sink has room; then what waited goes first. */
  private wait(exchange: IExchange): boolean {
    // The server is not silent while we wait: no timeout until we read on.
    this.socket.setTimeout(0);
    exchange.body!.onRoom(() => {
      if (this.exchange !== exchange) {
        return;
      }
      this.socket.setTimeout(this.options.requestTimeoutMs);
      try {
        const waiting = exchange.pending;
        exchange.pending = [];
        for (const bytes of waiting) {
          this.pour(exchange, bytes);
        }
        if (this.next(exchange)) {
          this.socket.resume();
        }
      } catch (error) {
        this.fail(error);
      }
    });
    return false;
  }

  /** Body bytes read into our buffer, copied into the sink's room. */
  private pour(exchange: IExchange, bytes: Buffer): void {
    while (bytes.length) {
      const room = exchange.pending.length ? undefined : exchange.body!.room();
      if (!room) {
        exchange.pending.push(Buffer.from(bytes));
        return;
      }
      const count = Math.min(room.length, bytes.length);
      bytes.copy(room, 0, 0, count);
      exchange.body!.filled(count);
      exchange.got += count;
      bytes = bytes.subarray(count);
    }
  }

  /** Bytes read into our own buffer: the head, or body bytes to copy. */
  private take(exchange: IExchange, bytes: Buffer): void {
    if (!exchange.answer) {
      // The head usually comes whole in one read, with a small file's whole
      // body after it: parsed where it was read, and the body copied once,
      // into its sink. Only a head split across reads is gathered, in
      // copies (our buffer is read into again). Copying every read first
      // made two dead copies of each small file, which outlived the young
      // generation: 5,000 files of 16 KiB left 150 MiB for full GCs.
      const all = exchange.headBytes
        ? Buffer.concat(
            [...exchange.head, bytes],
            exchange.headBytes + bytes.length
          )
        : bytes;
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) {
        if (all.length > HEAD_LIMIT) {
          this.fail(protocolError('head too large'));
          return;
        }
        exchange.head = [all === bytes ? Buffer.from(bytes) : all];
        exchange.headBytes = all.length;
        return;
      }
      exchange.head = [];
      exchange.headBytes = 0;
      let parsed: IHead | UnsupportedAnswer;
      try {
        parsed = parseHead(all.subarray(0, end).toString('latin1'));
      } catch (error) {
        this.fail(error);
        return;
      }
      if (parsed instanceof UnsupportedAnswer) {
        this.fail(parsed);
        return;
      }
      if (parsed.status >= 100 && parsed.status < 200) {
        // An interim answer (100 Continue): the real one follows.
        this.take(exchange, all.subarray(end + 4));
        return;
      }
      const ok = parsed.status >= 200 && parsed.status < 300;
      if (ok && parsed.length !== exchange.request.into.length) {
        // Not the bytes asked for (the object changed, or the range was
        // ignored): the caller says what it means; the body is not read.
        this.exchange = undefined;
        exchange.resolve({
          status: parsed.status,
          headers: parsed.headers,
          unread: true
        });
        this.fail();
        return;
      }
      exchange.answer = parsed;
      if (ok) {
        const into = exchange.request.into;
        exchange.body = Buffer.isBuffer(into) ? bufferSink(into) : into;
      } else {
        exchange.errorBody = Buffer.allocUnsafe(
          Math.min(parsed.length, ERROR_BODY_LIMIT)
        );
        exchange.body = bufferSink(exchange.errorBody);
      }
      bytes = parsed.unsized ? Buffer.alloc(0) : all.subarray(end + 4);
      if (!ok && parsed.length > ERROR_BODY_LIMIT) {
        // Only the start of a long error body is read; the rest is dropped
        // with the connection.
        parsed.keepAlive = false;
        parsed.length = ERROR_BODY_LIMIT;
      }
    }
    const waiting = exchange.pending.reduce((sum, b) => sum + b.length, 0);
    const left = exchange.answer.length - exchange.got - waiting;
    if (bytes.length > left) {
      if (exchange.answer.keepAlive) {
        throw protocolError('more bytes than its Content-Length');
      }
      // The start of a long error body: the rest goes with the connection.
      bytes = bytes.subarray(0, left);
    }
    this.pour(exchange, bytes);
  }

  private finish(exchange: IExchange): void {
    const answer = exchange.answer!;
    this.exchange = undefined;
    this.handed = this.own;
    this.served += 1;
    const ok = answer.status >= 200 && answer.status < 300;
    exchange.resolve({
      status: answer.status,
      headers: answer.headers,
      errorBody: ok ? undefined : exchange.errorBody
    });
    if (answer.keepAlive && !this.closed) {
      this.socket.setTimeout(this.options.idleTimeoutMs ?? 4_000);
      // An idle connection does not keep the process alive (the CLI exits).
      this.socket.unref();
      this.onIdle(this);
    } else {
      this.fail();
    }
  }
}

function validate(request: IGetIntoRequest): void {
  if (
    request.origin.protocol !== 'http:' &&
    request.origin.protocol !== 'https:'
  ) {
    throw new TypeError(`cannot GET over ${request.origin.protocol}`);
  }
  if (!TARGET.test(request.path)) {
    throw new TypeError('the request path has spaces or control characters');
  }
  for (const [name, value] of Object.entries(request.headers)) {
    if (!TOKEN.test(name) || !/^[\t\x20-\x7e]*$/.test(value)) {
      throw new TypeError(`the header ${JSON.stringify(name)} cannot be sent`);
    }
  }
}

export class GetIntoPool {
  private readonly idle = new Map<string, Connection[]>();

  constructor(private readonly options: IGetIntoOptions) {}

  /**
   * GET `request.path`; resolves once a 2xx body fills `request.into`, or
   * with the status and the start of the body of any other answer.
   */
  async get(request: IGetIntoRequest): Promise<IGetIntoAnswer> {
    validate(request);
    for (let attempt = 1; ; attempt++) {
      const connection = this.connection(request.origin);
      try {
        return await this.sendOn(connection, request);
      } catch (error) {
        if (!(error instanceof Stale)) {
          throw error;
        }
        // A kept connection the server had closed meanwhile: GET is
        // idempotent, so once more on a new one (as undici does).
        if (attempt > 1 || request.signal?.aborted) {
          throw error.cause;
        }
      }
    }
  }

  /** Closes every idle connection. */
  close(): void {
    for (const list of this.idle.values()) {
      for (const connection of [...list]) {
        connection.fail();
      }
    }
    this.idle.clear();
  }

  private async sendOn(
    connection: Connection,
    request: IGetIntoRequest
  ): Promise<IGetIntoAnswer> {
    const signal = request.signal;
    if (signal?.aborted) {
      connection.fail();
      throw signal.reason;
    }
    const onAbort = (): void => connection.fail(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await connection.send(request);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private connection(origin: URL): Connection {
    const key = origin.origin;
    const list = this.idle.get(key);
    const kept = list?.pop();
    if (kept) {
      return kept;
    }
    const remove = (connection: Connection): void => {
      const current = this.idle.get(key);
      const index = current?.indexOf(connection) ?? -1;
      if (index >= 0) {
        current!.splice(index, 1);
      }
    };
    return new Connection(
      origin,
      this.options,
      connection => {
        const current = this.idle.get(key) ?? [];
        if (current.length >= (this.options.maxIdle ?? 64)) {
          connection.fail();
          return;
        }
        current.push(connection);
        this.idle.set(key, current);
      },
      remove
    );
  }
}
