// One job in the Transfers panel: what goes where, a progress bar, the
// figures (and the workers and shards of a job on a Dask cluster, or the
// operation of a cloud transfer), the failed files, Cancel or Retry. Built
// once and then updated in place: progress arrives several times a second,
// and a row rebuilt under the pointer would swallow the click on its Cancel
// button.
import type { ITransferJob, JobState, TransferOp } from '@jupyter-buckets/core';

import { formatDuration, formatSize } from '../format';
import { h, richText } from '../widgets/dom';
import { amounts } from './amounts';
import { cloudLine } from './cloud';
import { daskLine } from './dask';
import { describeLocation } from './locations';
import { isActive } from './model';

const OP_LABELS: Record<TransferOp, string> = {
  copy: 'Copy',
  move: 'Move',
  sync: 'Sync',
  delete: 'Delete',
  upload: 'Upload'
};

const STATE_LABELS: Record<JobState, string> = {
  queued: 'Queued',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled'
};

export interface IJobActions {
  cancel(id: string): void;
  retry(id: string): void;
  /** Pick the files of an upload again, to continue it. */
  continueUpload?(id: string): void;
  /** Whether this page sends an upload's bytes (else it waits for its files). */
  isSending?(id: string): boolean;
}

export class JobView {
  readonly node: HTMLLIElement;

  constructor(
    job: ITransferJob,
    private readonly _actions: IJobActions
  ) {
    this._op = h('span', { className: 'jp-Transfers-op' });
    this._state = h('span', { className: 'jp-Transfers-state' });
    this._cancel = this._button('Cancel', 'jp-Transfers-cancel', () =>
      this._actions.cancel(this._job.id)
    );
    this._retry = this._button('Retry', 'jp-Transfers-retry', () =>
      this._actions.retry(this._job.id)
    );
    this._continue = this._button('Continue…', 'jp-Transfers-continue', () =>
      this._actions.continueUpload?.(this._job.id)
    );
    this._waiting = h('div', { className: 'jp-Transfers-waiting' });
    // The end of a path says most (the name): long ones are cut at the
    // start (right-to-left boxes), the text itself isolated as left-to-right.
    this._src = h('span', { className: 'jp-Transfers-src' }, [h('bdi')]);
    this._dst = h('span', { className: 'jp-Transfers-dst' }, [h('bdi')]);
    this._arrow = h('span', { className: 'jp-Transfers-arrow', text: '→' });
    this._fill = h('div', { className: 'jp-Transfers-barFill' });
    this._bar = h(
      'div',
      {
        className: 'jp-Transfers-bar',
        attrs: {
          role: 'progressbar',
          'aria-valuemin': '0',
          'aria-valuemax': '100'
        }
      },
      [this._fill]
    );
    this._bytes = h('span', { className: 'jp-Transfers-bytes' });
    this._files = h('span', { className: 'jp-Transfers-files' });
    this._rate = h('span', { className: 'jp-Transfers-rate' });
    this._eta = h('span', { className: 'jp-Transfers-eta' });
    // A job on a Dask cluster (its workers and shards) or a cloud transfer
    // (its operation), under the figures.
    this._engine = h('div', { className: 'jp-Transfers-engine' });
    this._jobError = h('div', {
      className: 'jp-Transfers-jobError',
      attrs: { role: 'alert' }
    });
    this._errorCount = h('summary', { className: 'jp-Transfers-errorCount' });
    this._errorList = h('ul', { className: 'jp-Transfers-errorList' });
    this._errors = h('details', { className: 'jp-Transfers-errors' }, [
      this._errorCount,
      this._errorList
    ]);
    this.node = h(
      'li',
      { className: 'jp-Transfers-job', attrs: { 'data-id': job.id } },
      [
        h('div', { className: 'jp-Transfers-jobHead' }, [
          this._op,
          this._state,
          h('span', { className: 'jp-Transfers-spacer' }),
          this._continue,
          this._cancel,
          this._retry
        ]),
        this._waiting,
        h('div', { className: 'jp-Transfers-route' }, [
          this._src,
          this._arrow,
          this._dst
        ]),
        this._bar,
        h('div', { className: 'jp-Transfers-figures' }, [
          this._bytes,
          this._files,
          this._rate,
          this._eta
        ]),
        this._engine,
        this._jobError,
        this._errors
      ]
    );
    this._job = job;
    this.update(job);
  }

