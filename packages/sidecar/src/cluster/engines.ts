// Whether a job can run on a Dask cluster now (GET /api/v1/engines, and the
// check before a 'dask' job is made): asked of Python, which has Dask's
// client, and remembered for a few seconds so a dialog can ask freely.
import { execFile } from 'node:child_process';
import type { IEngines } from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { pythonOf } from './coordinator.js';

const PROBE_TIMEOUT_MS = 20_000;
const REMEMBERED_MS = 10_000;

type DaskEngine = IEngines['dask'];

const remembered = new Map<
  string,
  { at: number; answer: Promise<DaskEngine> }
>();

function probe(
  env: NodeJS.ProcessEnv,
  scheduler: string | undefined
): Promise<DaskEngine> {
  return new Promise(resolve => {
    execFile(
      pythonOf(env),
      [
        '-m',
        'jupyter_buckets.cluster.probe',
        ...(scheduler ? [scheduler] : [])
      ],
      { env, timeout: PROBE_TIMEOUT_MS },
      (error, stdout) => {
        const line = stdout.trim().split('\n').pop() ?? '';
        try {
          const answer = JSON.parse(line) as DaskEngine;
          if (typeof answer.available === 'boolean') {
            resolve(answer);
            return;
          }
        } catch {
          // below
        }
        resolve({
          available: false,
          reason: error
            ? `Dask's client could not be started (${error.killed ? 'it took too long' : 'is jupyter-buckets installed in this Python?'}).`
            : 'Dask gave no answer.'
        });
      }
    );
  });
}

/** The Dask cluster a job would use, and whether it answers. */
export function daskEngine(
  env: NodeJS.ProcessEnv,
  scheduler?: string
): Promise<DaskEngine> {
  const key = scheduler ?? '';
  const known = remembered.get(key);
  if (known && Date.now() - known.at < REMEMBERED_MS) {
    return known.answer;
  }
  const answer = probe(env, scheduler);
  remembered.set(key, { at: Date.now(), answer });
  return answer;
}

/** Throws cluster_unavailable (409, with what to do) unless the cluster answers. */
export async function requireDask(
  env: NodeJS.ProcessEnv,
  scheduler?: string
): Promise<void> {
  const dask = await daskEngine(env, scheduler);
  if (!dask.available) {
    remembered.delete(scheduler ?? '');
    throw new ApiError(
      'cluster_unavailable',
      dask.reason ?? 'No Dask cluster can be reached.',
      'Set DASK_SCHEDULER_ADDRESS to a running cluster (or configure Dask Gateway), or run the copy here.'
    );
  }
}
