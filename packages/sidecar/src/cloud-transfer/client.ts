// Google's Storage Transfer Service, the few calls a copy needs, over its
// REST API (v1): create a transfer job, run it, follow and cancel its
// operation, and disable the job once its one run is over. Requests and
// their bodies are as the service's discovery document describes them
// (the test double checks every one against it).
import { ApiError } from '../api-error.js';

/** The service's address; another for a private endpoint (or the tests' double). */
export const TRANSFER_SERVICE_ENV = 'JUPYTER_BUCKETS_STS_ENDPOINT';
const DEFAULT_ENDPOINT = 'https://storagetransfer.googleapis.com';
const TIMEOUT_MS = 30_000;

/** TransferJob, as far as this tool writes and reads it. */
export interface ITransferJobResource {
  name?: string;
  description?: string;
  projectId: string;
  status?: 'ENABLED' | 'DISABLED' | 'DELETED';
  transferSpec: Record<string, unknown>;
}

/** TransferCounters: int64 values come as strings. */
export type TransferCounters = Partial<Record<string, string>>;

export interface ITransferOperation {
  name: string;
  done?: boolean;
  metadata?: {
    status?: string;
    counters?: TransferCounters;
    errorBreakdowns?: {
      errorCode?: string;
      errorCount?: string;
      errorLogEntries?: { url?: string; errorDetails?: string[] }[];
    }[];
  };
  error?: { code?: number; message?: string };
}

export class TransferServiceClient {
  private readonly base: string;

  constructor(
    env: NodeJS.ProcessEnv,
    private readonly token: () => Promise<string>
  ) {
    this.base = (env[TRANSFER_SERVICE_ENV] || DEFAULT_ENDPOINT).replace(
      /\/+$/,
      ''
    );
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}/v1/${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await this.token()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' })
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS)
      });
    } catch (error) {
      throw new ApiError(
        'endpoint_unreachable',
        `Storage Transfer Service could not be reached (${(error as Error).message}).`,
        'Check the network, then retry the job.'
      );
    }
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 300);
      try {
        message =
          (JSON.parse(text) as { error?: { message?: string } }).error
            ?.message ?? message;
      } catch {
        // not JSON: the text itself
      }
      const code =
        response.status === 401
          ? 'invalid_credentials'
          : response.status === 403
            ? 'access_denied'
            : response.status === 404
              ? 'not_found'
              : 'provider_error';
      throw new ApiError(
        code,
        `Storage Transfer Service refused ${method} ${path.split('?')[0]}: ${message}`,
        response.status === 403
          ? "The project's Storage Transfer Service must be enabled and its service agent allowed to read the source and write the bucket."
          : 'Retry the job; if it fails again, run the copy here or on Dask.'
      );
    }
    return (text ? JSON.parse(text) : {}) as T;
  }

  createJob(job: ITransferJobResource): Promise<ITransferJobResource> {
    return this.call('POST', 'transferJobs', job);
  }

  run(jobName: string, projectId: string): Promise<ITransferOperation> {
    return this.call('POST', `${jobName}:run`, { projectId });
  }

  operation(name: string): Promise<ITransferOperation> {
    return this.call('GET', name);
  }

  cancel(name: string): Promise<unknown> {
    return this.call('POST', `${name}:cancel`, {});
  }

  /** A job made for one run is disabled after it, so it never runs again. */
  disable(jobName: string, projectId: string): Promise<ITransferJobResource> {
    return this.call('PATCH', jobName, {
      projectId,
      transferJob: { status: 'DISABLED' },
      updateTransferJobFieldMask: 'status'
    });
  }
}
