// What the routes share: reading query parameters strictly.
import { ApiError } from '../../api-error.js';

/** A query parameter given once as text (repeated or nested ones are refused). */
export function queryText(value: unknown, name: string): string | undefined {
  if (value === undefined || typeof value === 'string') {
    return value;
  }
  throw new ApiError(
    'invalid_request',
    `The query parameter '${name}' must be given once, as text.`
  );
}
