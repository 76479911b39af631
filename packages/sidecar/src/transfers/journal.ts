// A job's journal: one JSON line per event under
// ${XDG_STATE_HOME:-~/.local/state}/jupyter-buckets/jobs/<id>.jsonl, so that
// a job interrupted by a restart resumes without copying finished files again.
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type {
  ITransferJob,
  ITransferOptions,
  TransferOp
} from '@jupyter-buckets/core';
import type { IResumableUpload } from './copy.js';

export type JournalLine =
  | {
      t: 'job';
      id: string;
      op: TransferOp;
      src: string;
      dst: string;
      options: ITransferOptions;
      created: string;
    }
  | { t: 'done'; path: string }
  | { t: 'failed'; path: string; message: string }
  /** An upload that can be continued began (token), or ended (no token). */
  | { t: 'upload'; path: string; token?: string; partSize?: number }
  | { t: 'end'; job: ITransferJob };

export interface IJournalEntry {
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

  constructor(readonly dir: string) {}

  private file(id: string): string {
    return join(this.dir, `${id}.jsonl`);
  }

  /** Synchronous appends: a line is on disk before the next file counts as done. */
  append(id: string, line: JournalLine): void {
    if (!this.made) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      this.made = true;
    }
    appendFileSync(this.file(id), `${JSON.stringify(line)}\n`, { mode: 0o600 });
  }

  read(): IJournalEntry[] {
    const entries: IJournalEntry[] = [];
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return entries; // no journal yet
    }
    for (const name of names) {
      if (!name.endsWith('.jsonl')) {
        continue;
      }
      let entry: IJournalEntry | undefined;
      for (const text of readFileSync(join(this.dir, name), 'utf8').split(
        '\n'
      )) {
        let line: JournalLine;
        try {
          line = JSON.parse(text) as JournalLine;
        } catch {
          continue; // an empty or torn last line
        }
        if (line.t === 'job') {
          entry = { start: line, done: new Set(), uploads: new Map() };
        } else if (entry && line.t === 'done') {
          entry.done.add(line.path);
          entry.uploads.delete(line.path);
        } else if (entry && line.t === 'upload') {
          if (line.token && line.partSize) {
            entry.uploads.set(line.path, {
              token: line.token,
              partSize: line.partSize
            });
          } else {
            entry.uploads.delete(line.path);
          }
        } else if (entry && line.t === 'end') {
          entry.end = line.job;
        }
      }
      if (entry) {
        entries.push(entry);
      }
    }
    return entries.sort((a, b) =>
      a.start.created.localeCompare(b.start.created)
    );
  }
}
