// GET /api/v1/remotes: every remote found in the user's files, without secrets,
// plus the problems found reading them.
// POST /api/v1/remotes/{name}/take-home: what to paste on the user's own
// computer for the AWS CLI, rclone and fsspec ("Use on my computer").
import { Router } from 'express';
import { API_PREFIX, routes } from '@jupyter-buckets/core';
import { publicRemoteList, type IRemoteStore } from '../../remotes/discover.js';
import { remoteNamed } from '../../remotes/named.js';
import { takeHome } from '../../take-home/index.js';

export function remotesRoutes(store: IRemoteStore): Router {
  const router = Router();
  router.get(routes.remotes(), (_req, res) => {
    res.json(publicRemoteList(store.discover()));
  });
  router.post(`${API_PREFIX}/remotes/:remote/take-home`, async (req, res) => {
    const answer = await takeHome(
      remoteNamed(store, req.params.remote),
      req.body
    );
    // Credentials: never kept by the browser's cache or a proxy's.
    res.set('Cache-Control', 'no-store');
    res.json(answer);
  });
  return router;
}
