// Provider failures (AWS SDK, Google SDK, Node sockets) in the user's words:
// an API error code, what happened, and what to do about it. Messages name the
// remote and endpoint, never a key.
import { ApiError } from '../api-error.js';

export interface IErrorContext {
  remote: string;
  /** The URL requests went to, shown in messages. */
  endpoint: string;
  bucket?: string;
  /** The remote sends no credentials (changes what an access denial means). */
  anonymous?: boolean;
  /** Set when the request was about one object (stat, read). */
  key?: string;
}

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name could not be resolved (DNS)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed'
};
const TLS_CODE =
  /^(CERT_|ERR_SSL_|ERR_TLS_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$)/;
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT'
]);

interface IFacts {
  codes: string[];
  names: string[];
  status?: number;
  messages: string[];
}

/** Everything useful in an error and its causes (fetch and the SDKs nest them). */
function facts(error: unknown): IFacts {
  const result: IFacts = { codes: [], names: [], messages: [] };
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (
      typeof value !== 'object' ||
      value === null ||
      seen.has(value) ||
      depth > 5
    ) {
      return;
    }
    seen.add(value);
    const record = value as Record<string, unknown>;
    if (typeof record.code === 'string') {
      result.codes.push(record.code);
    }
    if (typeof record.code === 'number' && result.status === undefined) {
      result.status = record.code;
    }
    if (typeof record.name === 'string') {
      result.names.push(record.name);
    }
    if (typeof record.message === 'string') {
      result.messages.push(record.message);
    }
    const metadata = record.$metadata as
      { httpStatusCode?: number } | undefined;
    if (metadata?.httpStatusCode && result.status === undefined) {
      result.status = metadata.httpStatusCode;
    }
    if (typeof record.status === 'number' && result.status === undefined) {
      result.status = record.status;
    }
    const response = record.response as { status?: number } | undefined;
    if (typeof response?.status === 'number' && result.status === undefined) {
      result.status = response.status;
    }
    visit(record.cause, depth + 1);
    if (Array.isArray(record.errors)) {
      for (const inner of record.errors) {
        visit(inner, depth + 1);
      }
    }
  };
  visit(error, 0);
  return result;
}

/** A store's own words, one short line: they may carry anything. */
function brief(message: string | undefined): string | undefined {
  // eslint-disable-next-line no-control-regex -- controls are what is removed
  const line = message?.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  if (!line) {
    return undefined;
  }
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** The API error for a provider failure; ApiErrors pass through unchanged. */
export function toApiError(error: unknown, context: IErrorContext): ApiError {
  if (error instanceof ApiError) {
    return error;
  }
  const { codes, names, status, messages } = facts(error);
  const has = (name: string): boolean =>
    names.includes(name) || codes.includes(name);
  const checkEndpoint = `Check the endpoint URL in remote ${context.remote}, and that the server is up.`;

  const unreachable = codes.find(code => code in UNREACHABLE);
  if (unreachable) {
    return new ApiError(
      'endpoint_unreachable',
      `Could not reach ${context.endpoint}: ${UNREACHABLE[unreachable]}`,
      checkEndpoint
    );
  }
  if (codes.some(code => TLS_CODE.test(code))) {
    return new ApiError(
      'endpoint_unreachable',
      `Could not reach ${context.endpoint}: the TLS (https) connection failed`,
      `Check the endpoint URL in remote ${context.remote} (http or https?) and its certificate.`
    );
  }
  if (
    names.includes('TimeoutError') ||
    codes.some(code => TIMEOUT_CODES.has(code))
  ) {
    return new ApiError(
      'timeout',
      `${context.endpoint} did not answer in time`,
      `${checkEndpoint} Try again if the network is slow.`
    );
  }
  if (
    has('CredentialsProviderError') ||
    messages.some(m => /could not load (the default )?credentials/i.test(m))
  ) {
    return new ApiError(
      'no_credentials',
      `Remote ${context.remote} has no usable credentials`,
      'Add an access key (AWS profile or rclone remote) or a service-account key file, or mark the remote as anonymous for public buckets.'
    );
  }
  if (has('InvalidAccessKeyId')) {
    return new ApiError(
      'invalid_credentials',
      `${context.endpoint} rejected the credentials of remote ${context.remote}`,
      'The access key is not known to this endpoint: check the access key id.'
    );
  }
  if (has('SignatureDoesNotMatch')) {
    return new ApiError(
      'invalid_credentials',
      `${context.endpoint} rejected the signature of remote ${context.remote}`,
      'The secret key is wrong: check the secret access key.'
    );
  }
  if (has('RequestTimeTooSkewed')) {
    return new ApiError(
      'invalid_credentials',
      `${context.endpoint} rejected the request: the clock of this machine differs too much from the server's`,
      "Fix this machine's clock (clock skew)."
    );
  }
  if (
    context.key !== undefined &&
    !has('NoSuchBucket') &&
    (has('NoSuchKey') || has('NotFound') || status === 404)
  ) {
    return new ApiError(
      'not_found',
      `No object ${context.key} in bucket ${context.bucket ?? ''} of remote ${context.remote}`,
      'It may have been deleted or renamed: refresh the listing.'
    );
  }
  if (has('NoSuchBucket') || (status === 404 && context.bucket !== undefined)) {
    return new ApiError(
      'bucket_not_found',
      `Bucket ${context.bucket ?? ''} does not exist in remote ${context.remote}`,
      'Check the bucket name.'
    );
  }
  if (has('AccessDenied') || has('AllAccessDisabled') || status === 403) {
    return new ApiError(
      'access_denied',
      `Remote ${context.remote} is not allowed to do this${context.bucket ? ` in bucket ${context.bucket}` : ''}`,
      context.anonymous
        ? 'This remote sends no credentials and this is not public: add keys (or a key file) to the remote.'
        : 'The credentials work but lack permission: ask the bucket owner, or use another remote.'
    );
  }
  if (status === 401) {
    return new ApiError(
      'invalid_credentials',
      `${context.endpoint} rejected the credentials of remote ${context.remote}`,
      'Check the keys (or service-account file) of this remote.'
    );
  }
  if (status === 408) {
    return new ApiError(
      'timeout',
      `${context.endpoint} gave up waiting for the request (HTTP 408)`,
      `${checkEndpoint} Try again if the network is slow.`
    );
  }
  if (status === 416 || has('InvalidRange')) {
    return new ApiError(
      'range_not_satisfiable',
      `${context.endpoint} refused the byte range: it is outside the object`,
      'Ask for bytes below the object size.'
    );
  }
  // Any other refusal of the request itself (400 InvalidBucketName, 409
  // BucketNotEmpty, 411, 412...) is about what was asked, not a fault of the
  // store: a 4xx for the client, and not worth a retry. 429 is throttling
  // and stays a retryable provider_error.
  if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
    const what = names.find(n => n !== 'Error' && !/^\d+$/.test(n));
    const said = brief(messages[0]);
    return new ApiError(
      'invalid_request',
      `${context.endpoint} refused the request (HTTP ${status}${what ? `, ${what}` : ''})${said && said !== what ? `: ${said}` : ''}`,
      'Check the bucket name, the object key and the remote settings.'
    );
  }
  return new ApiError(
    'provider_error',
    `${context.endpoint} answered with an error${status ? ` (HTTP ${status})` : ''}: ${names.find(n => n !== 'Error') ?? messages[0] ?? 'unknown'}`,
    'Try again; if it persists, check the remote settings.'
  );
}