  update(job: ITransferJob): void {
    this._job = job;
    const active = isActive(job);
    const { progress, totals } = job;
    this.node.dataset.state = job.state;
    this._op.textContent = OP_LABELS[job.op] ?? job.op;
    this._state.textContent = STATE_LABELS[job.state] ?? job.state;
    this._cancel.hidden = !active;
    const upload = job.op === 'upload';
    // The sidecar retries the failed files of a failed job, or the files a
    // cancelled job did not reach. An upload's files are on the computer:
    // it is continued by picking them again, while it runs.
    this._retry.hidden =
      upload || (job.state !== 'failed' && job.state !== 'cancelled');
    const waiting =
      upload &&
      job.state === 'running' &&
      this._actions.isSending?.(job.id) === false;
    this._continue.hidden = !waiting || !this._actions.continueUpload;
    setText(
      this._waiting,
      waiting
        ? 'Waiting for its files: pick the same files again (Continue…) to send the parts the bucket does not have yet.'
        : ''
    );
    this._waiting.hidden = !waiting;
    setText(
      this._src.firstElementChild as HTMLElement,
      upload ? `${job.src} (this computer)` : describeLocation(job.src)
    );
    // A delete has a source only.
    this._arrow.hidden = this._dst.hidden = job.op === 'delete';
    setText(
      this._dst.firstElementChild as HTMLElement,
      job.dst ? describeLocation(job.dst) : ''
    );

    const fraction =
      job.state === 'done'
        ? 1
        : totals.bytes > 0
          ? progress.bytes / totals.bytes
          : totals.files > 0
            ? progress.files / totals.files
            : 0;
    const percent = Math.max(0, Math.min(100, Math.floor(fraction * 100)));
    this._fill.style.width = `${percent}%`;
    this._bar.setAttribute('aria-valuenow', String(percent));
    this._bar.setAttribute(
      'aria-label',
      `${percent}% ${job.op === 'delete' ? 'deleted' : 'transferred'}`
    );

    const words = amounts(job);
    setText(this._bytes, words.bytes);
    const files = [words.files];
    if (progress.skipped) {
      files.push(`${progress.skipped.toLocaleString('en')} unchanged`);
    }
    if (progress.deleted) {
      files.push(`${progress.deleted.toLocaleString('en')} deleted`);
    }
    setText(this._files, files.join(', '));
    setText(
      this._rate,
      active && progress.rate > 0 ? `${formatSize(progress.rate)}/s` : ''
    );
    setText(
      this._eta,
      active && progress.eta !== undefined
        ? `${formatDuration(progress.eta)} left`
        : ''
    );
    setText(this._engine, daskLine(job) || cloudLine(job));
    this._title(job);
    this._renderJobError(job);
    this._renderErrors(job);
  }

  private _title(job: ITransferJob): void {
    const lines = [
      job.op === 'delete'
        ? `Delete ${job.src}`
        : `${OP_LABELS[job.op] ?? job.op} ${job.src} → ${job.dst}`,
      `Started ${new Date(job.created).toLocaleString()}`
    ];
    if (job.finished) {
      lines.push(`Ended ${new Date(job.finished).toLocaleString()}`);
    }
    if (job.progress.serverSideFiles) {
      lines.push(
        `${job.progress.serverSideFiles.toLocaleString('en')} files copied by the storage service itself`
      );
    }
    const title = lines.join('\n');
    if (this.node.title !== title) {
      this.node.title = title;
    }
  }

  private _renderJobError(job: ITransferJob): void {
    const error = job.error;
    const key = error ? `${error.code}\n${error.message}\n${error.hint}` : '';
    if (key === this._shownJobError) {
      return;
    }
    this._shownJobError = key;
    this._jobError.hidden = !error;
    this._jobError.replaceChildren(
      ...(error
        ? [
            h('p', { text: error.message }),
            ...(error.hint
              ? [
                  h(
                    'p',
                    { className: 'jp-Transfers-hint' },
                    richText(error.hint)
                  )
                ]
              : [])
          ]
        : [])
    );
  }

  private _renderErrors(job: ITransferJob): void {
    const errors = job.errors;
    this._errors.hidden = errors.length === 0;
    if (errors.length === this._shownErrors) {
      return;
    }
    this._shownErrors = errors.length;
    this._errorCount.textContent = `${errors.length.toLocaleString('en')} file${errors.length === 1 ? '' : 's'} failed`;
    this._errorList.replaceChildren(
      ...errors.map(error =>
        h('li', { className: 'jp-Transfers-error' }, [
          h('span', { className: 'jp-Transfers-errorPath', text: error.path }),
          h('span', {
            className: 'jp-Transfers-errorMessage',
            text: error.message
          }),
          ...(error.hint
            ? [
                h(
                  'span',
                  { className: 'jp-Transfers-hint' },
                  richText(error.hint)
                )
              ]
            : [])
        ])
      )
    );
  }

  private _button(
    label: string,
    className: string,
    onClick: () => void
  ): HTMLButtonElement {
    const button = h('button', {
      className: `jp-Transfers-action ${className}`,
      text: label,
      attrs: { type: 'button' }
    });
    button.addEventListener('click', onClick);
    return button;
  }

  private _job: ITransferJob;
  private readonly _op: HTMLElement;
  private readonly _state: HTMLElement;
  private readonly _cancel: HTMLButtonElement;
  private readonly _retry: HTMLButtonElement;
  private readonly _continue: HTMLButtonElement;
  private readonly _waiting: HTMLElement;
  private readonly _src: HTMLElement;
  private readonly _dst: HTMLElement;
  private readonly _arrow: HTMLElement;
  private readonly _bar: HTMLElement;
  private readonly _fill: HTMLElement;
  private readonly _bytes: HTMLElement;
  private readonly _files: HTMLElement;
  private readonly _rate: HTMLElement;
  private readonly _eta: HTMLElement;
  private readonly _engine: HTMLElement;
  private readonly _jobError: HTMLElement;
  private readonly _errors: HTMLDetailsElement;
  private readonly _errorCount: HTMLElement;
  private readonly _errorList: HTMLElement;
  private _shownJobError = '';
  private _shownErrors = -1;
}

/** Only touch the DOM when the text changed (progress events are frequent). */
function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) {
    node.textContent = text;
  }
  node.hidden = text === '';
}
