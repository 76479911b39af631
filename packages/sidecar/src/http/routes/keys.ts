// Object keys as the API takes them: from the raw query string (so invalid
// UTF-8 is caught, not turned into U+FFFD) or from a JSON body, and checked
// against what the provider can store.
import type { Request } from 'express';
import { ApiError } from '../../api-error.js';
import type { IBackend } from '../../backends/types.js';

// Half of a UTF-16 pair alone (JSON can carry one): not encodable as UTF-8.
const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The one value of query parameter `name`, percent-decoded as strict UTF-8; undefined when absent. */
export function rawQueryParam(req: Request, name: string): string | undefined {
  const url = req.originalUrl;
  const question = url.indexOf('?');
  if (question < 0) {
    return undefined;
  }
  const values = url
    .slice(question + 1)
    .split('&')
    .filter(pair => pair.split('=')[0] === name)
    .map(pair => pair.slice(pair.indexOf('=') + 1 || pair.length));
  if (values.length === 0) {
    return undefined;
  }
  if (values.length > 1) {
    throw new ApiError(
      'invalid_request',
      `The query parameter '${name}' must be given once.`
    );
  }
  // '+' is a space in a query string (what URLSearchParams writes).
  return decodePercent(values[0].replace(/\+/g, ' '), name);
}

function decodePercent(text: string, name: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x25) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        throw new ApiError(
          'invalid_request',
          `The query parameter '${name}' has a malformed % escape.`,
          'Encode the key with encodeURIComponent.'
        );
      }
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (char < 0x100) {
      // Node hands raw bytes of the request line over as latin1 characters.
      bytes.push(char);
    } else {
      bytes.push(...Buffer.from(text[i], 'utf8'));
    }
  }
  try {
    return strictUtf8.decode(Uint8Array.from(bytes));
  } catch {
    throw new ApiError(
      'invalid_request',
      `The query parameter '${name}' is not valid UTF-8.`,
      'Object keys are UTF-8 text: encode them with encodeURIComponent.'
    );
  }
}

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

/** The required `key` query parameter, checked. */
export function queryKey(req: Request, backend: IBackend): string {
  return checkKey(backend, rawQueryParam(req, 'key'));
}
