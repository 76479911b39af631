// Checking a transfer request before anything is planned: what the HTTP
// body or the CLI gave must be a request this engine understands.
import {
  CONFLICT_CHOICES,
  TRANSFER_ENGINES,
  TRANSFER_OPS,
  type ConflictChoice,
  type TransferEngine,
  type ITransferRequest,
  type TransferOp
} from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { CONTROL_CHARACTER } from '../backends/keys.js';

export const MAX_TRANSFERS = 256;

/**
 * Throws an invalid_request error for the first thing wrong with `request`.
 * A delete's missing `dst` becomes '' (it has none).
 */
export function checkRequest(request: ITransferRequest): void {
  const body = request as unknown as Record<string, unknown>;
  if (!TRANSFER_OPS.includes(body?.op as TransferOp)) {
    throw new ApiError(
      'invalid_request',
      "op must be 'copy', 'move', 'sync' or 'delete'."
    );
  }
  if (body.op === 'delete') {
    body.dst ??= '';
    if (body.dst !== '') {
      throw new ApiError(
        'invalid_request',
        'A delete has no destination.',
        'Give only src: the object or folder to delete.'
      );
    }
  } else if (typeof body.dst !== 'string' || !body.dst) {
    throw new ApiError(
      'invalid_request',
      'src and dst must be location strings.',
      "Write 'remote:bucket/path' or a path relative to the Jupyter root."
    );
  }
  if (typeof body.src !== 'string' || !body.src) {
    throw new ApiError(
      'invalid_request',
      body.op === 'delete'
        ? 'src must be a location string.'
        : 'src and dst must be location strings.',
      "Write 'remote:bucket/path' or a path relative to the Jupyter root."
    );
  }
  const options = (body.options ?? {}) as Record<string, unknown>;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ApiError('invalid_request', 'options must be an object.');
  }
  checkOptions(options);
  checkEngine(body.op as TransferOp, options);
  if (options.delete && body.op !== 'sync') {
    throw new ApiError('invalid_request', 'options.delete is for sync only.');
  }
  if (
    body.op === 'delete' &&
    (options.checksum !== undefined ||
      options.onConflict !== undefined ||
      options.conflicts !== undefined)
  ) {
    throw new ApiError(
      'invalid_request',
      'A delete takes only include, exclude, transfers and dryRun.',
      'checksum and conflict choices are for copies.'
    );
  }
}

function checkEngine(op: TransferOp, options: Record<string, unknown>): void {
  if (
    options.via !== undefined &&
    !TRANSFER_ENGINES.includes(options.via as TransferEngine)
  ) {
    throw new ApiError(
      'invalid_request',
      `options.via must be one of ${TRANSFER_ENGINES.join(', ')}.`
    );
  }
  if ((options.via === 'dask' || options.via === 'cloud') && op === 'delete') {
    throw new ApiError(
      'invalid_request',
      'A delete runs here, not on a Dask cluster or as a cloud transfer.',
      'Leave options.via out.'
    );
  }
  const scheduler = options.scheduler;
  if (scheduler === undefined) {
    return;
  }
  if (
    options.via !== 'dask' ||
    typeof scheduler !== 'string' ||
    !/^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i.test(scheduler) ||
    CONTROL_CHARACTER.test(scheduler)
  ) {
    throw new ApiError(
      'invalid_request',
      'options.scheduler must be the address of a Dask scheduler (tcp://host:port), with via: "dask".'
    );
  }
}

function checkOptions(options: Record<string, unknown>): void {
  for (const name of ['include', 'exclude']) {
    const value = options[name];
    if (
      value !== undefined &&
      !(Array.isArray(value) && value.every(v => typeof v === 'string'))
    ) {
      throw new ApiError(
        'invalid_request',
        `options.${name} must be a list of globs.`
      );
    }
  }
  for (const name of ['checksum', 'delete', 'dryRun']) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') {
      throw new ApiError(
        'invalid_request',
        `options.${name} must be true or false.`
      );
    }
  }
  const transfers = options.transfers;
  if (
    transfers !== undefined &&
    !(
      Number.isInteger(transfers) &&
      (transfers as number) >= 1 &&
      (transfers as number) <= MAX_TRANSFERS
    )
  ) {
    throw new ApiError(
      'invalid_request',
      `options.transfers must be a whole number from 1 to ${MAX_TRANSFERS}.`
    );
  }
  checkConflictOptions(options);
}

function checkConflictOptions(options: Record<string, unknown>): void {
  if (
    options.onConflict !== undefined &&
    !CONFLICT_CHOICES.includes(options.onConflict as ConflictChoice)
  ) {
    throw new ApiError(
      'invalid_request',
      `options.onConflict must be one of ${CONFLICT_CHOICES.join(', ')}.`
    );
  }
  const conflicts = options.conflicts;
  if (
    conflicts !== undefined &&
    (typeof conflicts !== 'object' ||
      conflicts === null ||
      Array.isArray(conflicts) ||
      !Object.values(conflicts).every(choice =>
        CONFLICT_CHOICES.includes(choice as ConflictChoice)
      ))
  ) {
    throw new ApiError(
      'invalid_request',
      `options.conflicts must map paths to one of ${CONFLICT_CHOICES.join(', ')}.`
    );
  }
}
