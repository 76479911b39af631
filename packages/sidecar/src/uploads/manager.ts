// Upload jobs: files from the user's computer, sent by the browser part by
// part, several at once, as raw bodies. The sidecar decides everything the
// browser must not (where each file goes, what may be replaced, the part
// size), writes each part into the store as it arrives, and completes a
// file only when the store holds every part of it. The job is one of the
// JobManager's: listed, followed and cancelled like a copy. The browser
// owns the bytes, so a page reload pauses the job rather than ending it:
// picking the same files again continues it from the parts already stored.
import {
  type IDirectUrls,
  type IObjectStat,
  type IUploadFile,
  type IUploadRequest,
  type IUploadSession,
  type ITransferJob
} from '@jupyter-buckets/core';
import pLimit from 'p-limit';
import type { Readable } from 'node:stream';
import { ApiError } from '../api-error.js';
import { statIfAny } from '../backends/operations.js';
import { folderPrefix } from '../locations/folders.js';
import { choosePartSize } from '../backends/parts.js';
import type { IDirectAnswer, IObjectInfo } from '../backends/types.js';
import { checkKey } from '../backends/keys.js';
import type { IEndpoint } from '../locations/resolver.js';
import {
  keepBothKeyAsync,
  requireChoices,
  choiceFor,
  type IConflict
} from '../transfers/conflicts.js';
import { checkPolicies } from '../transfers/guard.js';
import { emit, type IJob } from '../transfers/job.js';
import type { JobManager } from '../transfers/jobs.js';
import type { IFileTask } from '../transfers/plan.js';
import { ProgressTicker } from '../transfers/progress.js';
import { SUSPEND } from '../transfers/retry.js';
import { toObjectStat } from '../listing/stat.js';
import { UploadFile } from './file.js';
import { checkUploadRequest, sameFiles } from './request.js';
import { readPart } from './body.js';

const MiB = 1024 * 1024;
/**
 * Parts through the proxy: big enough that a request's overhead (the
 * proxy reads each body whole before passing it on) is small beside its
 * bytes, small enough that a few in flight stay well under Tornado's body
 * limit and the sidecar's memory budget.
 */
export const UPLOAD_PART_SIZE = 16 * MiB;
/**
 * Parts a browser sends at once: HTTP/1.1 gives it six connections to the
 * Jupyter server, and JupyterLab (event streams, kernels, saves) needs the
 * other two.
 */
export const UPLOAD_PARALLEL = 4;
/** Presigned part URLs asked at once, at most. */
const MAX_URLS = 100;
/** How long a part URL works: long enough for a slow link, short enough to be worthless soon after. */
const URL_SECONDS = 3600;
/** Destinations asked one by one (HEAD) up to this many files; more: the folder is listed. */
const STAT_LIMIT = 32;

interface IUpload {
  job: IJob;
  dst: IEndpoint;
  files: UploadFile[];
  ticker: ProgressTicker;
  end: () => void;
}

export interface IUploadManagerOptions {
  /** A location string to an endpoint (confined to the Jupyter root for the disk). */
  resolve: (location: string) => IEndpoint;
  jobs: JobManager;
  partSize?: number;
  parallel?: number;
}

export class UploadManager {
  private readonly uploads = new Map<string, IUpload>();
  private readonly partSize: number;
  private readonly parallel: number;

  constructor(private readonly options: IUploadManagerOptions) {
    this.partSize = options.partSize ?? UPLOAD_PART_SIZE;
    this.parallel = options.parallel ?? UPLOAD_PARALLEL;
  }

