// Uploads from the user's computer into a bucket. The browser holds the
// bytes; the sidecar holds the job: it checks the destination (rules,
// conflicts), opens a multipart upload (S3) or a resumable session (GCS) per
// file, takes the parts as raw binary bodies (never base64 JSON), several at
// once, and completes each file only when every part is stored, so nothing
// partial is ever visible at the destination. The job is a transfer job
// (op 'upload'): the Transfers panel shows it, and cancelling it aborts what
// was sent.
import { API_PREFIX } from './api.js';
import type { ConflictChoice, ITransferJob } from './transfers.js';

/** One file the user picked (or dropped), as the browser sees it. */
export interface IUploadFile {
  /**
   * Relative to the destination folder, '/'-separated: the file's name, or
   * for a picked folder 'folder/sub/name'. No '.', '..' or empty segment.
   */
  path: string;
  size: number;
  /** File.lastModified (ms since the epoch): with path and size, how a picked file is known again to resume. */
  lastModified: number;
  /** File.type, the media type the computer gives it: stored as the object's Content-Type when well formed. */
  type?: string;
}

/** POST /api/v1/uploads. */
export interface IUploadRequest {
  /** The destination folder: 'remote:bucket/prefix' ('remote:bucket' for the bucket root). */
  dst: string;
  files: IUploadFile[];
  /** What the Transfers panel calls the source: the name of the file or folder picked. */
  name?: string;
  /**
   * For destination objects that exist already, as for transfers: without
   * a choice the request is refused with 409 destination_exists, listing
   * them, before anything is sent.
   */
  onConflict?: ConflictChoice;
  /** Per-file choices by path; they win over onConflict. */
  conflicts?: Record<string, ConflictChoice>;
  /**
   * Continue this upload job (its id, kept by the browser): its files must
   * be the same (path, size, lastModified) and its destination too. Without
   * it, a running upload of the same files to the same folder is found all
   * the same.
   */
  resume?: string;
}

export type UploadFileState = 'sending' | 'done' | 'skipped' | 'failed';

/** One file of an upload job and what the store has of it. */
export interface IUploadFileStatus extends IUploadFile {
  /** Where it goes in the bucket (a kept-both copy has its new name). */
  key: string;
  /** Every part but the last is exactly this long. */
  partSize: number;
  /** Parts of the file (1 for a small or empty one). */
  parts: number;
  /** Part numbers (from 1) the store holds already: the browser sends the others. */
  stored: number[];
  state: UploadFileState;
  /**
   * The browser may send the parts to the store itself (when the bucket's
   * CORS lets it): each to its own URL, in any order ('parts', S3), or in
   * order to one session URL with Content-Range ('session', GCS). Absent:
   * through the sidecar only.
   */
  direct?: 'parts' | 'session';
}

/** POST .../files/{i}/urls {parts}: where each part goes, straight to the store. */
export interface IDirectUrls {
  /** In the order of the parts asked. */
  urls: string[];
  /** When they stop working (ISO 8601). */
  expires: string;
}

/** The answer to POST /uploads and GET /uploads/{id}. */
export interface IUploadSession {
  job: ITransferJob;
  files: IUploadFileStatus[];
  /** Parts the browser should send at once. */
  parallel: number;
  /** POST continued an upload: its stored parts are not sent again. */
  resumed?: boolean;
}

/** Files in one upload request, at most (a bigger folder: several uploads, or the CLI). */
export const MAX_UPLOAD_FILES = 10000;

export const UPLOAD_ROUTES = {
  uploads: () => `${API_PREFIX}/uploads`,
  upload: (id: string) => `${API_PREFIX}/uploads/${encodeURIComponent(id)}`,
  /** PUT the part's raw bytes (Content-Length exactly the part's length). */
  part: (id: string, file: number, part: number) =>
    `${API_PREFIX}/uploads/${encodeURIComponent(id)}/files/${file}/parts/${part}`,
  /** POST {parts: [n, ...]}: URLs to send those parts to the store directly. */
  urls: (id: string, file: number) =>
    `${API_PREFIX}/uploads/${encodeURIComponent(id)}/files/${file}/urls`,
  /** POST: part `part` was stored by the browser itself (counted; checked at completion). */
  sent: (id: string, file: number, part: number) =>
    `${API_PREFIX}/uploads/${encodeURIComponent(id)}/files/${file}/parts/${part}/sent`,
  /** POST once every part is stored: the object appears, whole. */
  complete: (id: string, file: number) =>
    `${API_PREFIX}/uploads/${encodeURIComponent(id)}/files/${file}/complete`
};

/** Part paths, as the sidecar's raw-body check recognises them. */
export const UPLOAD_PART_PATH =
  /^\/api\/v1\/uploads\/[^/]+\/files\/\d+\/parts\/\d+$/;
