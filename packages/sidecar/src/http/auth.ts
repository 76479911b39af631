// Every request must carry the per-launch secret that jupyter-server-proxy
// injects; without it nothing is done, not even GET /.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import {
  REQUEST_HEADER,
  TOKEN_HEADER,
  UPLOAD_PART_PATH
} from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function requireToken(token: string): RequestHandler {
  if (!token) {
    throw new Error('The sidecar needs a non-empty secret');
  }
  // Compare digests so neither content nor length leaks through timing.
  const expected = digest(token);
  return (req, _res, next) => {
    const given = req.get(TOKEN_HEADER);
    if (given !== undefined && timingSafeEqual(digest(given), expected)) {
      next();
      return;
    }
    next(
      new ApiError(
        'forbidden',
        'This request did not come through Jupyter.',
        'Open jupyter-buckets through JupyterLab (the proxy adds the secret).'
      )
    );
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * PUT .../content and PUT .../uploads/{id}/files/{i}/parts/{n}: the body is
 * the object's bytes, whatever its type (never parsed as JSON).
 */
export function isRawUpload(req: Request): boolean {
  return (
    req.method === 'PUT' &&
    (req.path.endsWith('/content') || UPLOAD_PART_PATH.test(req.path))
  );
}

/**
 * State-changing requests must be JSON: a cross-site HTML form cannot send
 * that content type, and jupyter-server-proxy does not check XSRF for us.
 */
export const requireJsonForChanges: RequestHandler = (req, _res, next) => {
  // req.is() is null for a request without a body (a DELETE): read the header.
  const type = (req.get('content-type') ?? '').split(';')[0].trim();
  if (
    SAFE_METHODS.has(req.method) ||
    type.toLowerCase() === 'application/json'
  ) {
    next();
    return;
  }
  // Uploads (PUT .../content) carry raw bytes, not JSON, and DELETE .../object
  // has no body. They must carry a custom header instead: a cross-site form
  // cannot set one (nor send PUT or DELETE), and a cross-origin fetch that
  // sets one needs a CORS preflight, which we never answer.
  if (
    (isRawUpload(req) || req.method === 'DELETE') &&
    req.get(REQUEST_HEADER) === '1'
  ) {
    next();
    return;
  }
  next(
    new ApiError(
      'unsupported_media_type',
      `${req.method} requests must have Content-Type: application/json.`,
      'Send the request body as JSON.'
    )
  );
};
