// The transfer commands other parts reach by id, and the one way every view
// starts jobs: one after another, then show the Transfers panel; a refusal
// (a missing bucket, a copy onto itself) is said in a dialog.
import type { ITransferJob, ITransferRequest } from '@jupyter-buckets/core';
import type { CommandRegistry } from '@lumino/commands';

import type { ITransfersModel } from '../tokens';
import { showActionError } from '../widgets/errors';

export const TransferCommandIDs = {
  show: 'jupyter-buckets:show-transfers',
  clearFinished: 'jupyter-buckets:clear-finished-transfers',
  copyToBucket: 'jupyter-buckets:copy-to-bucket',
  moveToBucket: 'jupyter-buckets:move-to-bucket'
} as const;

export async function startJobs(
  commands: CommandRegistry,
  transfers: ITransfersModel,
  requests: ITransferRequest[]
): Promise<ITransferJob[]> {
  const started: ITransferJob[] = [];
  let refusal: unknown = null;
  let refused = 0;
  for (const request of requests) {
    try {
      started.push(await transfers.start(request));
    } catch (error) {
      refusal ??= error;
      refused += 1;
    }
  }
  if (started.length) {
    void commands.execute(TransferCommandIDs.show);
  }
  if (refusal) {
    await showActionError(
      requests.length > 1
        ? `${refused} of ${requests.length} transfers could not start`
        : 'The transfer could not start',
      refusal
    );
  }
  return started;
}
