// remote / bucket / prefix segments, each clickable, like the file browser's.
// When they do not fit, the remote and the last folders stay whole and the
// middle collapses into one "…" (which goes to the deepest folder it hides).
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
    // A sidebar resized (or shown) fits the crumbs again.
    this._resize = new ResizeObserver(() => this._fit());
    this._resize.observe(this.node);
    this._render();
  }

  dispose(): void {
    this._resize.disconnect();
    super.dispose();
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
      this._crumbs = [];
      this.node.replaceChildren();
      this.node.title = '';
      return;
    }
    const labels = [remote];
    this._labels = labels;
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
    this._crumbs = children;
    this.node.replaceChildren(...children);
    this._fit();
    // The location as rclone and the CLI write it, for reading in full.
    this.node.title =
      bucket === null
        ? `${remote}:`
        : formatLocation({ kind: 'remote', remote, bucket, path: prefix });
  }

  /**
   * Collapse the middle crumbs (never the remote, never the current folder)
   * until the rest fits. `_crumbs` alternates crumb, separator, crumb...
   */
  private _fit(): void {
    const crumbs = this._crumbs;
    if (!crumbs.length) {
      return;
    }
    const count = (crumbs.length + 1) / 2;
    this.node.replaceChildren(...crumbs);
    if (this.node.clientWidth === 0) {
      return; // hidden: fitted when shown
    }
    for (let hidden = 1; hidden <= count - 2; hidden++) {
      if (this.node.scrollWidth <= this.node.clientWidth) {
        return;
      }
      // Crumbs 1..hidden go into one "…", which opens the deepest of them.
      const more = h('button', {
        className: 'jp-Buckets-crumb jp-Buckets-crumbMore',
        text: '…',
        title: this._labels.slice(1, hidden + 1).join('/'),
        attrs: {
          'data-index': String(hidden),
          'aria-label': `Go to ${this._labels[hidden]}`
        }
      });
      this.node.replaceChildren(
        crumbs[0],
        crumbs[1],
        more,
        ...crumbs.slice(2 * hidden + 1)
      );
    }
  }

  private readonly _resize: ResizeObserver;
  private _crumbs: Node[] = [];
  private _labels: string[] = [];
}
