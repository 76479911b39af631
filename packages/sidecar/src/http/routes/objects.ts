// GET /api/v1/remotes/{remote}/buckets/{bucket}/objects?prefix=&startsWith=&cursor=&limit=:
// one page of one level of a bucket.
import { Router } from 'express';
import { API_PREFIX } from '@jupyter-buckets/core';
import { listLevel, parseLimit } from '../../listing/level.js';
import { queryText } from './context.js';
import { rawQueryParam } from './keys.js';
import type { Resolver } from '../../locations/resolver.js';

export function objectsRoutes(resolver: Resolver): Router {
  const router = Router();
  router.get(
    `${API_PREFIX}/remotes/:remote/buckets/:bucket/objects`,
    async (req, res) => {
      const limit = parseLimit(queryText(req.query.limit, 'limit'));
      const prefix = queryText(req.query.prefix, 'prefix');
      // Decoded strictly: invalid UTF-8 is refused, not turned into U+FFFD.
      const startsWith = rawQueryParam(req, 'startsWith');
      const cursor = queryText(req.query.cursor, 'cursor');
      const backend = resolver.backend(req.params.remote);
      res.json(
        await listLevel(backend, req.params.bucket, {
          prefix,
          startsWith,
          cursor,
          limit
        })
      );
    }
  );
  return router;
}
