// One object at a time, and deletes and copies of many:
//   GET    .../object?key=K    stat
//   DELETE .../object?key=K    delete (idempotent)
//   GET    .../content?key=K   the bytes, streamed (Range, download=1)
//   PUT    .../content?key=K   write the raw body (streamed into the backend)
//   POST   .../delete          {keys} or {prefix}, with dryRun: a count
//   POST   .../copy            server-side copy (or move) within the remote
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import {
  API_PREFIX,
  baseName,
  CONFLICT_CHOICES,
  type ICopyRequest,
  type IDeleteCount,
  type IDeleteRequest,
  type IDeleteResult,
  type IFolderRequest
} from '@jupyter-buckets/core';
import { ApiError } from '../../api-error.js';
import { contentLength } from './request.js';
import {
  copyObject,
  countPrefix,
  deletePrefix,
  makeFolder,
  statIfAny
} from '../../backends/operations.js';
import type { IBackend, IObjectInfo } from '../../backends/types.js';
import { uploadStream } from '../../backends/upload.js';
import { safeContentType } from '../../backends/content-type.js';
import { setDisposition } from '../headers.js';
import {
  ConflictError,
  conflictSide,
  keepBothKeyAsync
} from '../../transfers/conflicts.js';
import { checkKey, queryKey, rawQueryParam } from './keys.js';
import type { Resolver } from '../../locations/resolver.js';
import { toObjectStat } from '../../listing/stat.js';

const DEFAULT_TYPE = 'application/octet-stream';
const BUCKET_PATH = `${API_PREFIX}/remotes/:remote/buckets/:bucket`;

function objectHeaders(res: Response, info: IObjectInfo): void {
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', info.contentType || DEFAULT_TYPE);
  if (info.etag) {
    res.setHeader('ETag', `"${info.etag}"`);
  }
  if (info.modified) {
    res.setHeader('Last-Modified', info.modified.toUTCString());
  }
}

async function sendContent(
  req: Request,
  res: Response,
  backend: IBackend,
  bucket: string
): Promise<void> {
  const key = queryKey(req, backend);
  const info = await backend.stat(bucket, key);
  setDisposition(
    res,
    baseName(key),
    info.contentType || DEFAULT_TYPE,
    rawQueryParam(req, 'download') === '1'
  );
  objectHeaders(res, info);
  let start = 0;
  let end = info.size - 1;
  const header = req.get('range');
  // An empty object has no byte to range over: it is sent whole (RFC 9110 allows ignoring Range).
  if (header && info.size > 0) {
    const ranges = req.range(info.size);
    if (ranges === -1) {
      res.setHeader('Content-Range', `bytes */${info.size}`);
      throw new ApiError(
        'range_not_satisfiable',
        `The range ${header} is outside the object (${info.size} bytes).`,
        'Ask for bytes below the object size.'
      );
    }
    if (ranges === -2) {
      throw new ApiError(
        'invalid_request',
        `The Range header '${header}' is malformed.`,
        'Use bytes=START-END, bytes=START- or bytes=-SUFFIX.'
      );
    }
    // Several ranges would need multipart/byteranges: send the whole object.
    if (ranges && ranges.type === 'bytes' && ranges.length === 1) {
      start = ranges[0].start;
      end = ranges[0].end;
      res.status(206);
      res.setHeader('Content-Range', `bytes ${start}-${end}/${info.size}`);
    }
  }
  const length = info.size === 0 ? 0 : end - start + 1;
  res.setHeader('Content-Length', String(length));
  if (req.method === 'HEAD' || length === 0) {
    res.end();
    return;
  }
  const partial = start !== 0 || end !== info.size - 1;
  const body = await backend.read(
    bucket,
    key,
    partial ? { start, end } : undefined
  );
  // Headers are out: a failure now can only cut the connection, so the
  // client sees a short body instead of a wrong one.
  await pipeline(body, res).catch(() => {
    res.destroy();
  });
}

function body<T>(req: Request): Partial<T> {
  const value: unknown = req.body;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(
      'invalid_request',
      'The request body must be a JSON object.'
    );
  }
  return value as Partial<T>;
}

function bucketName(backend: IBackend, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new ApiError('invalid_request', 'toBucket must be a bucket name.');
  }
  return value;
}

