// The Transfers side panel: every job, newest first, with its progress;
// Cancel, Retry and "Clear finished". It lives in the right sidebar so that
// the file browser and the Buckets panel (left) stay in view while jobs run.
import {
  clearIcon,
  refreshIcon,
  SidePanel,
  ToolbarButton
} from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import { Panel, Widget } from '@lumino/widgets';

import type { ITransfersModel, TransfersChange } from '../tokens';
import { h } from '../widgets/dom';
import { renderError, showActionError } from '../widgets/errors';
import { transfersIcon } from './icons';
import { JobView } from './JobView';
import { isActive } from './model';

export const TRANSFERS_PANEL_ID = 'jupyter-buckets-transfers';

export class TransfersPanel extends SidePanel {
  constructor(
    private readonly _model: ITransfersModel,
    /** Continue… of an upload that waits for its files (after a reload). */
    private readonly _continueUpload?: (id: string) => void
  ) {
    // A plain panel: the default accordion would add a section title.
    super({ content: new Panel() });
    this.id = TRANSFERS_PANEL_ID;
    this.addClass('jp-Transfers');
    this.title.icon = transfersIcon;
    this.title.caption = 'Transfers';
    this.header.addWidget(
      new Widget({
        node: h('h2', { className: 'jp-text-truncated', text: 'Transfers' })
      })
    );
    this._clear = new ToolbarButton({
      icon: clearIcon,
      label: 'Clear finished',
      tooltip: 'Hide the jobs that have ended',
      className: 'jp-Transfers-clear',
      onClick: () => this._model.clearFinished()
    });
    this.toolbar.addItem('clear', this._clear);
    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: 'Reload the jobs from the server',
        className: 'jp-Transfers-refresh',
        onClick: () => void this._model.refresh()
      })
    );
    this._list = h('ul', {
      className: 'jp-Transfers-list',
      attrs: { 'aria-label': 'Transfer jobs' }
    });
    this._status = h('div', { className: 'jp-Transfers-status' });
    const body = new Widget({
      node: h('div', { className: 'jp-Transfers-body' }, [
        this._status,
        this._list
      ])
    });
    this.addWidget(body);
    this._model.changed.connect(this._onChange, this);
    this._render();
  }

  /**
   * The jobs load whenever the panel is shown (the sidecar starts the first
   * time): jobs started from a terminal appear then.
   */
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this._model.refresh();
  }

  private _onChange(_: ITransfersModel, _change: TransfersChange): void {
    // Progress of several jobs arrives several times a second: one render per frame.
    if (!this._frame) {
      this._frame = window.requestAnimationFrame(() => {
        this._frame = 0;
        this._render();
      });
    }
  }

  private _render(): void {
    const jobs = this._model.jobs;
    const seen = new Set<string>();
    let previous: Element | null = null;
    for (const job of jobs) {
      seen.add(job.id);
      let view = this._views.get(job.id);
      if (view) {
        view.update(job);
      } else {
        view = new JobView(job, {
          cancel: id => void this._act('Cancel failed', this._model.cancel(id)),
          retry: id => void this._act('Retry failed', this._model.retry(id)),
          continueUpload: this._continueUpload,
          isSending: id => this._model.isSending(id)
        });
        this._views.set(job.id, view);
      }
      // Keep nodes in place when the order holds (a click may be under way).
      const expected: Element | null = previous
        ? previous.nextElementSibling
        : this._list.firstElementChild;
      if (expected !== view.node) {
        if (previous) {
          previous.after(view.node);
        } else {
          this._list.prepend(view.node);
        }
      }
      previous = view.node;
    }
    for (const [id, view] of this._views) {
      if (!seen.has(id)) {
        view.node.remove();
        this._views.delete(id);
      }
    }
    this._clear.enabled = jobs.some(job => !isActive(job));
    this._renderStatus();
  }

  private _renderStatus(): void {
    const { error, loaded, jobs } = this._model;
    let content: Node | null = null;
    if (error) {
      content = renderError(error, () => void this._model.refresh());
    } else if (loaded && jobs.length === 0) {
      content = h('div', { className: 'jp-Transfers-empty' }, [
        h('p', { text: 'No transfers.' }),
        h('p', {
          text:
            'Drag files between the file browser and the Buckets panel, ' +
            'copy and paste in the Buckets panel (or Copy to…, Move to… ' +
            'and Sync to… in its context menu), or choose ' +
            '“Copy to bucket…” in the file browser’s context menu.'
        })
      ]);
    }
    this._status.replaceChildren(...(content ? [content] : []));
    this._status.hidden = content === null;
  }

  private async _act(title: string, action: Promise<unknown>): Promise<void> {
    try {
      await action;
    } catch (error) {
      await showActionError(title, error);
    }
  }

  dispose(): void {
    window.cancelAnimationFrame(this._frame);
    super.dispose();
  }

  private readonly _list: HTMLUListElement;
  private readonly _status: HTMLElement;
  private readonly _clear: ToolbarButton;
  private readonly _views = new Map<string, JobView>();
  private _frame = 0;
}
