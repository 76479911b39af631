// Readiness (GET /, what jupyter-server-proxy polls) and GET /api/v1/health.
import { Router } from 'express';
import { routes, type IHealth } from '@jupyter-buckets/core';
import { VERSION } from '../../version.js';

export function healthRoutes(): Router {
  const router = Router();
  const health = (): IHealth => ({ status: 'ok', version: VERSION });
  router.get('/', (_req, res) => {
    res.json(health());
  });
  router.get(routes.health(), (_req, res) => {
    res.json(health());
  });
  return router;
}
