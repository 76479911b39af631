// "Use on my computer": what to paste on a laptop for the AWS CLI, rclone and
// Python, with short-lived credentials the hub mints (shown with their
// expiry), and the remote's own secret only after an explicit confirmation.
// The credentials live in this view's DOM only: never stored, never logged.
import {
  TAKE_HOME_DURATION,
  type IRemoteDetail,
  type ITakeHome,
  type ITakeHomeRequest,
  type ITakeHomeSnippet
} from '@jupyter-buckets/core';
import { Clipboard, Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { h } from '../widgets/dom';
import type { RemotesManager } from './model';
import { renderBanner } from './render';
import { credentialsSummary } from './take-home-text';

const DURATIONS: [number, string][] = [
  [TAKE_HOME_DURATION.default, '1 hour'],
  [4 * 3600, '4 hours'],
  [TAKE_HOME_DURATION.max, '12 hours']
];

export class TakeHomeView extends Widget {
  constructor(options: ITakeHomeViewOptions) {
    super({ node: h('section', { className: 'jp-Credentials-takeHome' }) });
    this._manager = options.manager;
    this._detail = options.detail;
    this.node.setAttribute('aria-label', 'Use on my computer');
    this._render();
  }

  /** Ask for temporary credentials with the options shown. */
  async load(request: ITakeHomeRequest = this._request()): Promise<void> {
    this._status.replaceChildren(
      h('span', {
        className: 'jp-Credentials-testing',
        text: 'Asking the hub…'
      })
    );
    this._snippets.replaceChildren();
    try {
      this._show(await this._manager.takeHome(this._detail.name, request));
    } catch (error) {
      this._status.replaceChildren(renderBanner(error));
    }
  }

  private _render(): void {
    const d = this._detail;
    const bookmarks = d.bookmarks.map(b => b.path);
    this._path = h('input', {
      className: 'jp-mod-styled jp-Credentials-takeHomePath',
      attrs: {
        type: 'text',
        placeholder: 'bucket or bucket/folder/',
        'aria-label': 'Bucket or folder',
        list: `jp-Credentials-takeHome-${d.name}`,
        value: bookmarks[0] ?? ''
      }
    });
    const datalist = h(
      'datalist',
      { attrs: { id: `jp-Credentials-takeHome-${d.name}` } },
      bookmarks.map(path => h('option', { attrs: { value: path } }))
    );
    this._duration = h(
      'select',
      {
        className: 'jp-mod-styled jp-Credentials-takeHomeDuration',
        attrs: { 'aria-label': 'Valid for' }
      },
      DURATIONS.map(([seconds, label]) =>
        h('option', { text: label, attrs: { value: String(seconds) } })
      )
    );
    this._readOnly = h('input', {
      className: 'jp-Credentials-takeHomeReadOnly',
      attrs: { type: 'checkbox' }
    });
    const make = h('button', {
      className: 'jp-mod-styled jp-mod-accept jp-Credentials-takeHomeMake',
      text: 'Make new credentials',
      attrs: { type: 'button' }
    });
    make.addEventListener('click', () => void this.load());
    this._path.addEventListener('keydown', event => {
      if (event.key === 'Enter') {
        void this.load();
      }
    });
    const options = h('div', { className: 'jp-Credentials-takeHomeOptions' }, [
      h('label', {}, [document.createTextNode('Bucket or folder'), this._path]),
      datalist,
      ...(d.provider === 's3'
        ? [
            h('label', {}, [
              document.createTextNode('Valid for'),
              this._duration
            ])
          ]
        : []),
      h('label', { className: 'jp-Credentials-takeHomeCheck' }, [
        this._readOnly,
        document.createTextNode('Read only')
      ]),
      make
    ]);
    this._status = h('div', {
      className: 'jp-Credentials-takeHomeStatus',
      attrs: { 'aria-live': 'polite' }
    });
    this._snippets = h('div', { className: 'jp-Credentials-snippets' });
    this.node.replaceChildren(
      h('h3', { text: 'Use on my computer' }),
      h('p', {
        className: 'jp-Credentials-help',
        text: 'Paste one of these on your own computer: the AWS CLI, rclone or Python then reach this remote, without typing keys into config files.'
      }),
      options,
      this._status,
      this._snippets
    );
  }

  private _request(): ITakeHomeRequest {
    const path = this._path.value.trim();
    return {
      ...(path ? { path } : {}),
      credentials: 'temporary',
      readOnly: this._readOnly.checked,
      ...(this._detail.provider === 's3'
        ? { durationSeconds: Number(this._duration.value) }
        : {})
    };
  }

  private _show(answer: ITakeHome): void {
    const c = answer.credentials;
    const status: Node[] = [];
    if (c.unavailable) {
      status.push(
        h('p', {
          className: 'jp-Credentials-takeHomeUnavailable',
          text: `No temporary credentials: ${c.unavailable}`
        })
      );
    }
    status.push(
      h('p', {
        className: `jp-Credentials-takeHomeSummary jp-mod-${c.kind}`,
        text: credentialsSummary(answer),
        attrs: { 'data-kind': c.kind }
      })
    );
    if (c.savedAvailable && c.kind !== 'saved') {
      const reveal = h('button', {
        className: 'jp-mod-styled jp-Credentials-takeHomeSaved',
        text: 'Show the saved secret instead…',
        attrs: { type: 'button' }
      });
      reveal.addEventListener('click', () => void this._revealSaved());
      status.push(reveal);
    }
    this._status.replaceChildren(...status);
    this._snippets.replaceChildren(...answer.snippets.map(renderSnippet));
  }

  private async _revealSaved(): Promise<void> {
    const result = await showDialog({
      title: `Show the secret of ${this._detail.name}?`,
      body: new Widget({
        node: h('div', { className: 'jp-Credentials-confirm' }, [
          h('p', {
            text: "The snippets will carry the remote's long-lived secret. Anyone who sees it (a screenshot, a shared notebook, a shell history) can use the bucket until the key is revoked."
          }),
          h('p', {
            text: 'Temporary credentials expire by themselves; prefer them when the store offers them.'
          })
        ])
      }),
      buttons: [
        Dialog.cancelButton(),
        Dialog.warnButton({ label: 'Show the secret' })
      ]
    });
    if (!result.button.accept) {
      return;
    }
    const path = this._path.value.trim();
    await this.load({
      ...(path ? { path } : {}),
      credentials: 'saved',
      confirm: true
    });
  }

  private readonly _manager: RemotesManager;
  private readonly _detail: IRemoteDetail;
  private _path!: HTMLInputElement;
  private _duration!: HTMLSelectElement;
  private _readOnly!: HTMLInputElement;
  private _status!: HTMLElement;
  private _snippets!: HTMLElement;
}

function renderSnippet(snippet: ITakeHomeSnippet): HTMLElement {
  const copy = h('button', {
    className: 'jp-mod-styled jp-Credentials-copy',
    text: 'Copy',
    attrs: { type: 'button', 'aria-label': `Copy the ${snippet.title} snippet` }
  });
  copy.addEventListener('click', () => {
    Clipboard.copyToSystem(snippet.text);
    copy.textContent = 'Copied';
    window.setTimeout(() => (copy.textContent = 'Copy'), 1500);
  });
  return h(
    'div',
    {
      className: 'jp-Credentials-snippet',
      attrs: { 'data-tool': snippet.tool }
    },
    [
      h('div', { className: 'jp-Credentials-snippetHeader' }, [
        h('span', {
          className: 'jp-Credentials-snippetTitle',
          text: snippet.title
        }),
        copy
      ]),
      h('pre', { className: 'jp-Credentials-snippetText' }, [
        h('code', {
          text: snippet.text,
          attrs: { 'data-language': snippet.language }
        })
      ]),
      h('p', { className: 'jp-Credentials-help', text: snippet.note })
    ]
  );
}

export interface ITakeHomeViewOptions {
  manager: RemotesManager;
  detail: IRemoteDetail;
}