  /** A new upload job, or the running one of the same files to the same folder. */
  async create(body: unknown): Promise<IUploadSession> {
    const request = checkUploadRequest(body);
    const dst = this.options.resolve(request.dst);
    checkPolicies('upload', dst, dst);
    const same = this.findSame(request);
    if (same) {
      // The store's word on parts the browser sent itself (a reload may
      // have cut some off after they were counted).
      for (const file of same.files) {
        same.job.record.progress.bytes += await file.refresh();
      }
      return { ...this.session(same), resumed: true };
    }
    const limits = dst.backend.capabilities.multipartWrite;
    if (!limits) {
      throw new ApiError(
        'invalid_request',
        `${request.dst} cannot be written to in parts.`
      );
    }
    const prefix = folderPrefix(dst.path);
    const keys = request.files.map(file =>
      checkKey(dst.backend, `${prefix}${file.path}`)
    );
    const existing = await existingObjects(dst, keys);
    const conflicts: IConflict[] = [];
    request.files.forEach((file, i) => {
      const found = existing.get(keys[i]);
      if (found) {
        conflicts.push({
          path: file.path,
          dstKey: keys[i],
          source: sourceInfo(file),
          existing: found
        });
      }
    });
    const choices = {
      onConflict: request.onConflict,
      conflicts: request.conflicts
    };
    requireChoices(dst, conflicts, choices);
    const skipped = new Set<string>();
    for (const conflict of conflicts) {
      const choice = choiceFor(choices, conflict.path);
      if (choice === 'skip') {
        skipped.add(conflict.path);
      } else if (choice === 'rename') {
        const i = request.files.findIndex(f => f.path === conflict.path);
        keys[i] = await keepBothKeyAsync(keys[i], async key => {
          return (await statIfAny(dst.backend, dst.bucket, key)) !== undefined;
        });
      }
    }
    return this.session(this.start(request, dst, keys, skipped, limits));
  }

  private start(
    request: IUploadRequest,
    dst: IEndpoint,
    keys: string[],
    skipped: Set<string>,
    limits: NonNullable<IEndpoint['backend']['capabilities']['multipartWrite']>
  ): IUpload {
    const tasks: IFileTask[] = request.files
      .map((file, i) => ({
        path: file.path,
        srcKey: file.path,
        dstKey: keys[i],
        size: file.size,
        source: sourceInfo(file)
      }))
      .filter(task => !skipped.has(task.path));
    const name =
      request.name ??
      (request.files.length === 1
        ? request.files[0].path
        : `${request.files.length} files`);
    let end!: () => void;
    const ended = new Promise<void>(resolve => {
      end = resolve;
    });
    const options = {
      ...(request.onConflict ? { onConflict: request.onConflict } : {}),
      ...(request.conflicts ? { conflicts: request.conflicts } : {})
    };
    const job = this.options.jobs.adopt(
      {
        request: { op: 'upload', src: name, dst: request.dst, options },
        src: dst,
        dst,
        plan: {
          op: 'upload',
          files: tasks,
          deletes: [],
          skipped: skipped.size,
          totals: {
            files: tasks.length,
            bytes: tasks.reduce((sum, task) => sum + task.size, 0)
          },
          conflicts: []
        }
      },
      ended
    );
    job.record.state = 'running';
    const prefix = folderPrefix(dst.path);
    const files = request.files.map((file, i) => {
      const partSize = choosePartSize(limits, file.size, this.partSize);
      const upload = new UploadFile(
        dst,
        file,
        keys[i],
        partSize,
        token =>
          job.journal({
            t: 'upload',
            path: keys[i].slice(prefix.length),
            ...(token ? { token, partSize } : {})
          }),
        file.type
      );
      if (skipped.has(file.path)) {
        upload.state = 'skipped';
      }
      return upload;
    });
    const ticker = new ProgressTicker(job.record, () =>
      emit(job, 'progress', structuredClone(job.record))
    );
    const upload: IUpload = { job, dst, files, ticker, end };
    this.uploads.set(job.record.id, upload);
    job.controller.signal.addEventListener('abort', () => {
      void this.stop(upload, job.controller.signal.reason);
    });
    // Skipped files only: nothing to send.
    this.endIfDone(upload);
    return upload;
  }

  /** The running upload of the same files to the same place (a reload, the same files picked again). */
  private findSame(request: IUploadRequest): IUpload | undefined {
    const candidates = request.resume
      ? [this.uploads.get(request.resume)].filter(u => u !== undefined)
      : [...this.uploads.values()];
    const found = candidates.find(
      upload =>
        upload.job.record.state === 'running' &&
        upload.job.record.dst === request.dst &&
        sameFiles(
          upload.files.map(file => file.file),
          request.files
        )
    );
    if (request.resume && !found) {
      throw new ApiError(
        'upload_ended',
        `Upload ${request.resume} is not running (it ended, or the server restarted), or its files are not these.`,
        'Upload the files again without resume.'
      );
    }
    return found;
  }

