// What a route reads off a request's headers.
import type { Request } from 'express';

/** The declared body size (Content-Length), or undefined when absent or not a whole number. */
export function contentLength(req: Request): number | undefined {
  const value = req.get('content-length');
  const length = value === undefined ? NaN : Number(value);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}
