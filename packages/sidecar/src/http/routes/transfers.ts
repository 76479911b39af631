// Transfers as jobs: POST /api/v1/transfers (201 job, or 200 plan for a dry
// run), GET list and one, GET .../events (Server-Sent Events), DELETE
// (cancel), POST .../retry. The engine is transfers/; this is only HTTP.
import { Router } from 'express';
import { createSession } from 'better-sse';
import {
  API_PREFIX,
  TRANSFER_ROUTES,
  type IEngines,
  type ITransferList,
  type ITransferRequest,
  type TransferEventName
} from '@jupyter-buckets/core';
import type { JobManager } from '../../transfers/jobs.js';
import { daskEngine } from '../../cluster/engines.js';

export function transfersRoutes(
  jobs: JobManager,
  env: NodeJS.ProcessEnv = process.env
): Router {
  const router = Router();
  const base = `${API_PREFIX}/transfers`;
  // Whether a job may run on a Dask cluster (the dialogs ask before offering it).
  router.get(TRANSFER_ROUTES.engines(), async (_req, res) => {
    const rate = jobs.measuredRate();
    const engines: IEngines = {
      sidecar: rate ? { rate } : {},
      dask: await daskEngine(env)
    };
    res.json(engines);
  });
  router.post(base, async (req, res) => {
    const request = (req.body ?? {}) as ITransferRequest;
    if (request.options?.dryRun) {
      res.status(200).json(await jobs.plan(request));
      return;
    }
    res.status(201).json(await jobs.create(request));
  });
  // Jobs are listed once the journals are read (the server answers the rest meanwhile).
  router.get(base, async (_req, res) => {
    await jobs.whenLoaded();
    const list: ITransferList = { jobs: jobs.list() };
    res.json(list);
  });
  router.get(`${base}/:id`, async (req, res) => {
    await jobs.whenLoaded();
    res.json(jobs.get(req.params.id));
  });
  router.delete(`${base}/:id`, async (req, res) => {
    res.json(await jobs.cancel(req.params.id));
  });
  router.post(`${base}/:id/retry`, async (req, res) => {
    await jobs.whenLoaded();
    res.json(jobs.retry(req.params.id));
  });
  // better-sse: a maintained SSE library that writes the headers, keeps the
  // connection alive and serializes events (rather than hand-written frames).
  router.get(`${base}/:id/events`, async (req, res) => {
    // A job being resumed after a restart can be followed once it runs again.
    await jobs.whenResumed();
    const job = jobs.get(req.params.id); // 404 before any stream starts
    const session = await createSession(req, res, { keepAlive: 15_000 });
    const ended = job.state !== 'running' && job.state !== 'queued';
    session.push(job, ended ? 'end' : 'progress');
    if (ended) {
      res.end();
      return;
    }
    const unsubscribe = jobs.subscribe(
      req.params.id,
      (name: TransferEventName, data: unknown) => {
        if (!session.isConnected) {
          return;
        }
        session.push(data, name);
        if (name === 'end') {
          unsubscribe();
          res.end();
        }
      }
    );
    session.once('disconnected', unsubscribe);
    // It may have ended between the first look and the subscription.
    const now = jobs.get(req.params.id);
    if (now.state !== 'running' && now.state !== 'queued') {
      unsubscribe();
      session.push(now, 'end');
      res.end();
    }
  });
  return router;
}
