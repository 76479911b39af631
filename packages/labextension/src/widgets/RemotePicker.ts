// The toolbar's remote chooser: one <select> option per remote, with its provider.
import { PROVIDERS, type IRemote } from '@jupyter-buckets/core';
import { Widget } from '@lumino/widgets';

import type { BucketsChange, IBucketsModel } from '../tokens';
import { h } from './dom';

export class RemotePicker extends Widget {
  constructor(private readonly _model: IBucketsModel) {
    super({ node: h('div', { className: 'jp-Buckets-remotePickerWrapper' }) });
    this._select = h('select', {
      className: 'jp-Buckets-remotePicker',
      title: 'Remote',
      attrs: { 'aria-label': 'Remote' }
    });
    this._select.addEventListener('change', () => {
      void this._model.selectRemote(this._select.value);
    });
    this.node.append(this._select);
    this._model.stateChanged.connect(this._onChange, this);
    this._render();
  }

  private _onChange(_: IBucketsModel, change: BucketsChange): void {
    if (change === 'remotes' || change === 'location' || change === 'error') {
      this._render();
    }
  }

  private _render(): void {
    const { remotes, location } = this._model;
    const options = remotes.map(remote => {
      const option = h('option', {
        text: `${remote.name} (${PROVIDERS[remote.provider].label})`,
        title: describe(remote),
        attrs: { value: remote.name }
      });
      return option;
    });
    if (location.remote === null || !remotes.length) {
      options.unshift(
        h('option', {
          // "No remotes" only once the sidecar said so: before, it is loading.
          text: remotes.length
            ? 'Choose a remote…'
            : this._model.error?.code === 'no_remotes'
              ? 'No remotes'
              : this._model.error
                ? 'Remotes unavailable'
                : 'Loading remotes…',
          attrs: { value: '', disabled: '' }
        })
      );
    }
    this._select.replaceChildren(...options);
    this._select.value = location.remote ?? '';
    this._select.disabled = !remotes.length;
    const current = remotes.find(r => r.name === location.remote);
    this._select.title = current ? describe(current) : 'Remote';
  }

  private readonly _select: HTMLSelectElement;
}

/** Where the remote points and where its settings came from (never a secret). */
function describe(remote: IRemote): string {
  const lines = [
    `${remote.name}: ${PROVIDERS[remote.provider].label}`,
    `Endpoint: ${remote.endpoint ?? 'provider default'}`
  ];
  if (remote.region) {
    lines.push(`Region: ${remote.region}`);
  }
  lines.push(`From: ${remote.sources.join(', ')}`);
  if (remote.anonymous) {
    lines.push('Anonymous access');
  } else if (!remote.hasCredentials) {
    lines.push('No credentials configured');
  }
  return lines.join('\n');
}
