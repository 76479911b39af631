// `jupyter-buckets cp|mv|sync SRC DST`: the transfer engine for terminals and
// scripts, rclone-like: a one-line progress bar on a terminal, JSON lines
// otherwise (or with --json), a summary, and exit code 1 if any file failed.
import { createInterface } from 'node:readline/promises';
import { InvalidArgumentError, type Command } from 'commander';
import {
  CONFLICT_CHOICES,
  fileUnit,
  LOCAL_REMOTE,
  LONG_COPY_SECONDS,
  parseLocation,
  type ConflictChoice,
  type ITransferConflict,
  type ITransferJob,
  type ITransferOptions,
  type ITransferRequest,
  type TransferEngine,
  type TransferOp
} from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import {
  confirm,
  exitOnApiError,
  LOCATION_HELP,
  type LazyServices
} from './report.js';
import type { IServices } from '../services.js';
import type { JobManager } from '../transfers/jobs.js';

interface ICliOptions {
  remote?: string;
  dryRun?: boolean;
  include: string[];
  exclude: string[];
  checksum?: boolean;
  delete?: boolean;
  yes?: boolean;
  transfers?: number;
  json?: boolean;
  /** commander's name for --no-clobber: false when given. */
  clobber: boolean;
  interactive?: boolean;
  onConflict?: ConflictChoice | 'fail';
  via?: { via: TransferEngine; scheduler?: string };
}

/** --via dask, --via dask=tcp://host:port, --via sidecar. */
function engineChoice(text: string): {
  via: TransferEngine;
  scheduler?: string;
} {
  const [name, ...rest] = text.split('=');
  const scheduler = rest.join('=');
  if (name === 'dask') {
    return scheduler ? { via: 'dask', scheduler } : { via: 'dask' };
  }
  if ((name === 'sidecar' || name === 'cloud') && !scheduler) {
    return { via: name };
  }
  throw new InvalidArgumentError(
    'dask, dask=SCHEDULER (tcp://host:port), cloud or sidecar'
  );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function count(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new InvalidArgumentError('a whole number from 1 to 256');
  }
  return n;
}

function conflictChoice(text: string): ConflictChoice | 'fail' {
  if (
    text === 'fail' ||
    (CONFLICT_CHOICES as readonly string[]).includes(text)
  ) {
    return text as ConflictChoice | 'fail';
  }
  throw new InvalidArgumentError(
    `one of ${[...CONFLICT_CHOICES, 'fail'].join(', ')}`
  );
}

