// The listing cursor: opaque to clients (base64url of JSON), tied to the
// prefix it was made for, checked on the way back in.
import { ApiError } from '../api-error.js';

interface ICursorData {
  v: 1;
  /** The provider prefix the cursor was made for: the level's prefix plus any startsWith filter. */
  p: string;
  /** The provider's own continuation token. */
  t: string;
}

export function encodeCursor(prefix: string, token: string): string {
  const data: ICursorData = { v: 1, p: prefix, t: token };
  return Buffer.from(JSON.stringify(data), 'utf8').toString('base64url');
}

const HINT = 'Start again from the first page (without a cursor).';

/** The provider token inside a cursor; 400 invalid_cursor when it is not one of ours or not for this prefix. */
export function decodeCursor(cursor: string, prefix: string): string {
  let data: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) {
      throw new Error('not base64url');
    }
    data = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ApiError(
      'invalid_cursor',
      'The cursor is not one this server gave out.',
      HINT
    );
  }
  const record = data as Partial<ICursorData> | null;
  if (
    typeof record !== 'object' ||
    record === null ||
    record.v !== 1 ||
    typeof record.p !== 'string' ||
    typeof record.t !== 'string' ||
    record.t === ''
  ) {
    throw new ApiError(
      'invalid_cursor',
      'The cursor is not one this server gave out.',
      HINT
    );
  }
  if (record.p !== prefix) {
    throw new ApiError(
      'invalid_cursor',
      `The cursor was made for prefix and filter '${record.p}', not '${prefix}'.`,
      HINT
    );
  }
  return record.t;
}