  private running(id: string): IUpload {
    const upload = this.uploads.get(id);
    if (!upload) {
      throw new ApiError(
        'not_found',
        `No upload ${id}.`,
        'Start an upload with POST /api/v1/uploads.'
      );
    }
    const { state } = upload.job.record;
    if (state !== 'running') {
      throw new ApiError(
        'upload_ended',
        `Upload ${id} is ${state === 'done' ? 'finished' : state}: it takes no more parts.`,
        'Upload the files again to send them anew.'
      );
    }
    return upload;
  }

  private fileOf(upload: IUpload, index: number): UploadFile {
    const file = upload.files[index];
    if (!Number.isSafeInteger(index) || !file) {
      throw new ApiError(
        'invalid_request',
        `The upload has files 0 to ${upload.files.length - 1}; there is no file ${index}.`
      );
    }
    if (file.state === 'skipped') {
      throw new ApiError(
        'invalid_request',
        `${file.file.path} is skipped (it exists at the destination).`
      );
    }
    return file;
  }

  session(upload: IUpload): IUploadSession {
    return {
      job: structuredClone(upload.job.record),
      files: upload.files.map(file => file.status()),
      parallel: this.parallel
    };
  }

  status(id: string): IUploadSession {
    const upload = this.uploads.get(id);
    if (!upload) {
      throw new ApiError('not_found', `No upload ${id}.`);
    }
    return this.session(upload);
  }

  /** Stores one part from the request body, which must be exactly the part's length. */
  async part(
    id: string,
    index: number,
    partNumber: number,
    body: Readable,
    contentLength: number | undefined
  ): Promise<{ stored: number[] }> {
    const upload = this.running(id);
    const file = this.fileOf(upload, index);
    const length = file.partLength(partNumber);
    if (contentLength !== length) {
      throw new ApiError(
        'invalid_request',
        `Part ${partNumber} of ${file.file.path} is ${length} bytes; this request has ${contentLength ?? 'no'} Content-Length.`,
        `Send bytes ${(partNumber - 1) * file.partSize} to ${(partNumber - 1) * file.partSize + length - 1} of the file, with their length.`
      );
    }
    const data = await readPart(body, length);
    // Cancelled while the body came: nothing more goes to the store.
    this.running(id);
    const { progress } = upload.job.record;
    const added = await upload.ticker.during(file.file.path, () =>
      file.writePart(partNumber, data)
    );
    progress.bytes += added;
    progress.streamedBytes += added;
    return { stored: file.status().stored };
  }

  /** URLs for the browser to send parts of a file straight to the store. */
  async directUrls(
    id: string,
    index: number,
    body: unknown
  ): Promise<IDirectUrls> {
    const upload = this.running(id);
    const file = this.fileOf(upload, index);
    const parts = (body as { parts?: unknown } | null)?.parts;
    if (
      !Array.isArray(parts) ||
      parts.length === 0 ||
      parts.length > MAX_URLS ||
      !parts.every(n => Number.isSafeInteger(n))
    ) {
      throw new ApiError(
        'invalid_request',
        `parts must list 1 to ${MAX_URLS} part numbers.`
      );
    }
    const urls = await file.directUrls(parts as number[], URL_SECONDS);
    return {
      urls,
      expires: new Date(Date.now() + URL_SECONDS * 1000).toISOString()
    };
  }

  /** The browser stored a part itself: counted for progress (checked at completion). */
  async partSent(
    id: string,
    index: number,
    partNumber: number,
    body: unknown
  ): Promise<{ stored: number[] }> {
    const upload = this.running(id);
    const file = this.fileOf(upload, index);
    const answer = (body as { answer?: unknown } | null)?.answer;
    const added = await file.partSentDirectly(
      partNumber,
      typeof answer === 'object' && answer !== null
        ? pickAnswer(answer as Record<string, unknown>)
        : undefined
    );
    upload.job.record.progress.bytes += added;
    return { stored: file.status().stored };
  }