/** 1536 -> '1.5 KiB'. */
export function humanBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit ? value.toFixed(1) : value} ${units[unit]}`;
}

export function duration(seconds: number | undefined): string {
  if (seconds === undefined) {
    return '--';
  }
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}

export function progressLine(job: ITransferJob): string {
  const p = job.progress;
  const total = job.totals.bytes;
  // While the source is still listed, the totals are only what is known yet.
  const counting = job.totals.counting ? '+' : '';
  const share = job.totals.counting
    ? 'counting'
    : `${total ? Math.floor((100 * p.bytes) / total) : 100}%`;
  return `${humanBytes(p.bytes)} / ${humanBytes(total)}${counting} (${share})  ${humanBytes(p.rate)}/s  ETA ${duration(p.eta)}  ${fileUnit(job)}s ${p.files}/${job.totals.files}${counting}${p.failed ? `  failed ${p.failed}` : ''}`;
}

/**
 * `cp -i` on each existing file: y replaces, n skips, k keeps both, a and s
 * answer for all the rest, q stops before anything is copied (undefined).
 */
async function askConflicts(
  conflicts: ITransferConflict[]
): Promise<Record<string, ConflictChoice> | undefined> {
  const choices: Record<string, ConflictChoice> = {};
  let all: ConflictChoice | undefined;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    for (const conflict of conflicts) {
      if (all) {
        choices[conflict.path] = all;
        continue;
      }
      const when = (side: ITransferConflict['source']) =>
        side.modified
          ? `, ${side.modified.replace('T', ' ').slice(0, 19)}`
          : '';
      for (;;) {
        const answer = (
          await rl.question(
            `replace ${conflict.dst} (${humanBytes(conflict.existing.size)}${when(conflict.existing)}) with ${conflict.path} (${humanBytes(conflict.source.size)}${when(conflict.source)})?\n  [y]es, [n]o, [k]eep both, [a]ll yes, [s]kip all, [q]uit: `
          )
        )
          .trim()
          .toLowerCase();
        const choice = (
          {
            y: 'replace',
            n: 'skip',
            k: 'rename',
            a: 'replace',
            s: 'skip'
          } as Record<string, ConflictChoice>
        )[answer];
        if (answer === 'q') {
          return undefined;
        }
        if (choice) {
          choices[conflict.path] = choice;
          if (answer === 'a' || answer === 's') {
            all = choice;
          }
          break;
        }
      }
    }
  } finally {
    rl.close();
  }
  return choices;
}

function jsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function transfer(
  services: IServices,
  op: TransferOp,
  src: string,
  dst: string,
  options: ICliOptions
): Promise<number> {
  const jobs = services.jobsWithRemote(options.remote);
  const transferOptions: ITransferOptions = {
    include: options.include,
    exclude: options.exclude,
    checksum: options.checksum,
    transfers: options.transfers,
    // The convention of the tools this one sits beside (`cp`, `aws s3 cp`,
    // rclone): a copy replaces what is there, unless told not to.
    onConflict: options.clobber ? 'replace' : 'skip'
  };
  if (options.onConflict) {
    // 'fail': no choice, so a job that would replace anything is refused
    // (destination_exists, with the list) before a byte is written.
    if (options.onConflict === 'fail') {
      delete transferOptions.onConflict;
    } else {
      transferOptions.onConflict = options.onConflict;
    }
  }
  if (options.interactive && options.clobber) {
    delete transferOptions.onConflict;
  }
  if (op === 'sync' && options.delete) {
    transferOptions.delete = true;
  }
  if (options.via?.via === 'dask' || options.via?.via === 'cloud') {
    transferOptions.via = options.via.via;
    if (options.via.scheduler) {
      transferOptions.scheduler = options.via.scheduler;
    }
  }
  const request: ITransferRequest = { op, src, dst, options: transferOptions };
  const json = Boolean(options.json) || !process.stdout.isTTY;
  if (options.dryRun) {
    const plan = await jobs.plan(request);
    if (json) {
      jsonLine({ type: 'plan', ...plan });
    } else {
      for (const file of plan.copy) {
        process.stdout.write(
          `copy    ${file.path} (${humanBytes(file.size)})\n`
        );
      }
      for (const path of plan.delete) {
        process.stdout.write(`delete  ${path}\n`);
      }
      for (const conflict of plan.conflicts) {
        process.stdout.write(`exists  ${conflict.dst}\n`);
      }
      if (plan.estimate) {
        process.stdout.write(
          `about ${duration(plan.estimate.seconds)} on this machine, at its measured ${humanBytes(plan.estimate.rate)}/s\n`
        );
      }
      process.stdout.write(
        `dry run: ${plan.copy.length} to copy (${humanBytes(plan.totals.bytes)}), ${plan.delete.length} to delete, ${plan.skipped} identical or skipped, ${plan.conflicts.length} existing at the destination${transferOptions.onConflict ? ` (${transferOptions.onConflict === 'skip' ? 'kept' : 'replaced'})` : ''}\n`
      );
    }
    return 0;
  }
  if (options.interactive && options.clobber) {
    if (!process.stdin.isTTY) {
      throw new ApiError(
        'invalid_request',
        '-i/--interactive needs a terminal to ask on.',
        'Use --no-clobber to keep existing files, or leave both out to replace them.'
      );
    }
    transferOptions.conflicts = await askConflicts(
      (await jobs.plan(request)).conflicts
    );
    if (transferOptions.conflicts === undefined) {
      process.stderr.write('nothing copied\n');
      return 1;
    }
  }
  if (transferOptions.delete && !options.yes && process.stdin.isTTY) {
    const plan = await jobs.plan(request);
    if (
      plan.delete.length &&
      !(await confirm(
        `Delete ${plan.delete.length} files at ${dst} that ${src} does not have? [y/N] `
      ))
    ) {
      transferOptions.delete = false;
      process.stderr.write('nothing will be deleted\n');
    }
  }
  const started = Date.now();
  const end = await followJob(jobs, request, json);
  if (!json) {
    const seconds = (Date.now() - started) / 1000;
    const p = end.progress;
    process.stderr.write(
      `${end.state}: ${p.files} files (${humanBytes(p.bytes)}) in ${seconds.toFixed(1)}s, ${humanBytes(p.bytes / Math.max(seconds, 0.001))}/s; ${p.skipped} identical, ${p.deleted} deleted, ${p.failed} failed\n`
    );
    printErrors(end);
  }
  return end.state === 'done' ? 0 : 1;
}

/**
 * Start the job of `request` and follow it to its end: a progress line on
 * a terminal, JSON lines for programs (`json`), Ctrl-C cancels. Returns
 * the job's final record (printed as the last JSON line).
 */
export async function followJob(
  jobs: JobManager,
  request: ITransferRequest,
  json: boolean
): Promise<ITransferJob> {
  const job = await jobs.create(request);
  const onSignal = (): void => {
    void jobs.cancel(job.id);
  };
  process.once('SIGINT', onSignal);
  const terminal = !json && process.stderr.isTTY;
  let shown = false;
  let hinted = false;
  const unsubscribe = jobs.subscribe(job.id, (name, data) => {
    if (name === 'progress' && !hinted) {
      const hint = handOffHint(request, data as ITransferJob);
      if (hint) {
        hinted = true;
        if (json) {
          jsonLine({ type: 'hint', message: hint });
        } else {
          process.stderr.write(`\r\x1b[K${hint}\n`);
        }
      }
    }
    if (json) {
      if (name === 'end') {
        return; // printed once, below, from the final record
      }
      jsonLine(
        name === 'progress'
          ? { type: name, job: data }
          : { type: name, ...(data as object) }
      );
    } else if (name === 'progress' && terminal) {
      process.stderr.write(`\r\x1b[K${progressLine(data as ITransferJob)}`);
      shown = true;
    } else if (name === 'file-failed') {
      const failure = data as { path: string; message: string };
      process.stderr.write(
        `\r\x1b[Kfailed: ${failure.path}: ${failure.message}\n`
      );
    }
  });
  const end = await jobs.wait(job.id);
  unsubscribe();
  process.off('SIGINT', onSignal);
  if (json) {
    jsonLine({ type: 'end', job: end });
  } else if (shown) {
    process.stderr.write(`\r\x1b[K`);
  }
  return end;
}

/**
 * A copy between buckets that will take long here could run elsewhere:
 * said once, when the measured rate puts the end past LONG_COPY_SECONDS.
 */
export function handOffHint(
  request: ITransferRequest,
  job: ITransferJob
): string | undefined {
  const eta = job.progress.eta;
  const here = (request.options?.via ?? 'sidecar') === 'sidecar';
  const buckets = [request.src, request.dst].every(text => {
    const location = parseLocationOrUndefined(text);
    return (
      location?.kind === 'url' ||
      (location?.kind === 'remote' && location.remote !== LOCAL_REMOTE)
    );
  });
  if (!here || !buckets || eta === undefined || eta < LONG_COPY_SECONDS) {
    return undefined;
  }
  return `This copy will take about ${duration(eta)} on this machine. Between buckets it can run on your Dask cluster (--via dask), or into GCS as a cloud transfer (--via cloud).`;
}

function parseLocationOrUndefined(text: string) {
  try {
    return parseLocation(text);
  } catch {
    return undefined;
  }
}

/** A job's failed files, one per line, on stderr. */
export function printErrors(end: ITransferJob): void {
  for (const error of end.errors) {
    process.stderr.write(
      `  ${error.path}: ${error.message}${error.hint ? ` (${error.hint})` : ''}\n`
    );
  }
}

function action(services: LazyServices, op: TransferOp) {
  return async (src: string, dst: string, options: ICliOptions) => {
    try {
      process.exitCode = await transfer(
        await services(),
        op,
        src,
        dst,
        options
      );
    } catch (error) {
      if (error instanceof ApiError && options.json) {
        jsonLine({ type: 'error', error: error.toBody().error });
      }
      exitOnApiError(error);
      throw error;
    }
  };
}

export function addTransferCommands(
  program: Command,
  services: LazyServices
): void {
  const commands: [TransferOp, string, string][] = [
    [
      'copy',
      'cp',
      'copy files (SRC/ copies the contents of the folder into DST)'
    ],
    [
      'move',
      'mv',
      'move files: each source is deleted after its copy is verified'
    ],
    [
      'sync',
      'sync',
      'make DST like SRC: copy what differs (size and time, or --checksum)'
    ]
  ];
  for (const [op, name, description] of commands) {
    const command = program
      .command(name)
      .description(description)
      .argument('<src>', LOCATION_HELP)
      .argument('<dst>', LOCATION_HELP)
      .option('--remote <name>', 'the remote for s3:// and gs:// locations')
      .option(
        '--dry-run',
        'show what would be copied (and deleted), do nothing'
      )
      .option(
        '--include <glob>',
        'only paths matching (repeatable)',
        collect,
        []
      )
      .option(
        '--exclude <glob>',
        'leave out paths matching (repeatable)',
        collect,
        []
      )
      .option('--checksum', 'sync: compare checksums, not size and time')
      .option(
        '--no-clobber',
        'never replace an existing destination file (skip it)'
      )
      .option(
        '-i, --interactive',
        'ask before replacing each existing destination file'
      )
      .option(
        '--on-conflict <choice>',
        'for existing destination files: replace (the default), skip, rename (keep both) or fail (copy nothing, list them)',
        conflictChoice
      )
      .option('--transfers <n>', 'files in flight at once (default 16)', count)
      .option(
        '--via <engine>',
        "where the bytes move: 'dask' (the workers of your Dask cluster: $DASK_SCHEDULER_ADDRESS or Dask Gateway), 'dask=tcp://host:port', 'cloud' (Google's Storage Transfer Service, a folder into GCS), or 'sidecar' (here, the default)",
        engineChoice
      )
      .option(
        '--json',
        'JSON progress lines on stdout (the default when not a terminal)'
      );
    if (op === 'sync') {
      command
        .option('--delete', 'delete destination files the source does not have')
        .option('-y, --yes', 'do not ask before deleting');
    }
    command.action(action(services, op));
  }
}
