// remote / bucket / prefix segments, each clickable, like the file browser's.
import { formatLocation } from '@jupyter-buckets/core';
import { Widget } from '@lumino/widgets';

import { bucketIcon } from '../icons';
import type { BucketsChange, IBucketsModel } from '../tokens';
import { h } from './dom';

export class Breadcrumbs extends Widget {
  constructor(private readonly _model: IBucketsModel) {
    super({
      node: h('div', {
        className: 'jp-Buckets-breadcrumbs',
        attrs: { role: 'navigation', 'aria-label': 'Location' }
      })
    });
    this.node.addEventListener('click', event => {
      const crumb = (event.target as HTMLElement).closest<HTMLElement>(
        '.jp-Buckets-crumb'
      );
      if (crumb && !crumb.classList.contains('jp-mod-current')) {
        void this._model.goTo(Number(crumb.dataset.index));
      }
    });
    this._model.stateChanged.connect(this._onChange, this);
    this._render();
  }

  private _onChange(_: IBucketsModel, change: BucketsChange): void {
    if (change === 'location') {
      this._render();
    }
  }

  private _render(): void {
    const { remote, bucket, prefix } = this._model.location;
    this.setHidden(remote === null);
    if (remote === null) {
      this.node.replaceChildren();
      this.node.title = '';
      return;
    }
    const labels = [remote];
    if (bucket !== null) {
      labels.push(bucket, ...prefix.split('/').filter(s => s !== ''));
    }
    const children: Node[] = [];
    labels.forEach((label, index) => {
      if (index > 0) {
        children.push(
          h('span', { className: 'jp-Buckets-crumbSep', text: '/' })
        );
      }
      const last = index === labels.length - 1;
      const crumb = h(
        last ? 'span' : 'button',
        {
          className: `jp-Buckets-crumb${last ? ' jp-mod-current' : ''}`,
          attrs: { 'data-index': String(index) }
        },
        []
      );
      if (index === 0) {
        crumb.append(
          bucketIcon.element({ className: 'jp-Buckets-crumbIcon', tag: 'span' })
        );
      }
      crumb.append(h('span', { text: label }));
      children.push(crumb);
    });
    this.node.replaceChildren(...children);
    // The location as rclone and the CLI write it, for reading in full.
    this.node.title =
      bucket === null
        ? `${remote}:`
        : formatLocation({ kind: 'remote', remote, bucket, path: prefix });
  }
}
