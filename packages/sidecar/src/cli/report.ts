// What every command shares with the user: how a location is written, and how
// a failure reads (the message, then the hint, as the API gives them).
import { ApiError } from '../api-error.js';

export const LOCATION_HELP =
  'remote:bucket/path, s3://bucket/path or gs://bucket/path (with --remote), or a local path';

/** `jupyter-buckets: message` and the hint, for any failure of a command. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    return `jupyter-buckets: ${error.message}${error.hint ? `\nhint: ${error.hint}` : ''}`;
  }
  return `jupyter-buckets: ${error instanceof Error ? error.message : String(error)}`;
}

/** Report an ApiError and exit 1; anything else is a bug and is rethrown. */
export function exitOnApiError(error: unknown): void {
  if (error instanceof ApiError) {
    process.stderr.write(`${errorText(error)}\n`);
    process.exit(1);
  }
}
