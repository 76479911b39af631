// Uploads from the user's computer into a bucket. The sidecar opens the job
// (after asking about files that exist, as every transfer does) and says
// which parts it needs; this page sends them (sender.ts) and the Transfers
// panel shows the job's progress from the sidecar like any other. Each
// upload is remembered in this browser (IndexedDB) until it ends, so that
// after a reload or a closed lid, picking the same files continues it from
// the parts the store already has.
import {
  UPLOAD_ROUTES,
  type IDirectUrls,
  type ITransferRequest,
  type IUploadFile,
  type IUploadRequest,
  type IUploadSession
} from '@jupyter-buckets/core';
import { Notification } from '@jupyterlab/apputils';
import type { CommandRegistry } from '@lumino/commands';
import { createStore, del, get, set, values, type UseStore } from 'idb-keyval';

import { BucketsError, requestAPI, requestRaw } from '../api';
import { CommandIDs, type ITransfersModel } from '../tokens';
import { showActionError } from '../widgets/errors';
import { askConflicts } from '../transfers/ConflictDialog';
import { startResolvingConflicts } from '../transfers/conflicts';
import { readJSON, writeJSON } from '../transfers/storage';
import type { IPickedFile } from './pick';
import { sendParts } from './sender';

/** What this browser keeps of an upload until it ends. */
export interface IRememberedUpload {
  id: string;
  dst: string;
  name: string;
  /** Picked as a folder (continuing it opens the folder picker). */
  folder: boolean;
  files: IUploadFile[];
  created: string;
}

/**
 * Remotes whose store refused this browser a direct part (its CORS rules, a
 * store the browser cannot reach): their uploads go through the sidecar for
 * a day, then the direct path is tried again (the bucket may have changed).
 */
const DIRECT_REFUSED_KEY = 'jupyter-buckets:direct-uploads-refused';
const DIRECT_RETRY_MS = 24 * 3600 * 1000;

function directAllowed(remote: string): boolean {
  const refused = readJSON<Record<string, number>>(DIRECT_REFUSED_KEY, {});
  const at = refused[remote];
  return at === undefined || Date.now() - at > DIRECT_RETRY_MS;
}

function refuseDirect(remote: string): void {
  const refused = readJSON<Record<string, number>>(DIRECT_REFUSED_KEY, {});
  writeJSON(DIRECT_REFUSED_KEY, { ...refused, [remote]: Date.now() });
}

export class UploadsModel {
  constructor(
    private readonly transfers: ITransfersModel,
    private readonly commands: CommandRegistry
  ) {
    // idb-keyval: a well-kept 600-byte promise wrapper over IndexedDB
    // (its own database, so nothing of JupyterLab's is touched).
    this._store = createStore('jupyter-buckets-uploads', 'uploads');
    transfers.jobEnded.connect((_, job) => {
      // Cancelled from the Transfers panel: stop sending at once.
      this._senders.get(job.id)?.abort();
      if (job.op === 'upload') {
        void del(job.id, this._store).catch(() => undefined);
      }
    });
  }

  /** The upload this browser remembers, if any. */
  remembered(id: string): Promise<IRememberedUpload | undefined> {
    return get<IRememberedUpload>(id, this._store).catch(() => undefined);
  }

  /**
   * Upload `picked` into the folder `dst` ('remote:bucket/prefix/'). A
   * running upload of the same files there is continued: `resume` names it
   * (the Transfers panel's Continue), else this browser's memory or the
   * sidecar finds it.
   */
  async upload(
    dst: string,
    picked: IPickedFile[],
    options: { name: string; folder: boolean; resume?: string }
  ): Promise<void> {
    if (!picked.length) {
      return;
    }
    const files: IUploadFile[] = picked.map(({ path, file }) => ({
      path,
      size: file.size,
      lastModified: file.lastModified,
      ...(file.type ? { type: file.type } : {})
    }));
    const resume = options.resume ?? (await this._find(dst, files));
    const sessions = new Map<string, IUploadSession>();
    const create = async (
      request: ITransferRequest,
      resumeId: string | undefined
    ) => {
      const body: IUploadRequest = {
        dst,
        files,
        name: options.name,
        ...(request.options?.onConflict
          ? { onConflict: request.options.onConflict }
          : {}),
        ...(request.options?.conflicts
          ? { conflicts: request.options.conflicts }
          : {}),
        ...(resumeId ? { resume: resumeId } : {})
      };
      const session = await requestAPI<IUploadSession>(
        UPLOAD_ROUTES.uploads(),
        { method: 'POST', body: JSON.stringify(body) }
      );
      sessions.set(session.job.id, session);
      return session.job;
    };
    const { started, refusals } = await startResolvingConflicts(
      [{ op: 'upload', src: options.name, dst, options: {} }],
      async request => {
        try {
          return await create(request, resume);
        } catch (error) {
          // A remembered upload that ended meanwhile: start anew (unless
          // the user asked to continue that one).
          if (
            resume &&
            !options.resume &&
            error instanceof BucketsError &&
            error.code === 'upload_ended'
          ) {
            await del(resume, this._store).catch(() => undefined);
            return create(request, undefined);
          }
          throw error;
        }
      },
      askConflicts
    );
    if (refusals.length) {
      await showActionError('The upload could not start', refusals[0]);
    }
    for (const job of started) {
      const session = sessions.get(job.id)!;
      void this._send(session, picked, options);
    }
  }

