// A job run as a cloud transfer: Storage Transfer Service copies, the
// sidecar only follows. The job is created and run once, its operation
// polled for the counters that become the job's progress, cancelled with
// the job, and disabled when its run ends (it never runs again by itself).
import { ApiError } from '../api-error.js';
import { emit, errorOf, type IJob } from '../transfers/job.js';
import { ProgressTicker } from '../transfers/progress.js';
import { end } from '../transfers/runner.js';
import type { IClusterContext } from '../cluster/run.js';
import {
  TransferServiceClient,
  type ITransferOperation,
  type TransferCounters
} from './client.js';
import { transferJobOf } from './spec.js';

const POLL_MS = 1000;
/** After a cancel, how long the service may take to say it stopped. */
const CANCEL_WAIT_MS = 60_000;

const count = (counters: TransferCounters, name: string): number =>
  Number(counters[name] ?? 0);

function applyCounters(job: IJob, operation: ITransferOperation): void {
  const counters = operation.metadata?.counters ?? {};
  const { record } = job;
  const progress = record.progress;
  progress.bytes = count(counters, 'bytesCopiedToSink');
  progress.files = count(counters, 'objectsCopiedToSink');
  progress.failed = count(counters, 'objectsFromSourceFailed');
  progress.skipped = count(counters, 'objectsFromSourceSkippedBySync');
  progress.deleted =
    count(counters, 'objectsDeletedFromSink') +
    count(counters, 'objectsDeletedFromSource');
  const listing = ['QUEUED', 'STATUS_UNSPECIFIED', undefined].includes(
    operation.metadata?.status
  );
  record.totals = {
    files: count(counters, 'objectsFoundFromSource'),
    bytes: count(counters, 'bytesFoundFromSource'),
    ...(listing && !operation.done ? { counting: true } : {})
  };
}

/** What the service said went wrong, in a sentence. */
function failureOf(operation: ITransferOperation): ApiError {
  const breakdown = operation.metadata?.errorBreakdowns?.[0];
  const detail =
    breakdown?.errorLogEntries?.[0]?.errorDetails?.[0] ??
    operation.error?.message ??
    'no reason given';
  return new ApiError(
    'provider_error',
    `Storage Transfer Service could not finish the transfer (${breakdown?.errorCode ?? operation.metadata?.status ?? 'FAILED'}: ${detail}).`,
    `Its operation is ${operation.name} in the Cloud console; retry the job, or run the copy here or on Dask.`
  );
}

const pause = (ms: number): Promise<void> =>
  new Promise(resolve => setTimeout(resolve, ms));

export async function runCloudTransfer(
  job: IJob,
  context: IClusterContext
): Promise<void> {
  const { record, src, dst } = job;
  const signal = job.controller.signal;
  record.state = 'running';
  delete record.finished;
  record.progress.failed = 0;
  record.errors = [];
  const ticker = new ProgressTicker(record, () =>
    emit(job, 'progress', structuredClone(record))
  );
  let client: TransferServiceClient | undefined;
  let jobName: string | undefined;
  let projectId = '';
  try {
    const remote = (name: string) => {
      const found = context.remote(name);
      if (!found) {
        throw new ApiError('remote_not_found', `No remote named ${name}.`);
      }
      return found;
    };
    const remotes = { src: remote(src.remote), dst: remote(dst.remote) };
    const resource = transferJobOf(
      {
        op: record.op,
        src: record.src,
        dst: record.dst,
        options: record.options
      },
      src,
      dst,
      remotes,
      record.id
    );
    projectId = resource.projectId;
    // Google's auth library loads only for a cloud transfer (every CLI
    // command builds the job manager; `ls` must not pay for it).
    const { serviceToken } = await import('./token.js');
    client = new TransferServiceClient(context.env, () =>
      serviceToken(remotes.dst)
    );
    const created = await client.createJob(resource);
    jobName = created.name;
    if (!jobName) {
      throw new ApiError(
        'provider_error',
        'Storage Transfer Service made a job without a name.'
      );
    }
    let operation = await client.run(jobName, projectId);
    record.progress.operation = operation.name;
    let cancelledAt: number | undefined;
    while (!operation.done) {
      if (signal.aborted && cancelledAt === undefined) {
        cancelledAt = Date.now();
        await client.cancel(operation.name).catch(() => undefined);
      }
      if (
        cancelledAt !== undefined &&
        Date.now() - cancelledAt > CANCEL_WAIT_MS
      ) {
        break;
      }
      await pause(POLL_MS);
      operation = await client.operation(operation.name);
      applyCounters(job, operation);
    }
    applyCounters(job, operation);
    const status = operation.metadata?.status;
    if (status === 'FAILED' || (status === 'ABORTED' && !signal.aborted)) {
      throw failureOf(operation);
    }
  } catch (error) {
    if (!signal.aborted) {
      record.error = errorOf(error);
    }
  } finally {
    if (client && jobName) {
      await client.disable(jobName, projectId).catch(() => undefined);
    }
  }
  ticker.stop();
  if (!job.suspended) {
    end(job);
  }
}
