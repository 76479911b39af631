// Views show what a job changed as soon as it ends: the file browser when
// the job read or wrote the Jupyter disk (a move removes files there too),
// the Buckets listing when it touched the bucket on show.
import { parseLocation, type ITransferJob } from '@jupyter-buckets/core';
import type { IDefaultFileBrowser } from '@jupyterlab/filebrowser';

import type { IBucketsModel, ITransfersModel } from '../tokens';

function touches(job: ITransferJob, test: (location: string) => boolean) {
  // A move and a delete change their source (a delete has no destination).
  return (
    (job.op !== 'delete' && test(job.dst)) ||
    ((job.op === 'move' || job.op === 'delete') && test(job.src))
  );
}

function isLocal(location: string): boolean {
  try {
    return parseLocation(location).kind === 'local';
  } catch {
    return false;
  }
}

export function refreshWhenJobsEnd(
  transfers: ITransfersModel,
  buckets: IBucketsModel,
  fileBrowser: IDefaultFileBrowser | null
): void {
  transfers.jobEnded.connect((_, job) => {
    if (fileBrowser && touches(job, isLocal)) {
      void fileBrowser.model.refresh();
    }
    const { remote, bucket } = buckets.location;
    const shown = (location: string): boolean => {
      try {
        const parsed = parseLocation(location);
        return (
          parsed.kind === 'remote' &&
          parsed.remote === remote &&
          (bucket === null || parsed.bucket === bucket)
        );
      } catch {
        return false;
      }
    };
    if (remote !== null && touches(job, shown)) {
      void buckets.refresh();
    }
  });
}
