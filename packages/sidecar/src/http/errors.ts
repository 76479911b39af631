// The one error middleware: an ApiError becomes its JSON body and status;
// anything else is a 500 `internal` whose details stay in the log.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ApiError } from '../api-error.js';
import type { ILogger } from '../log.js';

export const notFound: RequestHandler = (req, _res, next) => {
  next(
    new ApiError(
      'not_found',
      `No such API route: ${req.method} ${req.path}`,
      'See openapi.yaml for the routes.'
    )
  );
};

export function errorHandler(logger: ILogger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    let apiError: ApiError;
    if (error instanceof ApiError) {
      apiError = error;
    } else if (isClientError(error)) {
      // body-parser and friends: a malformed request, not our bug.
      apiError = new ApiError(
        'invalid_request',
        'The request could not be read.',
        'Send valid JSON.'
      );
    } else {
      logger.error(
        `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`
      );
      apiError = new ApiError(
        'internal',
        'Something went wrong inside jupyter-buckets.',
        'Try again; if it persists, report it with the sidecar log.'
      );
    }
    res.status(apiError.status).json(apiError.toBody());
  };
}

function isClientError(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
