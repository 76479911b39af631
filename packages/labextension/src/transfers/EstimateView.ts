// The transfer dialog's estimate: what a copy between buckets would move and
// how long it would take here, and, when that is long, the way to hand it
// off, just above the checkboxes that do. Renders estimate.ts's words.
import { Widget } from '@lumino/widgets';

import { h } from '../widgets/dom';
import { estimateText, handOffAdvice, type EstimateState } from './estimate';

export class EstimateView extends Widget {
  constructor(private readonly _op: 'copy' | 'move' | 'sync') {
    super({
      node: h('div', {
        className: 'jp-Buckets-estimate',
        attrs: { role: 'status' }
      })
    });
    this._line = h('div', { className: 'jp-Buckets-estimateLine' });
    this._advice = h('div', { className: 'jp-Buckets-handOffAdvice' });
    this.node.append(this._line, this._advice);
    this.render({ kind: 'none' }, { dask: false, cloud: false });
  }

  /** Show `state`; `offered`: the hand-off checkboxes shown beside it. */
  render(
    state: EstimateState,
    offered: { dask: boolean; cloud: boolean }
  ): void {
    this._line.textContent = estimateText(state, this._op);
    this._line.classList.toggle('jp-mod-failed', state.kind === 'failed');
    this._advice.textContent = handOffAdvice(state, offered);
    this._advice.hidden = this._advice.textContent === '';
    this.setHidden(state.kind === 'none');
  }

  private readonly _line: HTMLElement;
  private readonly _advice: HTMLElement;
}
