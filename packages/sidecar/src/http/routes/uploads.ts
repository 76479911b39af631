// Uploads from the user's computer (uploads/): POST /api/v1/uploads starts
// one (or finds the running one of the same files), GET .../uploads/{id}
// says which parts the store holds, PUT .../files/{i}/parts/{n} takes a
// part's raw bytes, POST .../files/{i}/complete makes the object appear.
// Cancel is the job's: DELETE /api/v1/transfers/{id}.
import { Router } from 'express';
import { API_PREFIX, type IUploadSession } from '@jupyter-buckets/core';
import type { UploadManager } from '../../uploads/manager.js';
import { contentLength } from './request.js';

function index(value: string | undefined): number {
  return /^\d{1,9}$/.test(value ?? '') ? Number(value) : -1;
}

export function uploadsRoutes(uploads: UploadManager): Router {
  const router = Router();
  const base = `${API_PREFIX}/uploads`;
  router.post(base, async (req, res) => {
    const session: IUploadSession = await uploads.create(req.body);
    res.status(session.resumed ? 200 : 201).json(session);
  });
  router.get(`${base}/:id`, (req, res) => {
    res.json(uploads.status(req.params.id));
  });
  router.put(`${base}/:id/files/:file/parts/:part`, async (req, res) => {
    res.json(
      await uploads.part(
        req.params.id,
        index(req.params.file),
        index(req.params.part),
        req,
        contentLength(req)
      )
    );
  });
  router.post(`${base}/:id/files/:file/urls`, async (req, res) => {
    res.json(
      await uploads.directUrls(req.params.id, index(req.params.file), req.body)
    );
  });
  router.post(`${base}/:id/files/:file/parts/:part/sent`, async (req, res) => {
    res.json(
      await uploads.partSent(
        req.params.id,
        index(req.params.file),
        index(req.params.part),
        req.body
      )
    );
  });
  router.post(`${base}/:id/files/:file/complete`, async (req, res) => {
    res.json(await uploads.complete(req.params.id, index(req.params.file)));
  });
  return router;
}
