// Retries with exponential backoff and full jitter for what passes on its own:
// throttling (503 SlowDown, 429), other 5xx, dropped connections, timeouts.
// Bounded: after the last attempt the error goes to the job as a file error.
//
// This file names the policy of each concern of the engine (RETRY); callers
// pick one rather than build their own. The levels nest, so their attempts
// multiply:
//
//   RETRY.file         3  a whole file, when a request inside it gave up: an
//                         ordered upload session that was lost starts again
//   RETRY.request      5  one request (a list page, a stat, a put, a part, a
//                         delete): throttling and dropped connections pass
//                         within seconds
//   RETRY.orderedPart  1  a part sent to a writer that takes parts in order
//                         (a GCS resumable session): it cannot be sent again,
//                         so a failure goes up to the whole-file attempt
//   the SDK's own      2  S3 maxAttempts (backends/s3/backend.ts), GCS one retry
//                         (backends/gcs/backend.ts): kept low there so that an
//                         unreachable endpoint answers within about 10 s
//
// So one S3 request of a file is tried at most 3 × 5 × 2 = 30 times.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, cancelledError } from '../api-error.js';

export interface IRetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export interface IRetryPolicies {
  request: IRetryPolicy;
  orderedPart: IRetryPolicy;
  file: IRetryPolicy;
}

const REQUEST_RETRY: IRetryPolicy = {
  attempts: 5,
  baseMs: 200,
  maxMs: 5_000
};
const FILE_ATTEMPTS = 3;

/**
 * The engine's policies around a request policy (a job manager's may differ:
 * tests shorten the backoff). The other levels keep their attempts and take
 * its backoff.
 */
export function retryPolicies(
  request: IRetryPolicy = REQUEST_RETRY
): IRetryPolicies {
  return {
    request,
    orderedPart: { ...request, attempts: 1 },
    file: { ...request, attempts: FILE_ATTEMPTS }
  };
}

export const RETRY: Readonly<IRetryPolicies> = retryPolicies();

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

export const abortError = cancelledError;

export async function withRetry<T>(
  work: () => Promise<T>,
  signal: AbortSignal | undefined,
  policy: IRetryPolicy,
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
