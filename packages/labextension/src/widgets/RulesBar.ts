// The hub admin's rules for the place shown, under the breadcrumbs: a badge
// for a read-only remote or a folder outside the writable ones (why, in its
// tooltip) and one for a remote whose files are purged after some days.
import { Widget } from '@lumino/widgets';

import { folderRefusal, purgeWarning, shownFolderRefusal } from '../rules';
import type { BucketsChange, IBucketsModel } from '../tokens';
import { h } from './dom';

export class RulesBar extends Widget {
  constructor(private readonly _model: IBucketsModel) {
    super({
      node: h('div', {
        className: 'jp-Buckets-rules',
        attrs: { role: 'status' }
      })
    });
    this._model.stateChanged.connect(this._onChange, this);
    this._render();
  }

  private _onChange(_: IBucketsModel, change: BucketsChange): void {
    if (change === 'remotes' || change === 'location') {
      this._render();
    }
  }

  private _render(): void {
    const { remote: name } = this._model.location;
    const remote = this._model.remotes.find(r => r.name === name);
    const badges: HTMLElement[] = [];
    // A read-only remote is badged everywhere, its list of buckets too.
    const refusal = remote?.policy?.readOnly
      ? folderRefusal(remote, '', '')
      : shownFolderRefusal(this._model);
    if (refusal) {
      badges.push(
        h('span', {
          className: 'jp-Buckets-badge jp-mod-readOnly',
          text: remote?.policy?.readOnly ? 'Read-only' : 'Read-only here',
          title: refusal
        })
      );
    }
    const purge = purgeWarning(remote);
    if (purge) {
      const days = remote!.policy!.purgeAfterDays!;
      badges.push(
        h('span', {
          className: 'jp-Buckets-badge jp-mod-purge',
          text: `Purged after ${days} day${days === 1 ? '' : 's'}`,
          title: `${purge} Keep what matters in a persistent bucket.`
        })
      );
    }
    this.node.replaceChildren(...badges);
    this.setHidden(badges.length === 0);
  }
}
