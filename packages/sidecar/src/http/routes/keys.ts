// Object keys as the API takes them: from the raw query string (so invalid
// UTF-8 is caught, not turned into U+FFFD) or from a JSON body, and checked
// against what the provider can store.
import type { Request } from 'express';
import { ApiError } from '../../api-error.js';
import { checkKey } from '../../backends/keys.js';
import type { IBackend } from '../../backends/types.js';

export { checkKey };

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

/** The required `key` query parameter, checked. */
export function queryKey(req: Request, backend: IBackend): string {
  return checkKey(backend, rawQueryParam(req, 'key'));
}