  /** Completes one file once every part is stored: it appears at its key, whole. */
  async complete(id: string, index: number): Promise<IObjectStat> {
    const upload = this.running(id);
    const file = this.fileOf(upload, index);
    const wasDone = file.state === 'done';
    const { job } = upload;
    let info: IObjectInfo;
    try {
      // Parts the browser sent itself count only once the store has them.
      job.record.progress.bytes += await file.refresh();
      info = await file.complete();
    } catch (error) {
      if (file.state === 'failed') {
        this.failFile(upload, file, error);
      }
      throw error;
    }
    if (!wasDone) {
      job.done.add(file.file.path);
      job.journal({ t: 'done', path: file.file.path });
      job.record.progress.files += 1;
      emit(job, 'file-done', { path: file.file.path, size: file.file.size });
      this.endIfDone(upload);
    }
    return toObjectStat(upload.dst.bucket, info);
  }

  private failFile(upload: IUpload, file: UploadFile, error: unknown): void {
    const { record } = upload.job;
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof ApiError ? error.code : 'internal';
    record.progress.failed += 1;
    record.errors.push({ path: file.file.path, code, message });
    upload.job.journal({ t: 'failed', path: file.file.path, message });
    emit(upload.job, 'file-failed', record.errors.at(-1));
    this.endIfDone(upload);
  }

  private endIfDone(upload: IUpload): void {
    if (upload.files.every(file => file.state !== 'sending')) {
      this.finish(
        upload,
        upload.job.record.progress.failed ? 'failed' : 'done'
      );
    }
  }

  /** Cancelled (DELETE /transfers/{id}) or the server stops: what was sent is removed. */
  private async stop(upload: IUpload, reason: unknown): Promise<void> {
    if (upload.job.record.state !== 'running') {
      return;
    }
    await Promise.all(upload.files.map(file => file.abort()));
    if (reason === SUSPEND) {
      upload.job.record.error = {
        code: 'upload_ended',
        message:
          'The Jupyter server stopped during this upload; the parts it had stored were removed.',
        hint: 'Upload the files again.'
      };
      this.finish(upload, 'failed');
    } else {
      this.finish(upload, 'cancelled');
    }
  }

  private finish(upload: IUpload, state: ITransferJob['state']): void {
    const { job, ticker } = upload;
    if (job.record.state !== 'running') {
      return;
    }
    ticker.stop();
    job.record.state = state;
    job.record.finished = new Date().toISOString();
    job.journal({ t: 'end', job: structuredClone(job.record) });
    emit(job, 'end', structuredClone(job.record));
    upload.end();
  }
}

/** Of what the browser passes on from the store, only the two fields checked (as text). */
function pickAnswer(answer: Record<string, unknown>): IDirectAnswer {
  const text = (value: unknown) =>
    typeof value === 'string' && value.length <= 64 ? value : undefined;
  const size = text(answer.size);
  const md5Hash = text(answer.md5Hash);
  return { ...(size ? { size } : {}), ...(md5Hash ? { md5Hash } : {}) };
}

function sourceInfo(file: IUploadFile): IObjectInfo {
  return {
    key: file.path,
    size: file.size,
    modified: new Date(file.lastModified)
  };
}

/**
 * The objects at `keys` that exist: a few are asked one by one, a folder's
 * worth is found by listing the folder they share once.
 */
async function existingObjects(
  dst: IEndpoint,
  keys: string[]
): Promise<Map<string, IObjectInfo>> {
  const found = new Map<string, IObjectInfo>();
  if (keys.length <= STAT_LIMIT) {
    const limit = pLimit(16);
    await Promise.all(
      keys.map(key =>
        limit(async () => {
          const info = await statIfAny(dst.backend, dst.bucket, key);
          if (info) {
            found.set(key, info);
          }
        })
      )
    );
    return found;
  }
  const wanted = new Set(keys);
  const prefix = commonFolder(keys);
  let token: string | undefined;
  do {
    const page = await dst.backend.list(dst.bucket, {
      prefix,
      token,
      limit: 1000,
      recursive: true
    });
    for (const object of page.objects) {
      if (wanted.has(object.key)) {
        found.set(object.key, object);
      }
    }
    token = page.nextToken ?? undefined;
  } while (token);
  return found;
}

/** The longest folder ('' or ending with '/') that holds every key. */
export function commonFolder(keys: string[]): string {
  let prefix = keys[0].slice(0, keys[0].lastIndexOf('/') + 1);
  for (const key of keys) {
    while (!key.startsWith(prefix)) {
      prefix = prefix.slice(0, prefix.slice(0, -1).lastIndexOf('/') + 1);
    }
  }
  return prefix;
}
