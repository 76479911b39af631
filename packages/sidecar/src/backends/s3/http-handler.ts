// The S3 client's HTTP layer on undici instead of node:http. The SDK keeps
// everything above the wire (endpoints, signing, retries, XML); this sends
// the signed request and hands back the answer. Why: profiles of our copies
// showed node:http's per-request machinery (the SDK's handler sets four
// timers per request, and node:http's IncomingMessage layers every body
// chunk) as a top cost of small files and of downloads, where undici parses
// with the same llhttp at a fraction of the CPU.
import type { HttpHandlerOptions, HttpRequest } from '@smithy/types';
import { buildQueryString, HttpResponse } from '@smithy/core/protocols';
import { Agent, type Dispatcher } from '../http/undici.js';

export interface IUndiciHandlerOptions {
  /** Connect or fail within this (an unreachable endpoint answers fast). */
  connectTimeoutMs: number;
  /** Silence allowed while waiting for an answer's headers or body bytes. */
  requestTimeoutMs: number;
  /** Connections per endpoint (the engine's parallelism is well above 50). */
  connections: number;
}

/** Undici's codes for its own timeouts: the SDK retries what it names TimeoutError. */
const TIMEOUTS = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT'
]);

/** Header names undici refuses to send (it manages them itself). */
const MANAGED = new Set([
  'expect',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade'
]);

function requestHeaders(
  headers: HttpRequest['headers']
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    // `Expect: 100-continue` is never signed (SigV4 leaves it out), so it
    // can be dropped: a rejected upload then costs its body, as with rclone.
    if (!MANAGED.has(name.toLowerCase())) {
      result[name] = headers[name];
    }
  }
  return result;
}

function responseHeaders(
  headers: Dispatcher.ResponseData['headers']
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      result[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return result;
}

/** Undici's errors under the names the SDK's retries and our messages know. */
function transportError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TIMEOUTS.has(code)) {
    return Object.assign(error as Error, { name: 'TimeoutError' });
  }
  return error;
}

type SdkSignal = HttpHandlerOptions['abortSignal'];

/** Undici takes a real AbortSignal (the SDK may pass its own older shape). */
function nativeSignal(signal: SdkSignal): AbortSignal | undefined {
  return signal instanceof AbortSignal ? signal : undefined;
}

export class UndiciHttpHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  /** The connections, shared with the requests sent without the SDK (wire.ts). */
  readonly dispatcher: Dispatcher;

  constructor(private readonly options: IUndiciHandlerOptions) {
    this.dispatcher = new Agent({
      connections: options.connections,
      connect: { timeout: options.connectTimeoutMs },
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs
    });
  }

  async handle(
    request: HttpRequest,
    options: HttpHandlerOptions = {}
  ): Promise<{ response: HttpResponse }> {
    const query = request.query ? buildQueryString(request.query) : '';
    const port = request.port ? `:${request.port}` : '';
    const signal = options.abortSignal;
    if (signal?.aborted) {
      throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    }
    const timeout = options.requestTimeout ?? this.options.requestTimeoutMs;
    try {
      const answer = await this.dispatcher.request({
        origin: `${request.protocol}//${request.hostname}${port}`,
        path: query ? `${request.path}?${query}` : request.path,
        method: request.method as Dispatcher.HttpMethod,
        headers: requestHeaders(request.headers),
        body: request.body as Dispatcher.DispatchOptions['body'],
        signal: nativeSignal(signal),
        headersTimeout: timeout,
        bodyTimeout: timeout
      });
      return {
        response: new HttpResponse({
          statusCode: answer.statusCode,
          headers: responseHeaders(answer.headers),
          body: answer.body
        })
      };
    } catch (error) {
      throw transportError(error);
    }
  }

  // The SDK may adjust settings of the handler it built; ours are fixed.
  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  /** Clients share the handler (and its connections) for the process's life. */
  destroy(): void {}
}
