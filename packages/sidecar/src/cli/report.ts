// What every command shares with the user: how a location is written, how
// a failure reads (the message, then the hint, as the API gives them), and
// how a question is asked.
import { createInterface } from 'node:readline/promises';
import { ApiError } from '../api-error.js';
import type { IServices } from '../services.js';

/**
 * The commands' services, built by the first command that runs: importing
 * them loads the remotes, the providers and the engine, which `--version`
 * and `--help` do without.
 */
export type LazyServices = () => Promise<IServices>;

export const LOCATION_HELP =
  'remote:bucket/path, s3://bucket/path or gs://bucket/path (with --remote), or a local path';

/**
 * Set to `json` by a program that runs the CLI (the Python API): failures
 * are then written to stderr as the API's error body, code included.
 */
export const ERRORS_ENV = 'JUPYTER_BUCKETS_ERRORS';

/** `jupyter-buckets: message` and the hint, for any failure of a command. */
export function errorText(error: unknown): string {
  if (process.env[ERRORS_ENV] === 'json') {
    return JSON.stringify(
      error instanceof ApiError
        ? error.toBody()
        : {
            error: {
              code: 'internal',
              message: error instanceof Error ? error.message : String(error)
            }
          }
    );
  }
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

/** Ask on stderr (stdout may be piped); true for y or yes. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
