// The status-bar item: how far the running jobs are, together; a click shows
// the Transfers panel. Hidden while nothing runs.
import { Signal, type ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { formatSize } from '../format';
import type { ITransfersModel } from '../tokens';
import { h } from '../widgets/dom';
import { transfersIcon } from './icons';

export class TransfersStatus extends Widget {
  constructor(
    private readonly _model: ITransfersModel,
    onClick: () => void
  ) {
    super({
      node: h('div', {
        className: 'jp-Transfers-statusItem',
        attrs: { role: 'button', tabindex: '0' }
      })
    });
    this._text = h('span', { className: 'jp-Transfers-statusText' });
    this._fill = h('span', { className: 'jp-Transfers-statusFill' });
    const icon = h('span', { className: 'jp-Transfers-statusIcon' });
    transfersIcon.element({ container: icon });
    this.node.append(
      icon,
      this._text,
      h('span', { className: 'jp-Transfers-statusBar' }, [this._fill])
    );
    this.node.addEventListener('click', onClick);
    this.node.addEventListener('keydown', event => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        onClick();
      }
    });
    this._model.changed.connect(this._render, this);
    this._render();
  }

  /** Whether any job runs (the status bar shows the item only then). */
  get active(): boolean {
    return this._active;
  }

  /** Fires when `active` changes. */
  get activeChanged(): ISignal<this, void> {
    return this._activeChanged;
  }

  private _render(): void {
    const { running, bytes, totalBytes, files, totalFiles } =
      this._model.summary;
    if (this._active !== running > 0) {
      this._active = running > 0;
      this._activeChanged.emit();
    }
    const fraction =
      totalBytes > 0
        ? bytes / totalBytes
        : totalFiles > 0
          ? files / totalFiles
          : 0;
    const percent = Math.max(0, Math.min(100, Math.floor(fraction * 100)));
    const text = `${running} transfer${running === 1 ? '' : 's'} · ${percent}%`;
    if (this._text.textContent !== text) {
      this._text.textContent = text;
    }
    this._fill.style.width = `${percent}%`;
    this.node.title =
      `${running} transfer${running === 1 ? '' : 's'} running: ` +
      `${formatSize(bytes)} of ${formatSize(totalBytes)}, ` +
      `${files.toLocaleString('en')} of ${totalFiles.toLocaleString('en')} files. ` +
      'Click to show the Transfers panel.';
  }

  private readonly _text: HTMLElement;
  private readonly _fill: HTMLElement;
  private readonly _activeChanged = new Signal<this, void>(this);
  private _active = false;
}
