// The dialog that asks where a copy, move or sync goes ("Copy to Bucket…" in
// the file browser; Copy to…, Move to… and Sync to… in the Buckets panel),
// and, for one between buckets, how long it would take here and whether a
// Dask cluster or Google's Storage Transfer Service runs it instead.
import {
  routes,
  type IBucketList,
  type IEngines,
  type IRemote,
  type ITransferRequest,
  type TransferEngine
} from '@jupyter-buckets/core';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Panel } from '@lumino/widgets';

import { requestAPI } from '../api';
import type { IBucketsModel } from '../tokens';
import { cloudMayRun, type CloudConflictChoice } from './cloud';
import { CloudOption } from './CloudOption';
import { daskMayRun, daskMayRunFrom } from './dask';
import { DaskOption } from './DaskOption';
import {
  DestinationPicker,
  parseDestination,
  type IDestination
} from './DestinationPicker';
import { Estimator, type AskPlan } from './estimate';
import { EstimateView } from './EstimateView';
import { recentDestinations, rememberDestination } from './recent';

type Op = 'copy' | 'move' | 'sync';

export interface IAskDestinationOptions {
  op: Op;
  /** The dialog's title: "Copy notes.txt to a bucket". */
  title: string;
  /** The locations copied: a cluster or the cloud is offered when they and the destination are buckets. */
  sources: ReadonlyArray<string>;
  buckets: IBucketsModel;
  /** Asks the server for a cluster (as the dialog opens); without it, none is offered. */
  engines?: () => Promise<IEngines>;
  /**
   * The jobs a destination would start, and a dry run of one: with them,
   * a transfer between buckets says what it would copy and how long here.
   */
  estimate?: {
    requests: (location: string) => ITransferRequest[];
    plan: AskPlan;
  };
  /** Offer a folder of the Jupyter disk as the destination too. */
  jupyterDisk?: boolean;
}

export interface ITransferChoice {
  /** The destination folder as a location ('remote:bucket/folder/' or a Jupyter path). */
  location: string;
  /** Where the jobs run: here ('sidecar'), on the Dask cluster, or as a cloud transfer. */
  via: TransferEngine;
  /** A cloud copy or move: what happens to files that exist at the destination. */
  onConflict?: CloudConflictChoice;
}

/** Wait for the typing to stop before a dry run lists the source. */
const ESTIMATE_DELAY_MS = 400;

const VERBS = { copy: 'Copy', move: 'Move', sync: 'Sync' } as const;

/** Ask; null when cancelled. A bucket destination joins the recent ones. */
export async function askDestination(
  options: IAskDestinationOptions
): Promise<ITransferChoice | null> {
  const { op, sources, buckets, engines, estimate } = options;
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
  const fromBuckets = daskMayRunFrom(op, sources);
  const dask = engines && fromBuckets ? new DaskOption(engines()) : null;
  const result = await showDialog({
    title: options.title,
    body: new TransferDialogBody({
      op,
      sources,
      remotes: buckets.remotes,
      picker,
      dask,
      cloud: fromBuckets ? new CloudOption(op) : null,
      estimate
    }),
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

interface ITransferDialogBodyOptions {
  op: Op;
  sources: ReadonlyArray<string>;
  remotes: ReadonlyArray<IRemote>;
  picker: DestinationPicker;
  dask: DaskOption | null;
  cloud: CloudOption | null;
  estimate?: IAskDestinationOptions['estimate'];
}

/**
 * The destination fields; under them, between buckets, the estimate and the
 * hand-off checkboxes (one or the other) while the destination allows them.
 */
class TransferDialogBody extends Panel {
  constructor(private readonly _options: ITransferDialogBodyOptions) {
    super();
    const { op, picker, dask, cloud, estimate } = _options;
    this.addClass('jp-Buckets-transferDialog');
    this.addWidget(picker);
    if (estimate) {
      this._estimateView = new EstimateView(op);
      this._estimator = new Estimator({
        plan: estimate.plan,
        changed: () => this._renderEstimate(),
        delayMs: ESTIMATE_DELAY_MS
      });
      this.addWidget(this._estimateView);
    }
    if (dask) {
      this.addWidget(dask);
      dask.ticked.connect((_, ticked) => {
        if (ticked) {
          cloud?.untick();
        }
      });
    }
    if (cloud) {
      this.addWidget(cloud);
      cloud.ticked.connect((_, ticked) => {
        if (ticked) {
          dask?.untick();
        }
      });
    }
    picker.changed.connect(this._destinationChanged, this);
    this._destinationChanged();
  }

  getValue(): ITransferChoice | null {
    const { picker, dask, cloud } = this._options;
    const location = picker.location();
    if (!location) {
      return null;
    }
    if (cloud?.runInCloud) {
      return { location, via: 'cloud', onConflict: cloud.onConflict };
    }
    return { location, via: dask?.runOnDask ? 'dask' : 'sidecar' };
  }

  dispose(): void {
    // The dialog closed: its dry runs are of no use any more.
    this._estimator?.dispose();
    super.dispose();
  }

  private _destinationChanged(): void {
    const { op, sources, remotes, picker, dask, cloud, estimate } =
      this._options;
    const location = picker.location();
    const betweenBuckets = daskMayRun(op, sources, location);
    dask?.offer(betweenBuckets);
    cloud?.offer(cloudMayRun(op, sources, location, remotes));
    this._estimator?.estimate(betweenBuckets ? location : null, () =>
      estimate!.requests(location!)
    );
    this._renderEstimate();
  }

  private _renderEstimate(): void {
    const { dask, cloud } = this._options;
    this._estimateView?.render(this._estimator!.state, {
      dask: dask !== null && !dask.isHidden,
      cloud: cloud !== null && !cloud.isHidden
    });
  }

  private readonly _estimator: Estimator | null = null;
  private readonly _estimateView: EstimateView | null = null;
}
