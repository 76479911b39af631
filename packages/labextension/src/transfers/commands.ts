// The one way every view starts jobs: one after another, then show the Transfers panel. Files that
// exist at a destination are asked about (ConflictDialog) before anything is
// written; other refusals (a missing bucket, a copy onto itself) are said in
// a dialog.
import type { ITransferJob, ITransferRequest } from '@jupyter-buckets/core';
import type { CommandRegistry } from '@lumino/commands';

import { CommandIDs, type ITransfersModel } from '../tokens';
import { showActionError } from '../widgets/errors';
import { askConflicts } from './ConflictDialog';
import { startResolvingConflicts, type AskConflicts } from './conflicts';

export async function startJobs(
  commands: CommandRegistry,
  transfers: ITransfersModel,
  requests: ITransferRequest[],
  ask: AskConflicts = askConflicts
): Promise<ITransferJob[]> {
  const { started, refusals } = await startResolvingConflicts(
    requests,
    request => transfers.start(request),
    ask
  );
  if (started.length) {
    void commands.execute(CommandIDs.showTransfers);
  }
  if (refusals.length) {
    await showActionError(
      requests.length > 1
        ? `${refusals.length} of ${requests.length} transfers could not start`
        : 'The transfer could not start',
      refusals[0]
    );
  }
  return started;
}
