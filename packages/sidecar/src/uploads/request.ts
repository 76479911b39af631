// Checking an upload request before anything is opened: the browser names
// the files and where they go; every path becomes a key, so each is checked
// as the key it will be (no '..', no control characters, no empty segment).
import {
  CONFLICT_CHOICES,
  MAX_UPLOAD_FILES,
  type ConflictChoice,
  type IUploadFile,
  type IUploadRequest
} from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { safeContentType } from '../backends/content-type.js';
import { CONTROL_CHARACTER, LONE_SURROGATE } from '../backends/keys.js';

function invalid(message: string, hint?: string): ApiError {
  return new ApiError('invalid_request', message, hint);
}

/** A path relative to the destination folder, checked segment by segment. */
export function checkUploadPath(path: unknown): string {
  if (typeof path !== 'string' || path === '') {
    throw invalid('Every file needs a path (its name, or folder/name).');
  }
  if (CONTROL_CHARACTER.test(path) || LONE_SURROGATE.test(path)) {
    throw invalid(
      `The file name ${JSON.stringify(path)} has control characters or broken Unicode.`,
      'Rename the file on your computer, then upload it.'
    );
  }
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw invalid(
        `The path ${JSON.stringify(path)} has an empty, '.' or '..' part.`,
        "Give paths like 'name.nc' or 'folder/name.nc', inside the destination folder."
      );
    }
  }
  return path;
}

function checkFile(value: unknown, index: number): IUploadFile {
  const file = value as Partial<IUploadFile> | null;
  if (typeof file !== 'object' || file === null) {
    throw invalid(
      `files[${index}] must be an object { path, size, lastModified }.`
    );
  }
  const path = checkUploadPath(file.path);
  if (!Number.isSafeInteger(file.size) || (file.size as number) < 0) {
    throw invalid(`The size of ${path} must be a whole number of bytes.`);
  }
  if (
    typeof file.lastModified !== 'number' ||
    !Number.isFinite(file.lastModified)
  ) {
    throw invalid(
      `The lastModified of ${path} must be a number (milliseconds since 1970).`
    );
  }
  // A malformed type is dropped (the object is then octet-stream), as for PUT .../content.
  const type = safeContentType(file.type);
  return {
    path,
    size: file.size!,
    lastModified: file.lastModified,
    ...(type ? { type } : {})
  };
}

function checkChoice(value: unknown, what: string): ConflictChoice {
  if (!CONFLICT_CHOICES.includes(value as ConflictChoice)) {
    throw invalid(`${what} must be one of ${CONFLICT_CHOICES.join(', ')}.`);
  }
  return value as ConflictChoice;
}

/** The request as the sidecar uses it; throws invalid_request for the first thing wrong. */
export function checkUploadRequest(body: unknown): IUploadRequest {
  const request = body as Partial<IUploadRequest> | null;
  if (typeof request !== 'object' || request === null || Array.isArray(body)) {
    throw invalid('The request body must be a JSON object.');
  }
  if (typeof request.dst !== 'string' || !request.dst) {
    throw invalid(
      'dst must be the destination folder.',
      "Write 'remote:bucket' or 'remote:bucket/folder'."
    );
  }
  if (!Array.isArray(request.files) || request.files.length === 0) {
    throw invalid('files must list at least one file.');
  }
  if (request.files.length > MAX_UPLOAD_FILES) {
    throw invalid(
      `One upload takes at most ${MAX_UPLOAD_FILES} files; this one has ${request.files.length}.`,
      'Upload the folder in parts, or copy it from a terminal with jupyter-buckets cp.'
    );
  }
  const files = request.files.map(checkFile);
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path)) {
      throw invalid(`${file.path} is listed twice.`);
    }
    seen.add(file.path);
  }
  const checked: IUploadRequest = { dst: request.dst, files };
  if (request.name !== undefined) {
    if (typeof request.name !== 'string') {
      throw invalid('name must be text.');
    }
    checked.name = checkUploadPath(
      request.name.replace(/\/+$/, '') || 'upload'
    );
  }
  if (request.onConflict !== undefined) {
    checked.onConflict = checkChoice(request.onConflict, 'onConflict');
  }
  if (request.conflicts !== undefined) {
    const conflicts = request.conflicts as unknown;
    if (
      typeof conflicts !== 'object' ||
      conflicts === null ||
      Array.isArray(conflicts)
    ) {
      throw invalid('conflicts must map paths to choices.');
    }
    checked.conflicts = {};
    for (const [path, choice] of Object.entries(conflicts)) {
      checked.conflicts[path] = checkChoice(choice, `conflicts[${path}]`);
    }
  }
  if (request.resume !== undefined) {
    if (
      typeof request.resume !== 'string' ||
      !/^[\w-]{1,64}$/.test(request.resume)
    ) {
      throw invalid('resume must be the id of an upload job.');
    }
    checked.resume = request.resume;
  }
  return checked;
}

/** Whether two lists name the same files (the same paths, sizes and dates). */
export function sameFiles(a: IUploadFile[], b: IUploadFile[]): boolean {
  if (a.length !== b.length) {
    return false;
  }
  const byPath = new Map(a.map(file => [file.path, file]));
  return b.every(file => {
    const other = byPath.get(file.path);
    return (
      other !== undefined &&
      other.size === file.size &&
      other.lastModified === file.lastModified
    );
  });
}
