// GET /api/v1/remotes/{remote}/buckets: the buckets a remote can see.
import { Router } from 'express';
import { API_PREFIX, type IBucketList } from '@jupyter-buckets/core';
import type { Resolver } from '../../locations/resolver.js';

export function bucketsRoutes(resolver: Resolver): Router {
  const router = Router();
  router.get(`${API_PREFIX}/remotes/:remote/buckets`, async (req, res) => {
    const backend = resolver.backend(req.params.remote);
    const body: IBucketList = { buckets: await backend.listBuckets() };
    res.json(body);
  });
  return router;
}
