// A copy, move or sync as a Storage Transfer Service job: which sources the
// service reads without agents (AWS S3 with keys, GCS), S3-compatible stores
// (OSN, Ceph) only through an agent pool named for the remote, a GCS bucket
// as the destination, and the job's options in the service's terms.
import type { ITransferRequest } from '@jupyter-buckets/core';
import { ApiError } from '../api-error.js';
import { folderPrefix } from '../locations/folders.js';
import type { IEndpoint } from '../locations/resolver.js';
import type { IRemoteConfig } from '../remotes/types.js';
import type { ITransferJobResource } from './client.js';

const AGENTS_HELP =
  'https://cloud.google.com/storage-transfer/docs/s3-compatible';

/** An agent pool's resource name, as remotes.json may give it. */
export const AGENT_POOL =
  /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/agentPools\/[a-z0-9-]{1,63}$/;

function refused(message: string, hint: string): ApiError {
  return new ApiError('invalid_request', message, hint);
}

/** The project that owns the job: the destination remote's. */
export function projectOf(remote: IRemoteConfig): string {
  const gcs = remote.gcs ?? {};
  let project = gcs.projectId;
  if (!project && gcs.credentialsJson) {
    try {
      project = (JSON.parse(gcs.credentialsJson) as { project_id?: string })
        .project_id;
    } catch {
      // below
    }
  }
  if (!project) {
    throw refused(
      `The remote ${remote.name} names no Google Cloud project, which a cloud transfer runs in.`,
      'Give the remote a project (its key file has one), or run the copy here.'
    );
  }
  return project;
}

/** The host of an S3-compatible endpoint, as the service takes it. */
function hostOf(endpoint: string): string {
  return new URL(endpoint).host;
}

function isAws(remote: IRemoteConfig): boolean {
  return (
    !remote.endpoint || /(^|\.)amazonaws\.com$/.test(hostOf(remote.endpoint))
  );
}

function sourceOf(
  src: IEndpoint,
  remote: IRemoteConfig
): Record<string, unknown> {
  const bucketName = src.bucket;
  const path = folderPrefix(src.path);
  if (remote.provider === 'gcs') {
    return { gcsDataSource: { bucketName, path } };
  }
  if (!isAws(remote)) {
    const pool = remote.transferAgentPool;
    if (!pool) {
      throw refused(
        `Storage Transfer Service reads ${remote.name} (an S3-compatible store) only through transfer agents you run.`,
        `Run an agent pool (${AGENTS_HELP}) and name it for the remote in remotes.json ("transferAgentPool"), or run the copy here or on Dask.`
      );
    }
    return {
      awsS3CompatibleDataSource: {
        bucketName,
        path,
        endpoint: hostOf(remote.endpoint!),
        ...(remote.region ? { region: remote.region } : {})
      },
      sourceAgentPoolName: pool
    };
  }
  const s3 = remote.s3 ?? {};
  if (!s3.accessKeyId || !s3.secretAccessKey || s3.sessionToken) {
    throw refused(
      `Storage Transfer Service needs ${remote.name}'s own access key, and this remote has ${s3.sessionToken ? 'temporary keys' : 'none saved'}.`,
      'Save an access key for the remote, or run the copy here or on Dask.'
    );
  }
  return {
    awsS3DataSource: {
      bucketName,
      path,
      awsAccessKey: {
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey
      }
    }
  };
}

/** The transfer job of a request (throws invalid_request for what the service cannot do). */
export function transferJobOf(
  request: Required<ITransferRequest>,
  src: IEndpoint,
  dst: IEndpoint,
  remotes: { src: IRemoteConfig; dst: IRemoteConfig },
  id: string
): ITransferJobResource {
  const { op, options } = request;
  if (remotes.dst.provider !== 'gcs') {
    throw refused(
      'A cloud transfer writes into Google Cloud Storage only.',
      'Choose a GCS destination, or run the copy here or on Dask.'
    );
  }
  if (options.include?.length || options.exclude?.length) {
    throw refused(
      'A cloud transfer copies whole folders: include and exclude are not offered.',
      'Copy the folder whole, or run the copy here.'
    );
  }
  const choice = options.onConflict;
  if (op !== 'sync' && choice !== 'replace' && choice !== 'skip') {
    throw refused(
      'A cloud transfer cannot ask about files that exist at the destination: say what happens to them.',
      'Choose replace or skip (onConflict) for the files that exist.'
    );
  }
  const transferOptions: Record<string, unknown> = {
    overwriteWhen:
      op === 'sync' ? 'DIFFERENT' : choice === 'skip' ? 'NEVER' : 'ALWAYS'
  };
  if (op === 'move') {
    transferOptions.deleteObjectsFromSourceAfterTransfer = true;
  }
  if (op === 'sync' && options.delete) {
    transferOptions.deleteObjectsUniqueInSink = true;
  }
  const source = sourceOf(src, remotes.src);
  return {
    // The job's own description: the job id, not the user's paths.
    description: `jupyter-buckets ${op} ${id}`,
    projectId: projectOf(remotes.dst),
    status: 'ENABLED',
    transferSpec: {
      ...source,
      gcsDataSink: { bucketName: dst.bucket, path: folderPrefix(dst.path) },
      transferOptions
    }
  };
}
