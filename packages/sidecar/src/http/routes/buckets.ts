// GET /api/v1/remotes/{remote}/buckets: the buckets a remote can see.
import { Router } from 'express';
import { API_PREFIX, type IBucketList } from '@jupyter-buckets/core';
import type { BackendFactory } from '../../backends/index.js';
import type { IRemoteStore } from '../../remotes/discover.js';
import { resolveBackend } from './resolve.js';

export function bucketsRoutes(
  store: IRemoteStore,
  backends: BackendFactory,
  localRoot?: string
): Router {
  const router = Router();
  router.get(`${API_PREFIX}/remotes/:remote/buckets`, async (req, res) => {
    const backend = resolveBackend(
      store,
      backends,
      req.params.remote,
      localRoot
    );
    const body: IBucketList = { buckets: await backend.listBuckets() };
    res.json(body);
  });
  return router;
}
