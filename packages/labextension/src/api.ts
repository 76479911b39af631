// The one way the panel talks to the sidecar (through jupyter-server-proxy):
// every failure becomes a BucketsError with a code, a message and a hint.
import {
  isErrorBody,
  PROXY_PATH,
  REQUEST_HEADER,
  type ErrorCode,
  type ITransferConflict
} from '@jupyter-buckets/core';
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** Codes the panel adds to the sidecar's own (ErrorCode). */
export type ClientErrorCode =
  /** The Jupyter server itself could not be reached. */
  | 'sidecar_unreachable'
  /** Jupyter has no /jupyter-buckets route: the Python package is missing. */
  | 'sidecar_missing'
  /** The proxy route exists but the sidecar did not start or answer. */
  | 'sidecar_failed'
  /** The sidecar and the panel come from different releases. */
  | 'version_mismatch'
  /** No remote was found in any config file. */
  | 'no_remotes'
  /** An answer the panel cannot read. */
  | 'unexpected_response'
  /** Select-all's listing stopped before its end: an action would miss objects. */
  | 'selection_incomplete';

export type BucketsErrorCode = ErrorCode | ClientErrorCode;

export class BucketsError extends Error {
  constructor(
    readonly code: BucketsErrorCode,
    message: string,
    readonly hint: string = '',
    /** HTTP status; 0 when there was no answer. */
    readonly status: number = 0,
    /** For invalid_request on a form: the IRemoteInput field at fault. */
    readonly field?: string,
    /**
     * For destination_exists: the files the write would replace (the first
     * MAX_LISTED_CONFLICTS of them), so the UI can ask what to do.
     */
    readonly conflicts: ReadonlyArray<ITransferConflict> = [],
    /** For destination_exists: how many there are in all (listed or not). */
    readonly conflictCount: number = conflicts.length
  ) {
    super(message);
    this.name = 'BucketsError';
  }
}

const MISSING_HINT =
  'The jupyter-buckets server part is not installed or not enabled: ' +
  '`pip install jupyter-buckets` in the environment that runs Jupyter, then restart it.';

const FAILED_HINT =
  'Look at the Jupyter server log for why the jupyter-buckets process did not start ' +
  '(`jupyter buckets --version` in a terminal checks that it can run).';

/**
 * GET (or send) `path` below the sidecar root, e.g. routes.remotes().
 * Resolves with the parsed JSON body; rejects with a BucketsError.
 */
export async function requestAPI<T>(
  path: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  // State-changing requests are JSON (a cross-site form cannot send it).
  const { url, response } = await send(path, init, settings, [
    'Content-Type',
    'application/json'
  ]);
  const text = await response.text();
  const body = parseJSON(text);
  if (response.ok) {
    if (response.status === 204) {
      // No Content (e.g. DELETE): nothing to parse.
      return undefined as T;
    }
    if (body === undefined) {
      throw new BucketsError(
        'unexpected_response',
        `The jupyter-buckets server part answered ${url} with something that is not JSON.`,
        FAILED_HINT,
        response.status
      );
    }
    return body as T;
  }
  throw toError(response.status, body, text);
}

/** The sidecar URL of `path` (for links the browser follows itself, e.g. downloads). */
export function apiURL(
  path: string,
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): string {
  const url = URLExt.join(settings.baseUrl, PROXY_PATH, path);
  // Like Jupyter's own download links: a token-authenticated session needs
  // the token in a URL the browser opens without our headers.
  if (settings.appendToken && settings.token) {
    return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(settings.token)}`;
  }
  return url;
}

/**
 * Send `path` below the sidecar root with a raw (non-JSON) body or read a
 * raw answer (object bytes): resolves with the Response once its status is
 * a success; rejects with a BucketsError like requestAPI. Bodies that are not
 * JSON carry REQUEST_HEADER (the sidecar's rule against cross-site forms).
 */
export async function requestRaw(
  path: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<Response> {
  const { response } = await send(path, init, settings, [REQUEST_HEADER, '1']);
  if (response.ok) {
    return response;
  }
  const text = await response.text();
  throw toError(response.status, parseJSON(text), text);
}

/**
 * The one place a request leaves for the sidecar: `bodyHeader` marks a request
 * with a body (the sidecar refuses bodies without it), and a failure to reach
 * Jupyter at all becomes `sidecar_unreachable`.
 */
async function send(
  path: string,
  init: RequestInit,
  settings: ServerConnection.ISettings,
  bodyHeader: [string, string]
): Promise<{ url: string; response: Response }> {
  const url = URLExt.join(settings.baseUrl, PROXY_PATH, path);
  if (init.body !== undefined && init.body !== null) {
    const headers = new Headers(init.headers);
    headers.set(...bodyHeader);
    init = { ...init, headers };
  }
  try {
    return {
      url,
      response: await ServerConnection.makeRequest(url, init, settings)
    };
  } catch (error) {
    throw new BucketsError(
      'sidecar_unreachable',
      `Could not reach the Jupyter server: ${(error as Error).message}`,
      'Check that the Jupyter server is still running and your network connection works, then retry.'
    );
  }
}

function parseJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toError(status: number, body: unknown, text: string): BucketsError {
  if (isErrorBody(body)) {
    const { code, message, hint, field, conflicts, conflictCount } = body.error;
    const listed = Array.isArray(conflicts) ? conflicts : [];
    return new BucketsError(
      code,
      message,
      hint ?? '',
      status,
      field,
      listed,
      typeof conflictCount === 'number'
        ? Math.max(conflictCount, listed.length)
        : listed.length
    );
  }
  if (status === 404) {
    return new BucketsError(
      'sidecar_missing',
      `Jupyter has no /${PROXY_PATH}/ route (HTTP 404).`,
      MISSING_HINT,
      status
    );
  }
  if (status >= 500) {
    return new BucketsError(
      'sidecar_failed',
      `The jupyter-buckets server part did not answer (HTTP ${status}${summary(text)}).`,
      FAILED_HINT,
      status
    );
  }
  if (status === 401 || status === 403) {
    return new BucketsError(
      'forbidden',
      `Jupyter refused the request (HTTP ${status}).`,
      'Your Jupyter session may have expired: reload the page and log in again.',
      status
    );
  }
  return new BucketsError(
    'unexpected_response',
    `Unexpected answer from the Jupyter server (HTTP ${status}${summary(text)}).`,
    FAILED_HINT,
    status
  );
}

/** A short, tag-free excerpt of an HTML or text error page. */
function summary(text: string): string {
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1];
  const plain = (title ?? text.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
  return plain ? `: ${plain.slice(0, 120)}` : '';
}
