// The one error type that carries an API error code, a message for the user
// and a hint for what to do; everything else becomes `internal`.
import {
  ERROR_STATUS,
  type ErrorCode,
  type IErrorBody
} from '@jupyter-buckets/core';

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.hint = hint;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): IErrorBody {
    const error: IErrorBody['error'] = {
      code: this.code,
      message: this.message
    };
    if (this.hint) {
      error.hint = this.hint;
    }
    return { error };
  }
}

/**
 * Text from a file or a store (a key, a remote name) as a message may show
 * it: control characters become '?', so it cannot break or recolour a line.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- controls are what is replaced
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** The error of work stopped by a cancel (a transfer, a read inside one). */
export function cancelledError(): ApiError {
  return new ApiError('invalid_request', 'The transfer was cancelled.');
}
