// GET /api/v1/remotes/{remote}/buckets: the buckets a remote can see.
import { Router } from 'express';
import { API_PREFIX, type IBucketList } from '@jupyter-buckets/core';
import type { BackendFactory } from '../../backends/index.js';
import type { IRemoteStore } from '../../remotes/discover.js';
import { requireRemote } from './context.js';

export function bucketsRoutes(
  store: IRemoteStore,
  backends: BackendFactory
): Router {
  const router = Router();
  router.get(`${API_PREFIX}/remotes/:remote/buckets`, async (req, res) => {
    const remote = requireRemote(store, req.params.remote);
    const body: IBucketList = { buckets: await backends(remote).listBuckets() };
    res.json(body);
  });
  return router;
}
