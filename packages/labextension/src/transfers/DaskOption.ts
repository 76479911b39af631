// The "Run on Dask cluster" checkbox of the transfer dialogs. Shown only for
// a transfer the cluster may run (between buckets); ticked only once the
// server found a cluster, and otherwise disabled with why, and how to get
// one, in its tooltip.
import type { IEngines } from '@jupyter-buckets/core';
import { Signal, type ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { h } from '../widgets/dom';
import { daskChoice, type DaskEngine } from './dask';

export class DaskOption extends Widget {
  /** `engines`: the server's answer, asked when the dialog opened. */
  constructor(engines: Promise<IEngines>) {
    super({ node: h('label', { className: 'jp-Buckets-daskOption' }) });
    this._box = h('input', { attrs: { type: 'checkbox', name: 'dask' } });
    this._label = h('span', { className: 'jp-Buckets-daskLabel' });
    this.node.append(this._box, this._label);
    this._box.addEventListener('change', () =>
      this._ticked.emit(this._box.checked)
    );
    this._show(null);
    engines
      .then(
        answer => answer.dask,
        (error: unknown): DaskEngine => ({
          available: false,
          reason: `The server could not say whether a Dask cluster is reachable: ${(error as Error).message}`
        })
      )
      .then(dask => {
        if (!this.isDisposed) {
          this._show(dask);
        }
      });
  }

  /** Show the box for a transfer the cluster may run; hide it for any other. */
  offer(offered: boolean): void {
    this.setHidden(!offered);
  }

  /** Whether the transfer is to run on the cluster: offered, available and ticked. */
  get runOnDask(): boolean {
    return !this.isHidden && !this._box.disabled && this._box.checked;
  }

  /** Fires when the user ticks or unticks the box. */
  get ticked(): ISignal<this, boolean> {
    return this._ticked;
  }

  /** Untick (another way to run the transfer was chosen). */
  untick(): void {
    this._box.checked = false;
  }

  dispose(): void {
    Signal.clearData(this);
    super.dispose();
  }

  private _show(dask: DaskEngine | null): void {
    const choice = daskChoice(dask);
    this._box.disabled = !choice.enabled;
    if (!choice.enabled) {
      this._box.checked = false;
    }
    this._label.textContent = choice.label;
    this.node.title = choice.title;
    this.node.classList.toggle('jp-mod-disabled', !choice.enabled);
  }

  private readonly _box: HTMLInputElement;
  private readonly _label: HTMLElement;
  private readonly _ticked = new Signal<this, boolean>(this);
}