  private async _send(
    session: IUploadSession,
    picked: IPickedFile[],
    options: { name: string; folder: boolean }
  ): Promise<void> {
    const { job } = session;
    const id = job.id;
    if (this._senders.has(id)) {
      // This page sends it already (the same files dropped twice).
      return;
    }
    this.transfers.adopt(job);
    if (job.state !== 'running') {
      return; // every file skipped
    }
    const controller = new AbortController();
    this._senders.set(id, controller);
    this.transfers.setSending(id, true);
    void this.commands.execute(CommandIDs.showTransfers);
    await set(
      id,
      {
        id,
        dst: job.dst,
        name: options.name,
        folder: options.folder,
        files: session.files.map(({ path, size, lastModified }) => ({
          path,
          size,
          lastModified
        })),
        created: job.created
      } satisfies IRememberedUpload,
      this._store
    ).catch(() => undefined); // private windows may refuse IndexedDB
    const remote = job.dst.slice(0, job.dst.indexOf(':'));
    const byPath = new Map(picked.map(p => [p.path, p.file]));
    const bodies = session.files.map(
      file => byPath.get(file.path) ?? new Blob()
    );
    try {
      await sendParts(
        session,
        bodies,
        {
          put: async (file, part, body, signal) => {
            await requestRaw(UPLOAD_ROUTES.part(id, file, part), {
              method: 'PUT',
              body,
              headers: { 'Content-Type': 'application/octet-stream' },
              signal
            });
          },
          complete: async (file, signal) => {
            await requestAPI(UPLOAD_ROUTES.complete(id, file), {
              method: 'POST',
              body: '{}',
              signal
            });
          },
          directUrls: async (file, parts, signal) =>
            (
              await requestAPI<IDirectUrls>(UPLOAD_ROUTES.urls(id, file), {
                method: 'POST',
                body: JSON.stringify({ parts }),
                signal
              })
            ).urls,
          putDirect: async (url, body, signal, headers) => {
            // Straight to the store: no Jupyter cookie or token goes there.
            const answer = await fetch(url, {
              method: 'PUT',
              body,
              headers,
              signal,
              credentials: 'omit',
              mode: 'cors'
            });
            // A session answers 308 to every part but the last (no
            // Location: fetch does not follow it).
            if (answer.status === 308) {
              return undefined;
            }
            if (!answer.ok) {
              throw Object.assign(
                new Error(`The storage service answered ${answer.status}.`),
                { status: answer.status }
              );
            }
            const text = await answer.text();
            try {
              return text ? (JSON.parse(text) as unknown) : undefined;
            } catch {
              return undefined;
            }
          },
          sent: async (file, part, signal, answer) => {
            await requestAPI(UPLOAD_ROUTES.sent(id, file, part), {
              method: 'POST',
              body: JSON.stringify(answer ? { answer } : {}),
              signal
            });
          }
        },
        {
          signal: controller.signal,
          direct: directAllowed(remote),
          onDirectRefused: () => refuseDirect(remote)
        }
      );
    } catch (error) {
      // The job stays open on the sidecar: the same files continue it.
      const message = error instanceof Error ? error.message : String(error);
      Notification.error(
        `The upload of ${options.name} paused: ${message} Pick the same files again to continue, or cancel it in the Transfers panel.`,
        {
          autoClose: false,
          actions: [
            {
              label: 'Continue…',
              callback: () =>
                void this.commands.execute(CommandIDs.continueUpload, { id })
            }
          ]
        }
      );
    } finally {
      this._senders.delete(id);
      this.transfers.setSending(id, false);
    }
  }

  /** A remembered upload of the same files to the same folder. */
  private async _find(
    dst: string,
    files: IUploadFile[]
  ): Promise<string | undefined> {
    const key = (list: IUploadFile[]) =>
      JSON.stringify(
        list
          .map(f => [f.path, f.size, f.lastModified])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0])))
      );
    const wanted = key(files);
    try {
      const all = await values<IRememberedUpload>(this._store);
      return all.find(u => u.dst === dst && key(u.files) === wanted)?.id;
    } catch {
      return undefined;
    }
  }

  private readonly _store: UseStore;
  private readonly _senders = new Map<string, AbortController>();
}
