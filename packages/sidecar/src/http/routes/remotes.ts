// GET /api/v1/remotes: every remote found in the user's files, without secrets,
// plus the problems found reading them.
import { Router } from 'express';
import { routes } from '@jupyter-buckets/core';
import { publicRemoteList, type IRemoteStore } from '../../remotes/discover.js';

export function remotesRoutes(store: IRemoteStore): Router {
  const router = Router();
  router.get(routes.remotes(), (_req, res) => {
    res.json(publicRemoteList(store.discover()));
  });
  return router;
}
