// The dialog that asks where a copy, move or sync goes ("Copy to Bucket…" in
// the file browser; Copy to…, Move to… and Sync to… in the Buckets panel),
// and, for one between buckets, whether a Dask cluster runs it.
import { routes, type IBucketList, type IEngines } from '@jupyter-buckets/core';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Panel } from '@lumino/widgets';

import { requestAPI } from '../api';
import type { IBucketsModel } from '../tokens';
import { daskMayRun, daskMayRunFrom } from './dask';
import { DaskOption } from './DaskOption';
import {
  DestinationPicker,
  parseDestination,
  type IDestination
} from './DestinationPicker';
import { recentDestinations, rememberDestination } from './recent';

export interface IAskDestinationOptions {
  op: 'copy' | 'move' | 'sync';
  /** The dialog's title: "Copy notes.txt to a bucket". */
  title: string;
  /** The locations copied: the cluster is offered when they and the destination are buckets. */
  sources: ReadonlyArray<string>;
  buckets: IBucketsModel;
  /** Asks the server for a cluster (as the dialog opens); without it, none is offered. */
  engines?: () => Promise<IEngines>;
  /** Offer a folder of the Jupyter disk as the destination too. */
  jupyterDisk?: boolean;
}

export interface ITransferChoice {
  /** The destination folder as a location ('remote:bucket/folder/' or a Jupyter path). */
  location: string;
  runOnDask: boolean;
}

const VERBS = { copy: 'Copy', move: 'Move', sync: 'Sync' } as const;

/** Ask; null when cancelled. A bucket destination joins the recent ones. */
export async function askDestination(
  options: IAskDestinationOptions
): Promise<ITransferChoice | null> {
  const { op, sources, buckets, engines } = options;
  const recent = recentDestinations();
  const picker = new DestinationPicker({
    remotes: buckets.remotes,
    initial: initialDestination(buckets, recent),
    recent,
    jupyterDisk: options.jupyterDisk,
    listBuckets: name =>
      requestAPI<IBucketList>(routes.buckets(name)).then(
        list => list.buckets.map(b => b.name),
        () => [] // listing buckets is often refused: typing the name works
      )
  });
  // The server starts Dask's client to answer: asked only when it may matter.
  const dask =
    engines && daskMayRunFrom(op, sources) ? new DaskOption(engines()) : null;
  const result = await showDialog({
    title: options.title,
    body: new TransferDialogBody(picker, dask, location =>
      daskMayRun(op, sources, location)
    ),
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: VERBS[op] })]
  });
  const choice = result.button.accept ? result.value : null;
  if (choice && parseDestination(choice.location)) {
    rememberDestination(choice.location);
  }
  return choice;
}

/** The last destination used, if its remote is still there, else the folder the Buckets panel shows. */
function initialDestination(
  buckets: IBucketsModel,
  recent: string[]
): IDestination | null {
  const last = parseDestination(recent[0] ?? '');
  if (last && buckets.remotes.some(r => r.name === last.remote)) {
    return last;
  }
  const { remote, bucket, prefix } = buckets.location;
  return remote
    ? { remote, bucket: bucket ?? '', path: bucket ? prefix : '' }
    : null;
}

/** The destination fields, and the cluster's checkbox under them while the destination allows it. */
class TransferDialogBody extends Panel {
  constructor(
    private readonly _picker: DestinationPicker,
    private readonly _dask: DaskOption | null,
    private readonly _daskMayRun: (location: string | null) => boolean
  ) {
    super();
    this.addClass('jp-Buckets-transferDialog');
    this.addWidget(_picker);
    if (_dask) {
      this.addWidget(_dask);
      _picker.changed.connect(this._offerDask, this);
      this._offerDask();
    }
  }

  getValue(): ITransferChoice | null {
    const location = this._picker.location();
    return location
      ? { location, runOnDask: this._dask?.runOnDask ?? false }
      : null;
  }

  private _offerDask(): void {
    this._dask?.offer(this._daskMayRun(this._picker.location()));
  }
}
