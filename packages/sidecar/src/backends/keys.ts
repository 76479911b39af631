// A key as a backend can store it, checked wherever one comes from (the
// API's query strings and bodies, an upload's file paths): no HTTP here, so
// the CLI loads it without the server.
import { ApiError } from '../api-error.js';
import type { IBackend } from './types.js';

// Half of a UTF-16 pair alone (JSON can carry one): not encodable as UTF-8.
export const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// C0 and C1 controls and DEL: a line break in a key or a path breaks
// listings, logs and the INI-like outputs of other tools; no name a user
// typed or picked has one that they meant.
// eslint-disable-next-line no-control-regex -- controls are what is found
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** A key the backend can store: non-empty, well-formed text, no NUL, not too long. */
export function checkKey(
  backend: IBackend,
  key: unknown,
  what = 'key'
): string {
  if (typeof key !== 'string' || key === '') {
    throw new ApiError(
      'invalid_request',
      `A ${what} is required.`,
      `Give the object's ${what} (its full path in the bucket).`
    );
  }
  if (LONE_SURROGATE.test(key)) {
    throw new ApiError(
      'invalid_request',
      `The ${what} is not valid Unicode text (it cannot be stored as UTF-8).`,
      'Rename the object without broken characters.'
    );
  }
  if (key.includes('\0')) {
    throw new ApiError(
      'invalid_request',
      `The ${what} contains a NUL character.`,
      'Remove the NUL character.'
    );
  }
  const bytes = Buffer.byteLength(key, 'utf8');
  const max = backend.capabilities.maxKeyBytes;
  if (bytes > max) {
    throw new ApiError(
      'invalid_request',
      `The ${what} is ${bytes} bytes long in UTF-8; this remote allows at most ${max}.`,
      'Use a shorter name or fewer folder levels.'
    );
  }
  return key;
}
