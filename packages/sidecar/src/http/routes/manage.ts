// Managing remotes: GET/PUT/DELETE /api/v1/remotes/{name}, POST /api/v1/remotes,
// POST /api/v1/remotes/{name}/sync and POST /api/v1/remote-tests. The work is
// in remotes/manager.ts (the CLI calls the same code).
import { Router } from 'express';
import { API_PREFIX, remoteRoutes, routes } from '@jupyter-buckets/core';
import type { BackendFactory } from '../../backends/index.js';
import type { RemoteManager } from '../../remotes/manager.js';

export function manageRoutes(
  manager: RemoteManager,
  backends: BackendFactory
): Router {
  const router = Router();
  const one = `${API_PREFIX}/remotes/:name`;
  router.post(routes.remotes(), (req, res) => {
    res.status(201).json(manager.create(req.body));
  });
  router.get(one, (req, res) => {
    res.json(manager.detail(req.params.name as string));
  });
  router.put(one, (req, res) => {
    res.json(manager.update(req.params.name as string, req.body));
  });
  router.delete(one, (req, res) => {
    manager.remove(req.params.name as string);
    res.status(204).end();
  });
  router.post(`${one}/sync`, (req, res) => {
    res.json(manager.sync(req.params.name as string, req.body));
  });
  router.post(remoteRoutes.tests(), async (req, res) => {
    res.json(await manager.test(req.body, backends));
  });
  return router;
}
