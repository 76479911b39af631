// The one error middleware: an ApiError becomes its JSON body and status;
// anything else is a 500 `internal` whose details stay in the log.
import type {
  ErrorRequestHandler,
  Request,
  RequestHandler,
  Response
} from 'express';
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
  return (error: unknown, req, res, _next) => {
    if (clientGone(req, res)) {
      // The client closed the connection (a cancelled fetch, a closed tab):
      // nothing to answer and nothing wrong inside, so one plain line.
      logger.info(`${req.method} ${req.path}: the client closed the request`);
      res.destroy();
      return;
    }
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
    if (res.headersSent) {
      // Part of a body is out: cutting the connection is the only honest end.
      res.destroy();
      return;
    }
    res.status(apiError.status).json(apiError.toBody());
  };
}

/** The connection is closed: whatever failed, no answer can reach the client. */
function clientGone(req: Request, res: Response): boolean {
  return req.socket.destroyed || res.destroyed;
}

function isClientError(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
