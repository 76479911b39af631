// Config files that could not be read completely, above the listing; dismissible.
import type { IConfigProblem } from '@jupyter-buckets/core';
import { closeIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import type { BucketsChange, IBucketsModel } from '../tokens';
import { h } from './dom';

export class ProblemsBar extends Widget {
  constructor(private readonly _model: IBucketsModel) {
    super({ node: h('div', { className: 'jp-Buckets-problems' }) });
    this._model.stateChanged.connect(this._onChange, this);
    this._render();
  }

  private _onChange(_: IBucketsModel, change: BucketsChange): void {
    if (change === 'remotes') {
      this._render();
    }
  }

  private _render(): void {
    const shown = this._model.problems.filter(
      p => !this._dismissed.has(key(p))
    );
    this.node.replaceChildren(...shown.map(p => this._renderProblem(p)));
    this.setHidden(shown.length === 0);
  }

  private _renderProblem(problem: IConfigProblem): HTMLElement {
    const close = h('button', {
      className: 'jp-Buckets-problemDismiss',
      title: 'Dismiss',
      attrs: { 'aria-label': 'Dismiss' }
    });
    closeIcon.element({ container: close });
    close.addEventListener('click', () => {
      this._dismissed.add(key(problem));
      this._render();
    });
    const where = problem.remote
      ? `${problem.file} [${problem.remote}]`
      : problem.file;
    return h(
      'div',
      { className: 'jp-Buckets-problem', attrs: { role: 'status' } },
      [
        h('div', { className: 'jp-Buckets-problemText' }, [
          h('strong', {
            text:
              problem.source === 'admin'
                ? "In the hub admin's configuration "
                : 'Could not read '
          }),
          h('code', { text: where }),
          h('span', { text: `: ${problem.message}` })
        ]),
        close
      ]
    );
  }

  private readonly _dismissed = new Set<string>();
}

function key(problem: IConfigProblem): string {
  return `${problem.file}\n${problem.remote ?? ''}\n${problem.message}`;
}
