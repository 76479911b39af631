// `jupyter-buckets ls|stat|cat|rm|du|mkdir LOCATION`: the object operations of
// the API, on the same backends, for terminals and scripts.
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { baseName, fileUnit, type IObjectStat } from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import {
  confirm,
  exitOnApiError,
  LOCATION_HELP,
  type LazyServices
} from './report.js';
import { countPrefix, makeFolder, walkKeys } from '../backends/operations.js';
import type { IBackend, IObjectInfo } from '../backends/types.js';
import { toObjectStat } from '../listing/stat.js';
import type { IServices } from '../services.js';
import { followJob, humanBytes, printErrors } from './transfers.js';
import { zarrVersionOf } from '../zarr/detect.js';

function when(date: Date | undefined): string {
  return date
    ? date.toISOString().slice(0, 19).replace('T', ' ')
    : ''.padEnd(19);
}

function objectLine(info: IObjectInfo, name: string): string {
  return `${String(info.size).padStart(12)}  ${when(info.modified)}  ${name}`;
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function ls(
  services: IServices,
  location: string,
  options: { remote?: string; recursive?: boolean; json?: boolean }
): Promise<void> {
  const target = services.resolver.location(location, {
    remote: options.remote
  });
  if (!target.local && target.bucket === '') {
    for (const bucket of await target.backend.listBuckets()) {
      out(options.json ? JSON.stringify(bucket) : `${bucket.name}/`);
    }
    return;
  }
  let prefix = target.path;
  if (prefix && !prefix.endsWith('/')) {
    // An object named exactly so is listed alone; else it names a folder.
    const single = await target.backend
      .stat(target.bucket, prefix)
      .catch(() => undefined);
    if (single) {
      out(
        options.json
          ? JSON.stringify(toObjectStat(target.bucket, single))
          : objectLine(single, baseName(single.key))
      );
      return;
    }
    prefix += '/';
  }
  let token: string | undefined;
  do {
    const page = await target.backend.list(target.bucket, {
      prefix,
      token,
      limit: 1000,
      recursive: options.recursive
    });
    for (const folder of page.prefixes) {
      const name = folder.slice(prefix.length);
      out(
        options.json
          ? JSON.stringify({ prefix: folder, name: name.slice(0, -1) })
          : `${'PRE'.padStart(35)} ${name}`
      );
    }
    for (const object of page.objects) {
      if (object.key === prefix) {
        continue; // a folder marker
      }
      const name = object.key.slice(prefix.length);
      out(
        options.json
          ? JSON.stringify(toObjectStat(target.bucket, object))
          : objectLine(object, name)
      );
    }
    token = page.nextToken ?? undefined;
  } while (token);
}

async function stat(
  services: IServices,
  location: string,
  options: { remote?: string; json?: boolean }
): Promise<void> {
  const target = services.resolver.location(location, {
    remote: options.remote
  });
  const info: IObjectStat = toObjectStat(
    target.bucket,
    await target.backend.stat(target.bucket, target.path)
  );
  if (options.json) {
    out(JSON.stringify(info));
    return;
  }
  const { metadata, ...fields } = info;
  for (const [field, value] of Object.entries(fields)) {
    out(`${`${field}:`.padEnd(14)}${String(value)}`);
  }
  for (const [field, value] of Object.entries(metadata ?? {})) {
    out(`${`meta.${field}:`.padEnd(14)}${value}`);
  }
}

function parseRange(
  text: string
): { start: number; end?: number } | { suffix: number } {
  const match = /^(\d*)-(\d*)$/.exec(text);
  if (!match || (match[1] === '' && match[2] === '')) {
    throw new ApiError(
      'invalid_request',
      `--range ${text} is not a byte range.`,
      'Write START-END (inclusive), START- or -LAST_BYTES.'
    );
  }
  if (match[1] === '') {
    return { suffix: Number(match[2]) };
  }
  return {
    start: Number(match[1]),
    end: match[2] === '' ? undefined : Number(match[2])
  };
}

async function cat(
  services: IServices,
  location: string,
  options: { remote?: string; range?: string }
): Promise<void> {
  const target = services.resolver.location(location, {
    remote: options.remote
  });
  let range: { start: number; end?: number } | undefined;
  if (options.range) {
    const parsed = parseRange(options.range);
    if ('suffix' in parsed) {
      const { size } = await target.backend.stat(target.bucket, target.path);
      range = { start: Math.max(0, size - parsed.suffix) };
    } else {
      range = parsed;
    }
  }
  const body = await target.backend.read(target.bucket, target.path, range);
  await pipeline(body, process.stdout);
}

async function rm(
  services: IServices,
  location: string,
  options: {
    remote?: string;
    recursive?: boolean;
    yes?: boolean;
    json?: boolean;
  }
): Promise<void> {
  const target = services.resolver.location(location, {
    remote: options.remote
  });
  if (!options.recursive) {
    if (!target.path || target.path.endsWith('/')) {
      throw new ApiError(
        'invalid_request',
        `${target.label} is not an object.`,
        'Give an object, or add -r to delete everything under a folder.'
      );
    }
    // Deleting is idempotent in the providers; say so when nothing was there.
    await target.backend.stat(target.bucket, target.path);
    await target.backend.delete(target.bucket, target.path);
    out(`deleted ${target.label}`);
    return;
  }
  const prefix =
    target.path.endsWith('/') || !target.path ? target.path : `${target.path}/`;
  if (!prefix) {
    throw new ApiError(
      'invalid_request',
      'Refusing to delete a whole bucket.',
      'Give a folder inside it.'
    );
  }
  if (!options.json) {
    const first = await target.backend.list(target.bucket, {
      prefix,
      limit: 1,
      recursive: true
    });
    if (!first.objects.length) {
      out(`nothing under ${target.label}`);
      return;
    }
  }
  if (!options.yes && process.stdin.isTTY) {
    const count = await countPrefix(target.backend, target.bucket, prefix);
    if (
      !(await confirm(`Delete ${count} objects under ${target.label}? [y/N] `))
    ) {
      out('nothing deleted');
      return;
    }
  }
  // A delete job, as the Buckets panel runs one: batches of keys, a few at
  // once, with a progress line (a Zarr store's chunks counted as such).
  // With --json, nothing there is the job's refusal (not_found), for programs.
  const end = await followJob(
    services.jobsWithRemote(options.remote),
    {
      op: 'delete',
      src: location.endsWith('/') ? location : `${location}/`,
      dst: ''
    },
    Boolean(options.json)
  );
  if (!options.json) {
    const unit = `${fileUnit(end)}s`;
    out(
      end.state === 'done'
        ? `deleted ${end.progress.files} ${unit} under ${target.label}`
        : `${end.state}: deleted ${end.progress.files} of ${end.totals.files} ${unit} under ${target.label}`
    );
    printErrors(end);
  }
  if (end.state !== 'done') {
    process.exitCode = 1;
  }
}

/**
 * Objects and bytes under a folder (rclone size, `du -s`), listed page by
 * page; on a terminal the count so far is shown as it goes. A Zarr store
 * says so (its objects are its chunks and metadata).
 */
async function du(
  services: IServices,
  location: string,
  options: { remote?: string; json?: boolean }
): Promise<void> {
  const target = services.resolver.location(location, {
    remote: options.remote
  });
  if (!target.local && target.bucket === '') {
    throw new ApiError(
      'invalid_request',
      `${target.label} is a remote, not a bucket or a folder.`,
      'Give remote:bucket or remote:bucket/folder/.'
    );
  }
  let prefix = target.path;
  if (prefix && !prefix.endsWith('/')) {
    const single = await target.backend
      .stat(target.bucket, prefix)
      .catch(() => undefined);
    prefix += '/';
    if (single) {
      report({ objects: 1, bytes: single.size }, options.json);
      return;
    }
  }
  const [zarr, size] = await Promise.all([
    prefix
      ? zarrVersionOf(target.backend, target.bucket, prefix).catch(
          () => undefined
        )
      : undefined,
    countSize(target.backend, target.bucket, prefix, !options.json)
  ]);
  report({ ...size, ...(zarr ? { zarr } : {}) }, options.json);
}

async function countSize(
  backend: IBackend,
  bucket: string,
  prefix: string,
  showProgress: boolean
): Promise<{ objects: number; bytes: number }> {
  const size = { objects: 0, bytes: 0 };
  const live = showProgress && process.stderr.isTTY;
  for await (const page of walkKeys(backend, bucket, prefix)) {
    size.objects += page.length;
    for (const object of page) {
      size.bytes += object.size;
    }
    if (live) {
      process.stderr.write(
        `\r\x1b[K${size.objects} objects, ${humanBytes(size.bytes)} so far`
      );
    }
  }
  if (live) {
    process.stderr.write('\r\x1b[K');
  }
  return size;
}

function report(
  size: { objects: number; bytes: number; zarr?: number },
  json: boolean | undefined
): void {
  out(
    json
      ? JSON.stringify(size)
      : `${size.zarr ? `Zarr v${size.zarr} store: ` : ''}${size.objects} objects, ${humanBytes(size.bytes)} (${size.bytes} bytes)`
  );
}

async function mkdir(
  services: IServices,
  location: string,
  options: { remote?: string }
): Promise<void> {
  const target = services.resolver.location(location, {
    remote: options.remote
  });
  if (!target.path) {
    throw new ApiError(
      'invalid_request',
      `${target.label} is a bucket, not a folder in it.`,
      'Give a folder: remote:bucket/folder/.'
    );
  }
  const prefix = target.path.endsWith('/') ? target.path : `${target.path}/`;
  await makeFolder(target.backend, target.bucket, prefix);
}

/** Errors in the user's words: the message, then the hint. */
function action<A extends unknown[]>(
  services: LazyServices,
  fn: (services: IServices, ...args: A) => Promise<void>
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(await services(), ...args);
    } catch (error) {
      exitOnApiError(error);
      throw error;
    }
  };
}

