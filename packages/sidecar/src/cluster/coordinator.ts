// The Python process that talks to the Dask cluster for one job
// (jupyter_buckets/cluster/coordinator.py): Dask's client is Python, so the
// sidecar hands it the shards on a pipe and reads what happens as JSON
// lines. The shards carry secrets: they go on stdin, never in argv or the
// environment. Closing stdin (or a {"type":"cancel"} line) cancels.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ITransferFileError } from '@jupyter-buckets/core';

/** The interpreter that has jupyter_buckets (and Dask) installed. */
export const PYTHON_ENV = 'JUPYTER_BUCKETS_PYTHON';

/**
 * The Python launcher (jupyter_buckets/node.py) names itself; a bundle run
 * straight by node falls back to the Python whose Jupyter config it reads.
 */
export function pythonOf(env: NodeJS.ProcessEnv): string {
  const prefix = env.JUPYTER_BUCKETS_PYTHON_PREFIX;
  return env[PYTHON_ENV] || (prefix ? `${prefix}/bin/python3` : 'python3');
}

interface IWorkerNews {
  shard: number;
  attempt: string;
  worker: string;
}

/** A line of the coordinator. */
export type CoordinatorLine =
  | { type: 'connected'; scheduler: string; workers: number }
  | { type: 'error'; error: { code: string; message: string; hint?: string } }
  | ({ type: 'started' } & IWorkerNews)
  | ({ type: 'progress'; bytes: number; files: number } & IWorkerNews)
  | ({
      type: 'file-done';
      path: string;
      size: number;
      earlier?: boolean;
    } & IWorkerNews)
  | ({ type: 'file-failed' } & ITransferFileError & IWorkerNews)
  | { type: 'workers'; busy: number; total: number }
  | {
      type: 'shard-done';
      shard: number;
      result: {
        bytes: number;
        files: number;
        failed: string[];
        cancelled?: boolean;
      };
    }
  | {
      type: 'shard-failed';
      shard: number;
      error: { code: string; message: string; hint?: string };
    }
  | { type: 'shard-cancelled'; shard: number }
  | { type: 'end'; cancelled: boolean };

export interface ICoordinatorStart {
  job: string;
  scheduler?: string;
  shards: { id: number; input: unknown }[];
}

export class Coordinator {
  private readonly child: ChildProcess;
  /** The last line the process wrote on stderr (a Python exception's). */
  lastError = '';
  /** Resolves with the exit code once the process is gone. */
  readonly exited: Promise<number>;

  constructor(
    python: string,
    env: NodeJS.ProcessEnv,
    start: ICoordinatorStart,
    onLine: (line: CoordinatorLine) => void
  ) {
    this.child = spawn(python, ['-m', 'jupyter_buckets.cluster.coordinator'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe']
    });
    this.exited = new Promise(resolve => {
      this.child.once('error', () => resolve(127));
      this.child.once('close', code => resolve(code ?? 1));
    });
    // Dask's own logging goes to stderr: read so that the pipe never fills,
    // its last line kept to say why the process ended early.
    createInterface({ input: this.child.stderr! }).on('line', text => {
      // A Python exception's own line: "ValueError: ...".
      if (/^[\w.]*(Error|Exception|Interrupt)\b.*?:/.test(text)) {
        this.lastError = text.trim().slice(0, 500);
      }
    });
    this.child.stdin!.on('error', () => undefined);
    this.child.stdin!.write(`${JSON.stringify(start)}\n`);
    createInterface({ input: this.child.stdout! }).on('line', text => {
      let line: CoordinatorLine;
      try {
        line = JSON.parse(text) as CoordinatorLine;
      } catch {
        return;
      }
      onLine(line);
    });
  }

  cancel(): void {
    if (this.child.stdin?.writable) {
      this.child.stdin.end(`${JSON.stringify({ type: 'cancel' })}\n`);
    }
  }

  /** No more to say: stdin closes (a coordinator still running takes it as a cancel). */
  close(): void {
    this.child.stdin?.end();
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}
