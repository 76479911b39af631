// GET .../share?key=K&expires=SECONDS: a presigned read URL for one object
// (a share link), signed by the backend with the remote's own credentials.
import { Router } from 'express';
import {
  API_PREFIX,
  MAX_SHARE_SECONDS,
  type IShareLink
} from '@jupyter-buckets/core';
import { ApiError } from '../../api-error.js';
import { queryKey, rawQueryParam } from './keys.js';
import type { Resolver } from '../../locations/resolver.js';

const SHARE_PATH = `${API_PREFIX}/remotes/:remote/buckets/:bucket/share`;

function expiresSeconds(value: string | undefined): number {
  const seconds = Number(value ?? 3600);
  if (
    !Number.isSafeInteger(seconds) ||
    seconds < 1 ||
    seconds > MAX_SHARE_SECONDS
  ) {
    throw new ApiError(
      'invalid_request',
      `expires must be a whole number of seconds from 1 to ${MAX_SHARE_SECONDS} (7 days).`,
      'S3 and GCS signatures are valid for at most 7 days.'
    );
  }
  return seconds;
}

export function presignRoutes(resolver: Resolver): Router {
  const router = Router();
  router.get(SHARE_PATH, async (req, res) => {
    const backend = resolver.backend(req.params.remote as string);
    const bucket = req.params.bucket as string;
    const key = queryKey(req, backend);
    const seconds = expiresSeconds(rawQueryParam(req, 'expires'));
    if (!backend.presign) {
      throw new ApiError(
        'invalid_request',
        'This remote cannot make share links.',
        'Share links exist for S3 and GCS objects, not for the Jupyter disk.'
      );
    }
    // The object must exist: a link to nothing helps nobody.
    await backend.stat(bucket, key);
    const url = await backend.presign(bucket, key, seconds);
    const link: IShareLink = {
      url,
      expires: new Date(Date.now() + seconds * 1000).toISOString()
    };
    res.json(link);
  });
  return router;
}
