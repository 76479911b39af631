// Zarr stores and folders as wholes, and fsspec's view of a remote:
//   POST .../zarr-probe    {prefixes}: which are Zarr stores
//   GET  .../zarr?prefix=  a store's groups and arrays (metadata only)
//   GET  .../size?prefix=  objects and bytes under a prefix, as Server-Sent
//                          Events while counting; closing the stream stops it
//   GET  /remotes/{remote}/fsspec   how fsspec opens the remote (no secret)
import { Router, type Request } from 'express';
import { createSession } from 'better-sse';
import {
  API_PREFIX,
  MAX_ZARR_PROBE,
  type IFolderSize,
  type IZarrProbeResult
} from '@jupyter-buckets/core';
import { ApiError } from '../../api-error.js';
import { walkKeys } from '../../backends/operations.js';
import type { Resolver } from '../../locations/resolver.js';
import type { IRemoteStore } from '../../remotes/discover.js';
import { remoteNamed } from '../../remotes/named.js';
import { fsspecOptions } from '../../remotes/fsspec.js';
import { probeStores } from '../../zarr/detect.js';
import { readStore } from '../../zarr/metadata.js';
import { checkKey, rawQueryParam } from './keys.js';

const BUCKET_PATH = `${API_PREFIX}/remotes/:remote/buckets/:bucket`;
/** Progress events of a size count: at most this often. */
const SIZE_EVENT_MS = 250;

function prefixOf(value: unknown, what: string): string {
  if (typeof value !== 'string' || !value.endsWith('/')) {
    throw new ApiError(
      'invalid_request',
      `${what} must be a folder: a prefix ending with '/'.`
    );
  }
  return value;
}

function probeRequest(req: Request): string[] {
  const prefixes = (req.body as { prefixes?: unknown } | undefined)?.prefixes;
  if (
    !Array.isArray(prefixes) ||
    prefixes.length > MAX_ZARR_PROBE ||
    !prefixes.every(p => typeof p === 'string' && p.endsWith('/'))
  ) {
    throw new ApiError(
      'invalid_request',
      `prefixes must be a list of at most ${MAX_ZARR_PROBE} folders, each ending with '/'.`
    );
  }
  return prefixes as string[];
}

export function zarrRoutes(resolver: Resolver, remotes: IRemoteStore): Router {
  const router = Router();

  router.post(`${BUCKET_PATH}/zarr-probe`, async (req, res) => {
    const backend = resolver.backend(req.params.remote as string);
    const prefixes = probeRequest(req).map(p => checkKey(backend, p, 'prefix'));
    const result: IZarrProbeResult = {
      stores: await probeStores(backend, req.params.bucket as string, prefixes)
    };
    res.json(result);
  });

  router.get(`${BUCKET_PATH}/zarr`, async (req, res) => {
    const backend = resolver.backend(req.params.remote as string);
    const prefix = checkKey(
      backend,
      prefixOf(rawQueryParam(req, 'prefix'), 'prefix'),
      'prefix'
    );
    res.json(await readStore(backend, req.params.bucket as string, prefix));
  });

  router.get(`${BUCKET_PATH}/size`, async (req, res) => {
    const backend = resolver.backend(req.params.remote as string);
    const raw = rawQueryParam(req, 'prefix') ?? '';
    // '' is the whole bucket; anything else is a folder.
    const prefix = raw === '' ? '' : checkKey(backend, prefixOf(raw, 'prefix'));
    const bucket = req.params.bucket as string;
    // The first page is asked for before the stream opens, so that a missing
    // bucket or a refused listing is an HTTP error, not an event.
    const pages = walkKeys(backend, bucket, prefix);
    const first = await pages.next();
    const session = await createSession(req, res, { keepAlive: 15_000 });
    const size: IFolderSize = { objects: 0, bytes: 0, complete: false };
    const add = (objects: { size: number }[]): void => {
      size.objects += objects.length;
      for (const object of objects) {
        size.bytes += object.size;
      }
    };
    if (!first.done) {
      add(first.value);
    }
    let shown = 0;
    try {
      if (!first.done) {
        for await (const page of pages) {
          if (!session.isConnected) {
            return; // the user stopped it: listing ends here
          }
          add(page);
          if (Date.now() - shown >= SIZE_EVENT_MS) {
            session.push({ ...size }, 'progress');
            shown = Date.now();
          }
        }
      }
      size.complete = true;
      session.push(size, 'end');
    } catch (error) {
      const body =
        error instanceof ApiError
          ? error.toBody()
          : { error: { code: 'internal', message: String(error) } };
      session.push(body, 'error');
    }
    res.end();
  });

  router.get(`${API_PREFIX}/remotes/:remote/fsspec`, (req, res) => {
    const remote = remoteNamed(remotes, req.params.remote);
    // Never with secrets: this answer becomes code users paste and share.
    res.json(fsspecOptions(remote));
  });
  return router;
}
