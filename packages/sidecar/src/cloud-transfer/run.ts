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
/**
 * Where the job journals its transfer job and operation (an upload line of
 * its own, path ''), so that after a restart it follows the same operation
 * instead of starting the transfer again.
 */
const OPERATION_PATH = '';
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

/** The operation an earlier run of this job started (a restart), if it is still known to the service. */
async function followed(
  job: IJob,
  client: TransferServiceClient
): Promise<ITransferOperation | undefined> {
  const earlier = job.uploads.get(OPERATION_PATH);
  if (!earlier) {
    return undefined;
  }
  const name = earlier.token.split('\n')[1];
  return name ? client.operation(name).catch(() => undefined) : undefined;
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
    let operation = await followed(job, client);
    if (operation) {
      jobName = job.uploads.get(OPERATION_PATH)!.token.split('\n')[0];
    } else {
      const created = await client.createJob(resource);
      jobName = created.name;
      if (!jobName) {
        throw new ApiError(
          'provider_error',
          'Storage Transfer Service made a job without a name.'
        );
      }
      operation = await client.run(jobName, projectId);
      const journaled = { token: `${jobName}\n${operation.name}`, partSize: 1 };
      job.uploads.set(OPERATION_PATH, journaled);
      job.journal({ t: 'upload', path: OPERATION_PATH, ...journaled });
    }
    record.progress.operation = operation.name;
    let cancelledAt: number | undefined;
    while (!operation.done) {
      if (job.suspended) {
        // The sidecar stops: the service goes on, and the next start follows it.
        break;
      }
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
    if (client && jobName && !job.suspended) {
      await client.disable(jobName, projectId).catch(() => undefined);
      job.uploads.delete(OPERATION_PATH);
      job.journal({ t: 'upload', path: OPERATION_PATH });
    }
  }
  ticker.stop();
  if (!job.suspended) {
    end(job);
  }
}
