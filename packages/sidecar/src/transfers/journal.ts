// A job's journal: one JSON line per event under
// ${XDG_STATE_HOME:-~/.local/state}/jupyter-buckets/jobs/<id>.jsonl, so that
// a job interrupted by a restart resumes without copying finished files again.
// Only the last finished jobs are kept (KEEP_JOBS_ENV), and journals are read
// without blocking: the server answers while they are read.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { readdir, readFile, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  JOB_OPS,
  type ITransferJob,
  type ITransferOptions,
  type TransferOp,
  type ZarrVersion
} from '@jupyter-buckets/core';
import pLimit from 'p-limit';
import type { IResumableUpload } from './copy.js';
import { compareCharacters } from '../order.js';

/** How many finished jobs keep their journal (and stay listed); running ones are always kept. */
export const DEFAULT_KEEP_JOBS = 200;
export const KEEP_JOBS_ENV = 'JUPYTER_BUCKETS_KEEP_JOBS';
/** Journals read at the same time: enough to overlap the reads, few enough to leave the thread pool to requests. */
const READS_AT_ONCE = 4;

/** A count of jobs to keep: a whole number from 0, else undefined. */
export function parseKeepJobs(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text.trim())) {
    return undefined;
  }
  const count = Number(text.trim());
  return Number.isSafeInteger(count) ? count : undefined;
}

export type JournalLine =
  | {
      t: 'job';
      id: string;
      op: TransferOp;
      src: string;
      dst: string;
      options: ITransferOptions;
      created: string;
      /** The source is a Zarr store (known when the job began): a resumed job still counts chunks. */
      zarr?: ZarrVersion;
    }
  | { t: 'done'; path: string }
  | { t: 'failed'; path: string; message: string }
  /** An upload that can be continued began (token), or ended (no token). */
  | { t: 'upload'; path: string; token?: string; partSize?: number }
  | { t: 'end'; job: ITransferJob };

export interface IJournalEntry {
  /** The journal's file name in its folder. */
  file: string;
  start: Extract<JournalLine, { t: 'job' }>;
  done: Set<string>;
  /** Unfinished uploads by path, to continue rather than send again. */
  uploads: Map<string, IResumableUpload>;
  /** The final record, when the job ended. */
  end?: ITransferJob;
}

export function defaultJournalDir(
  env: NodeJS.ProcessEnv = process.env
): string {
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'jupyter-buckets', 'jobs');
}

export class Journal {
  private made = false;
  /**
   * Journals of running jobs, open for appends until their end line: one
   * write per line, not an open, a write and a close (a line per file).
   */
  private readonly open = new Map<string, number>();

  constructor(readonly dir: string) {}

  private file(id: string): string {
    return join(this.dir, `${id}.jsonl`);
  }

  /** Synchronous appends: a line is written before the next file counts as done. */
  append(id: string, line: JournalLine): void {
    if (!this.made) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      this.made = true;
    }
    let fd = this.open.get(id);
    if (fd === undefined) {
      fd = openSync(this.file(id), 'a', 0o600);
      this.open.set(id, fd);
    }
    writeSync(fd, `${JSON.stringify(line)}\n`);
    if (line.t === 'end') {
      this.close(id);
    }
  }

  private close(id: string): void {
    const fd = this.open.get(id);
    if (fd !== undefined) {
      this.open.delete(id);
      closeSync(fd);
    }
  }

  /**
   * Every journal, oldest job first, read asynchronously. A journal that
   * cannot be read or makes no sense is left out (and on disk): one bad
   * file must not stop the sidecar from starting.
   */
  async read(): Promise<IJournalEntry[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir, { withFileTypes: true }))
        // Regular files only: reading a FIFO would wait forever.
        .filter(dirent => dirent.isFile() && dirent.name.endsWith('.jsonl'))
        .map(dirent => dirent.name);
    } catch {
      return []; // no journal yet
    }
    const limit = pLimit(READS_AT_ONCE);
    const entries = await Promise.all(
      names.map(name =>
        limit(async () => {
          try {
            return parseJournal(
              name,
              await readFile(join(this.dir, name), 'utf8')
            );
          } catch {
            return undefined;
          }
        })
      )
    );
    return entries
      .filter((entry): entry is IJournalEntry => Boolean(entry))
      .sort((a, b) => compareCharacters(a.start.created, b.start.created));
  }

  /** Removes a job's journal; one already gone is fine. */
  async remove(entry: Pick<IJournalEntry, 'file'>): Promise<void> {
    this.close(entry.file.replace(/\.jsonl$/, ''));
    await unlink(join(this.dir, entry.file)).catch(() => undefined);
  }
}

/** When a job ended, for ordering: its end record, else its start. */
export function endedAt(entry: IJournalEntry): string {
  return typeof entry.end?.finished === 'string'
    ? entry.end.finished
    : entry.start.created;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A first line with what a job needs to be listed and planned again. */
function isStart(line: Record<string, unknown>): boolean {
  return (
    typeof line.id === 'string' &&
    typeof line.created === 'string' &&
    JOB_OPS.includes(line.op as TransferOp) &&
    typeof line.src === 'string' &&
    typeof line.dst === 'string' &&
    isObject(line.options) &&
    (line.zarr === undefined || line.zarr === 2 || line.zarr === 3)
  );
}

function parseJournal(file: string, text: string): IJournalEntry | undefined {
  let entry: IJournalEntry | undefined;
  for (const part of text.split('\n')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(part);
    } catch {
      continue; // an empty or torn last line
    }
    if (!isObject(parsed)) {
      continue;
    }
    const line = parsed as JournalLine;
    if (line.t === 'job') {
      if (!isStart(parsed)) {
        return undefined;
      }
      entry = { file, start: line, done: new Set(), uploads: new Map() };
    } else if (!entry) {
      continue; // lines before any start belong to no job
    } else if (line.t === 'end') {
      if (
        isObject(line.job) &&
        typeof line.job.state === 'string' &&
        typeof line.job.created === 'string' &&
        line.job.id === entry.start.id
      ) {
        entry.end = line.job;
      }
    } else if (typeof line.path !== 'string') {
      continue;
    } else if (line.t === 'done') {
      entry.done.add(line.path);
      entry.uploads.delete(line.path);
    } else if (line.t === 'upload') {
      if (line.token && line.partSize) {
        entry.uploads.set(line.path, {
          token: line.token,
          partSize: line.partSize
        });
      } else {
        entry.uploads.delete(line.path);
      }
    }
  }
  return entry;
}
