// The sidecar's HTTP API as an Express app: request log, secret check, JSON
// rule for changes, routes, one error handler. No listening here (server.ts).
import express, { type Express, type RequestHandler } from 'express';
import type { BackendFactory } from '../backends/index.js';
import type { ILogger } from '../log.js';
import type { IRemoteStore } from '../remotes/discover.js';
import { RemoteManager } from '../remotes/manager.js';
import { isRawUpload, requireJsonForChanges, requireToken } from './auth.js';
import { errorHandler, notFound } from './errors.js';
import { securityHeaders } from './headers.js';
import { bucketsRoutes } from './routes/buckets.js';
import { healthRoutes } from './routes/health.js';
import { manageRoutes } from './routes/manage.js';
import { objectRoutes } from './routes/object.js';
import { presignRoutes } from './routes/presign.js';
import { objectsRoutes } from './routes/objects.js';
import { remotesRoutes } from './routes/remotes.js';
import { createJobManager, transfersRoutes } from './routes/transfers.js';
import type { JobManager } from '../transfers/jobs.js';

export interface IAppOptions {
  /** The per-launch secret every request must carry. */
  token: string;
  remotes: IRemoteStore;
  backends: BackendFactory;
  logger: ILogger;
  /** The Jupyter disk, served as remote `local` (default: $JUPYTER_BUCKETS_ROOT, else the cwd). */
  localRoot?: string;
  /** Creates, edits and deletes remotes; defaults to one over the store's environment. */
  manager?: RemoteManager;
  /** Transfer jobs; defaults to one over the store and the local root. */
  transfers?: JobManager;
}

/** One line per request: method, path, status, duration. Never headers or the query (it may grow secrets later). */
function requestLog(logger: ILogger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const path = req.path;
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(`${req.method} ${path} ${res.statusCode} ${ms.toFixed(0)}ms`);
    });
    next();
  };
}

export function createApp(options: IAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLog(options.logger));
  app.use(securityHeaders);
  app.use(requireToken(options.token));
  app.use(requireJsonForChanges);
  app.use(
    express.json({
      limit: '1mb',
      type: req =>
        !isRawUpload(req as express.Request) &&
        Boolean((req as express.Request).is('application/json'))
    })
  );
  app.use(healthRoutes());
  app.use(remotesRoutes(options.remotes));
  app.use(
    manageRoutes(
      options.manager ?? new RemoteManager(options.remotes.env),
      options.backends
    )
  );
  app.use(bucketsRoutes(options.remotes, options.backends, options.localRoot));
  app.use(objectsRoutes(options.remotes, options.backends, options.localRoot));
  app.use(objectRoutes(options.remotes, options.backends, options.localRoot));
  app.use(presignRoutes(options.remotes, options.backends, options.localRoot));
  app.use(
    transfersRoutes(
      options.transfers ??
        createJobManager(options.remotes, options.backends, options.localRoot)
    )
  );
  app.use(notFound);
  app.use(errorHandler(options.logger));
  return app;
}