async function deleteObjects(
  backend: IBackend,
  bucket: string,
  request: Partial<IDeleteRequest>
): Promise<IDeleteResult | IDeleteCount> {
  const { keys, prefix, dryRun } = request;
  if ((keys === undefined) === (prefix === undefined)) {
    throw new ApiError(
      'invalid_request',
      'Give either keys or prefix.',
      'keys: a list of object keys; prefix: a folder ending with "/".'
    );
  }
  if (keys !== undefined) {
    if (!Array.isArray(keys)) {
      throw new ApiError('invalid_request', 'keys must be a list of keys.');
    }
    const checked = keys.map(key => checkKey(backend, key));
    if (dryRun) {
      return { count: checked.length };
    }
    if (!backend.deleteMany) {
      throw new ApiError('invalid_request', 'This remote cannot delete.');
    }
    return backend.deleteMany(bucket, checked);
  }
  const folder = checkKey(backend, prefix, 'prefix');
  if (!folder.endsWith('/')) {
    throw new ApiError(
      'invalid_request',
      `The prefix '${folder}' does not end with '/'.`,
      'Give a folder, e.g. "results/2024/", so that "results/2024-old" is not deleted with it.'
    );
  }
  if (dryRun) {
    return { count: await countPrefix(backend, bucket, folder) };
  }
  return { deleted: await deletePrefix(backend, bucket, folder) };
}

export function objectRoutes(resolver: Resolver): Router {
  const router = Router();
  const backendOf = (req: Request): IBackend =>
    resolver.backend(req.params.remote as string);

  router.get(`${BUCKET_PATH}/object`, async (req, res) => {
    const backend = backendOf(req);
    const bucket = req.params.bucket as string;
    const info = await backend.stat(bucket, queryKey(req, backend));
    res.json(toObjectStat(bucket, info));
  });

  router.delete(`${BUCKET_PATH}/object`, async (req, res) => {
    const backend = backendOf(req);
    await backend.delete(req.params.bucket as string, queryKey(req, backend));
    res.status(204).end();
  });

  router.get(`${BUCKET_PATH}/content`, async (req, res) => {
    await sendContent(req, res, backendOf(req), req.params.bucket as string);
  });

  router.put(`${BUCKET_PATH}/content`, async (req, res) => {
    const backend = backendOf(req);
    const bucket = req.params.bucket as string;
    const key = queryKey(req, backend);
    const type = safeContentType(req.get('content-type'));
    const info = await uploadStream(backend, bucket, key, req, {
      size: contentLength(req),
      contentType:
        type && type !== 'application/x-www-form-urlencoded' ? type : undefined
    });
    res.status(201).json(toObjectStat(bucket, info));
  });

  router.post(`${BUCKET_PATH}/delete`, async (req, res) => {
    const backend = backendOf(req);
    res.json(
      await deleteObjects(
        backend,
        req.params.bucket as string,
        body<IDeleteRequest>(req)
      )
    );
  });

  router.post(`${BUCKET_PATH}/folder`, async (req, res) => {
    const backend = backendOf(req);
    const bucket = req.params.bucket as string;
    const { prefix } = body<IFolderRequest>(req);
    await makeFolder(backend, bucket, checkKey(backend, prefix, 'prefix'));
    res.status(201).json({ prefix });
  });

  router.post(`${BUCKET_PATH}/copy`, async (req, res) => {
    const backend = backendOf(req);
    const bucket = req.params.bucket as string;
    const request = body<ICopyRequest>(req);
    const toBucket =
      request.toBucket === undefined
        ? bucket
        : bucketName(backend, request.toBucket);
    const fromKey = checkKey(backend, request.fromKey, 'fromKey');
    let toKey = checkKey(backend, request.toKey, 'toKey');
    const choice = request.onConflict;
    if (choice !== undefined && !CONFLICT_CHOICES.includes(choice)) {
      throw new ApiError(
        'invalid_request',
        `onConflict must be one of ${CONFLICT_CHOICES.join(', ')}.`
      );
    }
    if (choice !== 'replace') {
      // Found before anything is written, as for transfer jobs.
      const source = await backend.stat(bucket, fromKey);
      const existing = await statIfAny(backend, toBucket, toKey);
      if (existing) {
        if (choice === undefined) {
          throw new ConflictError(
            [
              {
                path: baseName(fromKey),
                dst: `${req.params.remote as string}:${toBucket}/${toKey}`,
                source: conflictSide(source),
                existing: conflictSide(existing)
              }
            ],
            1
          );
        }
        if (choice === 'skip') {
          res.json(toObjectStat(toBucket, existing));
          return;
        }
        toKey = await keepBothKeyAsync(
          toKey,
          async key => (await statIfAny(backend, toBucket, key)) !== undefined
        );
      }
    }
    const info = await copyObject(
      backend,
      bucket,
      fromKey,
      toBucket,
      toKey,
      request.move === true
    );
    res.json(toObjectStat(toBucket, info));
  });
  return router;
}
