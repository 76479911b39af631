// Copy to…, Move to… and Sync to… on the Buckets panel's objects and folders:
// a dialog picks a folder of any remote, or of the Jupyter disk, and each
// entry becomes a job (a select-all, one job for the whole folder). Between
// buckets the dialog says how long the jobs would take here, and offers the
// user's Dask cluster, or Google's Storage Transfer Service into GCS, to run
// them instead.
import type { ITransferRequest } from '@jupyter-buckets/core';
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';

import {
  describeTargets,
  ENTRY_ROW,
  isRow,
  PREFIX_ROW
} from '../actions/targets';
import { addCommands } from '../commands';
import { folderRefusal, objectRefusal, refusalLabel } from '../rules';
import {
  CommandIDs,
  type IBucketsEntry,
  type IBucketsModel,
  type ITransfersModel
} from '../tokens';
import { showActionError } from '../widgets/errors';
import { entriesFor } from './bucketsDrag';
import { startJobs } from './commands';
import { onCloud } from './cloud';
import { onDask } from './dask';
import { bucketEntriesRequests, type IBucketEntries } from './entries';
import { lastSegment, remoteLocation } from './locations';
import { askDestination, type ITransferChoice } from './TransferDialog';

type Op = 'copy' | 'move' | 'sync';

export interface IBucketsCopyToOptions {
  app: JupyterFrontEnd;
  buckets: IBucketsModel;
  transfers: ITransfersModel;
  palette?: ICommandPalette | null;
}

export function addBucketsCopyTo(options: IBucketsCopyToOptions): void {
  const { app, buckets, transfers, palette } = options;
  const hit = (): HTMLElement | null =>
    (app.contextMenuHitTest(isRow) as HTMLElement | undefined) ?? null;
  // For isEnabled and labels: the loaded entries, at once.
  const current = (): IBucketEntries | null => entriesFor(buckets, hit());

  /** Why the admin's rules keep the entries where they are (a move deletes them), if they do. */
  const moveRefusal = (data: IBucketEntries | null): string | undefined => {
    const remote = buckets.remotes.find(r => r.name === data?.remote);
    if (!data) {
      return undefined;
    }
    return data.folder !== undefined
      ? folderRefusal(remote, data.bucket, data.folder)
      : data.entries
          .map(entry => objectRefusal(remote, data.bucket, entry.key))
          .find(reason => reason !== undefined);
  };

  const run = async (op: Op): Promise<void> => {
    // The row under the menu, before the selection completes (the menu closes).
    const row = hit();
    let selected: ReadonlyArray<IBucketsEntry>;
    try {
      selected = await buckets.completeSelection();
    } catch (error) {
      await showActionError(`${VERBS[op]} failed`, error);
      return;
    }
    const data = entriesFor(buckets, row, selected);
    if (!data || (op === 'sync' && !onlyFolders(data))) {
      return;
    }
    const choice = await askDestination({
      op,
      title: `${VERBS[op]} ${describe(data)}`,
      sources: sourcesOf(data),
      buckets,
      engines: () => transfers.engines(),
      estimate: {
        requests: location => bucketEntriesRequests(data, location, op),
        plan: (request, signal) => transfers.plan(request, signal)
      },
      jupyterDisk: true
    });
    if (!choice) {
      return;
    }
    const requests = bucketEntriesRequests(data, choice.location, op);
    // A refusal (no cluster after all: 409 cluster_unavailable; what the
    // cloud cannot do: 400 invalid_request) is said as any other.
    await startJobs(
      app.commands,
      transfers,
      requests.map(request => runWhereChosen(request, choice))
    );
  };

  addCommands(
    app,
    [
      {
        id: CommandIDs.copyTo,
        label: 'Copy to…',
        caption:
          'Copy the selected objects and folders to a folder of any remote or of the Jupyter disk, as transfer jobs',
        isEnabled: () => current() !== null,
        execute: () => run('copy'),
        contextMenu: { selector: ENTRY_ROW, rank: 4.3 },
        palette: true
      },
      {
        id: CommandIDs.moveTo,
        label: () => {
          const refused = moveRefusal(current());
          return refused ? `Move to… (${refusalLabel(refused)})` : 'Move to…';
        },
        caption: () =>
          moveRefusal(current()) ??
          'Move the selected objects and folders elsewhere: each file is deleted here once its copy is verified',
        isEnabled: () => {
          const data = current();
          return data !== null && moveRefusal(data) === undefined;
        },
        execute: () => run('move'),
        contextMenu: { selector: ENTRY_ROW, rank: 4.4 },
        palette: true
      },
      {
        id: CommandIDs.syncTo,
        label: 'Sync to…',
        caption:
          'Make a folder elsewhere hold what this folder holds: copy what is new or changed (asking before replacing anything)',
        isEnabled: () => {
          const data = current();
          return data !== null && onlyFolders(data);
        },
        execute: () => run('sync'),
        // A sync is between folders.
        contextMenu: { selector: PREFIX_ROW, rank: 4.5 },
        palette: true
      }
    ],
    palette
  );
}

const VERBS: Record<Op, string> = { copy: 'Copy', move: 'Move', sync: 'Sync' };

function runWhereChosen(
  request: ITransferRequest,
  choice: ITransferChoice
): ITransferRequest {
  switch (choice.via) {
    case 'dask':
      return onDask(request);
    case 'cloud':
      return onCloud(request, choice.onConflict ?? 'skip');
    default:
      return request;
  }
}

function onlyFolders(data: IBucketEntries): boolean {
  return (
    data.folder !== undefined ||
    data.entries.every(entry => entry.kind === 'prefix')
  );
}

/** The locations the jobs would read. */
function sourcesOf(data: IBucketEntries): string[] {
  return data.folder !== undefined
    ? [remoteLocation(data.remote, data.bucket, data.folder)]
    : data.entries.map(entry =>
        remoteLocation(data.remote, data.bucket, entry.key)
      );
}

/** "the folder batch", "notes.txt", "12 items"; a select-all: "everything in batch". */
function describe(data: IBucketEntries): string {
  if (data.folder !== undefined) {
    return `everything in ${data.folder ? lastSegment(data.folder) : data.bucket}`;
  }
  return describeTargets(
    data.entries.map(entry => ({
      ...entry,
      remote: data.remote,
      bucket: data.bucket
    }))
  );
}
