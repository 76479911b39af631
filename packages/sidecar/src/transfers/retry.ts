// Retries with exponential backoff and full jitter for what passes on its own:
// throttling (503 SlowDown, 429), other 5xx, dropped connections, timeouts.
// Bounded: after the last attempt the error goes to the job as a file error.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../api-error.js';

export interface IRetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: IRetryPolicy = {
  attempts: 5,
  baseMs: 200,
  maxMs: 5_000
};

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'ECONNREFUSED',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE'
]);
const TRANSIENT_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError'
]);

export function isTransient(error: unknown): boolean {
  if (error instanceof ApiError) {
    // The backends map 5xx/429 to provider_error, dropped connections to
    // endpoint_unreachable and slow answers to timeout.
    return (
      error.code === 'provider_error' ||
      error.code === 'endpoint_unreachable' ||
      error.code === 'timeout'
    );
  }
  const record = (error ?? {}) as {
    code?: unknown;
    name?: unknown;
    $metadata?: { httpStatusCode?: number };
    status?: unknown;
  };
  const status = record.$metadata?.httpStatusCode ?? record.status;
  if (typeof status === 'number' && (status === 429 || status >= 500)) {
    return true;
  }
  return (
    (typeof record.code === 'string' && TRANSIENT_CODES.has(record.code)) ||
    (typeof record.name === 'string' && TRANSIENT_NAMES.has(record.name))
  );
}

/**
 * The abort reason of a job stopped by a sidecar shutdown (not a cancel):
 * its unfinished uploads are kept so that the next run continues them.
 */
export const SUSPEND = Symbol('suspend');

export function abortError(): ApiError {
  return new ApiError('invalid_request', 'The transfer was cancelled.');
}

export async function withRetry<T>(
  work: () => Promise<T>,
  signal: AbortSignal | undefined,
  policy: IRetryPolicy = DEFAULT_RETRY,
  onRetry?: () => void
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) {
      throw abortError();
    }
    try {
      return await work();
    } catch (error) {
      if (
        attempt >= policy.attempts ||
        !isTransient(error) ||
        signal?.aborted
      ) {
        throw error;
      }
      onRetry?.();
      const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
      await sleep(Math.random() * cap, undefined, { signal }).catch(
        () => undefined
      );
    }
  }
}
