// The sidecar's HTTP API as an Express app: request log, secret check, JSON
// rule for changes, routes, one error handler. No listening here (server.ts).
import express, { type Express, type RequestHandler } from 'express';
import type { ILogger } from '../log.js';
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
import { uploadsRoutes } from './routes/uploads.js';
import { transfersRoutes } from './routes/transfers.js';
import { zarrRoutes } from './routes/zarr.js';
import type { IServices } from '../services.js';

export interface IAppOptions {
  /** The per-launch secret every request must carry. */
  token: string;
  logger: ILogger;
  /** Everything the routes work with, built by the composition root (services.ts). */
  services: IServices;
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
  const { services } = options;
  app.use(healthRoutes());
  app.use(remotesRoutes(services.remotes));
  app.use(manageRoutes(services.manager, services.backends));
  app.use(bucketsRoutes(services.resolver));
  app.use(objectsRoutes(services.resolver));
  app.use(objectRoutes(services.resolver));
  app.use(presignRoutes(services.resolver));
  app.use(transfersRoutes(services.transfers, services.remotes.env));
  app.use(uploadsRoutes(services.uploads));
  app.use(zarrRoutes(services.resolver, services.remotes));
  app.use(notFound);
  app.use(errorHandler(options.logger));
  return app;
}