export function addObjectCommands(
  program: Command,
  services: LazyServices
): void {
  program
    .command('ls')
    .description('list a bucket folder (all pages), or the buckets of remote:')
    .argument('<location>', LOCATION_HELP)
    .option('--remote <name>', 'the remote for s3:// and gs:// locations')
    .option('-R, --recursive', 'every key below, not one level')
    .option('--json', 'one JSON object per line')
    .action(action(services, ls));
  program
    .command('stat')
    .description("an object's size, dates, checksums, content type, metadata")
    .argument('<location>', LOCATION_HELP)
    .option('--remote <name>', 'the remote for s3:// and gs:// locations')
    .option('--json', 'print JSON (the API shape)')
    .action(action(services, stat));
  program
    .command('cat')
    .description('write an object to stdout, streamed')
    .argument('<location>', LOCATION_HELP)
    .option('--remote <name>', 'the remote for s3:// and gs:// locations')
    .option(
      '--range <a-b>',
      'only bytes a to b (inclusive), a-, or -n (the last n)'
    )
    .action(action(services, cat));
  program
    .command('rm')
    .description('delete an object, or with -r everything under a folder')
    .argument('<location>', LOCATION_HELP)
    .option('--remote <name>', 'the remote for s3:// and gs:// locations')
    .option('-r, --recursive', 'delete everything under the folder')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', '-r: JSON progress lines on stdout, as cp gives')
    .action(action(services, rm));
  program
    .command('du')
    .description(
      'objects and bytes under a folder (or a bucket); says when it is a Zarr store'
    )
    .argument('<location>', LOCATION_HELP)
    .option('--remote <name>', 'the remote for s3:// and gs:// locations')
    .option('--json', 'print {"objects", "bytes", "zarr"?} as JSON')
    .action(action(services, du));
  program
    .command('mkdir')
    .description(
      'create a folder (in a bucket: the empty folder marker the S3 and GCS consoles make)'
    )
    .argument('<location>', LOCATION_HELP)
    .option('--remote <name>', 'the remote for s3:// and gs:// locations')
    .action(action(services, mkdir));
}
